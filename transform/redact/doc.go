// Package redact masks sensitive data — e-mail addresses, payment card
// numbers, US social security numbers, phone numbers, IBANs, AWS keys,
// secret-looking tokens and your own regular expressions — in objects as
// they stream through an S3 Object Lambda function.
//
// Why a dedicated transform: the obvious implementation (read the object,
// run regexp.ReplaceAll, write it back) holds the whole object in memory
// and the naive streaming one (replace within each Read) misses every value
// that straddles two reads. This package streams with bounded memory and
// finds every match no matter how the input is chunked: the output is the
// same whether the body arrives in one read or one byte at a time.
//
// # How it streams
//
// Every detector has a bounded look-ahead: whether a match starts at byte s
// depends only on a few bytes before s and at most lookahead bytes after it
// (a few hundred for the built-ins; for a pattern, its longest possible
// match, which is why patterns must have bounded repetition). The reader
// gathers a block (128 KiB) plus that look-ahead, decides every position it
// can, emits them, and keeps the undecided tail for the next block. Memory
// per stream is one block plus twice the look-ahead.
//
// When detectors overlap, the match that starts first wins; on a tie, the
// longer one.
//
// # How it is fast
//
// The built-in detectors never look at every byte with byte-at-a-time
// code. Each match has something cheap to find at a known distance from
// its start, and the exact test runs only there:
//
//   - e-mail addresses have an '@', international numbers a '+', access
//     key ids an 'A': found with bytes.IndexByte, which compares 16 to 64
//     bytes per instruction; secret keys the "cr" of "secret" in any
//     case, found with a map of letter pairs (below);
//   - high-entropy tokens are runs of 32 or more token characters, found
//     by testing one 8-byte window in every n-7 bytes;
//   - cards, SSNs, North American numbers and IBANs are made of digits:
//     one pass per block maps the digits, one bit per byte, sixteen bytes
//     per instruction (transform/internal/bitscan: SSE2 on amd64, eight
//     bytes at a time in a 64-bit register elsewhere), and where digits
//     are dense (logs) also the card separators and upper-case letters
//     the card and IBAN shapes need; then, only for the 64-bit windows
//     that hold enough digits, a few shifts and ANDs of those bits give
//     the positions where each kind may start ("a run of exactly three
//     digits, one non-digit, three digits, one non-digit, four digits" for
//     415-555-2671), shared by the detectors of the step.
//
// The exact tests are the matchers this package used before, so the
// output is the same byte for byte; a fuzz target (FuzzLegacy) and a
// generated corpus of near misses check it against a copy of the old
// code. A multi-pattern automaton (Aho-Corasick) or another regular
// expression engine was not the better tool: the anchors above are single
// bytes or byte pairs, which the SIMD-backed bytes functions and bitscan
// find sixteen or more bytes per instruction, faster than any automaton
// that steps through the input byte by byte, and the number shapes are
// not literal strings an automaton could search for.
//
// # Text and binary
//
// Detectors work on bytes and look for ASCII structure; patterns run on
// UTF-8 (invalid bytes match only classes that include U+FFFD). Nothing but
// the matched bytes is ever changed, so binary input is not corrupted
// beyond the matches — but random binary data can contain accidental
// matches (digit runs that pass Luhn, for instance), and a masked byte in a
// compressed or encrypted object breaks it. Restrict the transform to text
// with [WithContentTypes]; objects of other types are then refused with 415
// UnsupportedMediaType rather than passed through unredacted.
//
// # Masks and properties
//
// [WithFixed] (the default, with [DefaultReplacement]) replaces a match with
// a fixed string; the output length changes, so Content-Length is dropped.
// [WithSameLength] writes one mask byte per matched byte and declares
// LengthPreserving, so Content-Length survives; it is not RangeSafe,
// because a masked byte depends on its neighbours. [WithHash] writes a
// keyed HMAC-SHA256 token, so equal values map to equal tokens; the key
// comes from code or from an environment variable named in the payload
// ([Config].HashKeyEnv), never from the payload itself, and is never logged.
//
// # Configuration
//
// In Go, with options: the detectors ([Emails], [CardNumbers], [SSNs],
// [PhoneNumbers], [IBANs], [AWSAccessKeyIDs], [AWSSecretKeys],
// [HighEntropyTokens]), [WithPattern] for your own expressions, a mask, and
// [WithContentTypes] and [WithExempt] to choose what is redacted for whom.
// [MustNew] suits a static configuration, [New] returns the error:
//
//	r := redact.MustNew(redact.Emails(), redact.CardNumbers())
//
// From the access point payload, [FromConfig] builds the [Config] that
// [transform.Configure] decodes (strictly: a misspelt field fails every
// request with 500 InvalidPayload):
//
//	objectlambda.WithTransform(transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
//		return redact.FromConfig(cfg)
//	}))
//
// with a payload such as
//
//	{"detectors": ["email", "card"], "mask": "same_length", "maskChar": "#", "contentTypes": ["text/*"]}
//
// See Config for every field. Configuration errors wrap [ErrConfig] (and
// [ErrInvalidPattern] or [ErrNoRules] where they apply): the access point
// is misconfigured, which is a server-side (500) failure, not the caller's.
// Per request, the caller's identity can exempt trusted principals
// ([Config].ExemptPrincipals, matched as [transform.Caller.Matches] does;
// [WithExempt] for any other rule); query parameters cannot weaken
// redaction.
package redact
