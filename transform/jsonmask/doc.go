// Package jsonmask removes or masks fields of JSON and newline-delimited
// JSON (NDJSON) objects by path, streaming, as they pass through an S3
// Object Lambda function.
//
// Why: JSON exports and event logs carry fields some readers must not see
// (e-mail addresses, card numbers, passwords). Decoding a whole document
// into memory does not scale to large objects; this package scans the
// bytes with its own streaming tokenizer, rewrites the token stream as it
// goes, and never holds more than one string or number (JSON) or one line
// (NDJSON). Paths are followed by a small automaton built as keys are met
// (a few byte comparisons per key). It allocates a fixed amount per
// object, not per token.
//
// # Configuration
//
// In Go, with options: [Remove] and [Mask] take paths (below), the With
// options adjust the rest. [MustNew] suits a static configuration, [New]
// returns the error:
//
//	m := jsonmask.MustNew(jsonmask.Remove("user.email", "**.password"), jsonmask.Mask("items[*].card"))
//
// From the access point payload, [FromConfig] builds the [Config] that
// [transform.Configure] decodes (strictly: a misspelt field fails every
// request with 500 InvalidPayload):
//
//	objectlambda.WithTransform(transform.Configure("", func(cfg jsonmask.Config) (transform.Transform, error) {
//		return jsonmask.FromConfig(cfg)
//	}))
//
// with a payload such as
//
//	{"remove": ["user.email", "*.password"], "mask": ["items[*].card"], "maskValue": "***"}
//
// Configuration errors wrap [ErrConfig] (a path that does not parse wraps
// [ErrInvalidPath] too): the access point is misconfigured, a server-side
// (500) failure, not the caller's. Trusted callers can be exempted:
// [Config].ExemptPrincipals matches them as [transform.Caller.Matches] does,
// [WithExempt] takes any predicate on the [transform.Request].
//
// # Paths
//
//	user.email        the key "email" of the object under "user"
//	items[*].card     "card" in every element of the array "items"
//	items[0]          the first element of "items"
//	[*].ssn           "ssn" in every element of a top-level array
//	*.password        "password" in every object one level below the root
//	**.password       "password" at any depth, through objects and arrays
//	meta["a.b"]       keys with special characters, quoted as JSON strings
//	a\.b              or escaped with a backslash
//
// "*" matches exactly one object key, "[*]" one array index, "**" any
// number of levels (zero included). Remove deletes the member (or array
// element); Mask replaces the value, whatever its type, with a configured
// JSON value ([DefaultMaskValue] unless [WithMaskValue] says otherwise). When
// both match, Remove wins.
//
// # Formats
//
// The format comes from configuration ([WithFormat]) or is detected
// ([FormatAuto]): Content-Type
// application/json, text/json or any +json type is one JSON document;
// application/x-ndjson, application/ndjson, application/jsonl and
// application/x-jsonlines are NDJSON; otherwise the key suffix decides
// (.json, .ndjson, .jsonl). Anything else is refused with 415
// UnsupportedMediaType: a masking transform must not pass data through
// unmasked because it did not recognise it.
//
// # Output and limits
//
// Output is valid, compact JSON: insignificant whitespace is removed,
// strings are re-escaped (control characters, invalid UTF-8 as U+FFFD,
// U+2028/2029) and numbers are kept exactly as written. Several top-level
// values in a JSON document are written one per line; a top-level number
// or literal must be followed by whitespace ("01" is invalid, not 0 and 1).
// NDJSON keeps one value per line, and blank lines stay blank. Content-Type
// is kept and Length becomes -1.
//
// Memory is bounded by [WithMaxValueSize] ([DefaultMaxValueSize], 8 MiB: the
// largest single string or number in a JSON document, or the longest NDJSON
// line) and [WithMaxDepth] ([DefaultMaxDepth], 512 nested containers,
// counted inside removed and masked values too). The first 16 KiB of output
// are held back, so a document that is invalid or over a limit early fails
// with a proper S3 error (415 UnsupportedMediaType); later failures abort
// the stream with an error wrapping [ErrSyntax] or [ErrTooLarge].
//
// # Performance
//
// Tokens that lie inside the input window and need nothing unusual take a
// fast path that scans and rewrites in one loop, one block per grammar
// state, finding the ends of strings in a bitmap of quotes, backslashes,
// control and non-ASCII bytes (SSE2 on amd64). The members of an object
// whose key the path automaton has met and whose value is a plain scalar,
// the bulk of a record, go through a loop of their own that only counts
// a kept member; keys are matched as one eight-byte word, integers are
// found eight bytes at a time, and escapes that come out as they went in
// stay in the copied text. NDJSON lines are masked where the line reader
// buffered them. Everything else takes the general path, which gives the
// same bytes and the same errors (a differential fuzz test holds both to
// the encoding/json version this package once used).
//
// BenchmarkMask reports cpu-MB/s: on a shared 2-CPU machine (medians of
// seven alternating runs, which spread by a third) about 680 for JSON
// records, 790 for NDJSON records, 490 for NDJSON of very short lines and
// 540 for strings dense with escapes. Per 4 MiB that is 88M, 93M, 131M
// and 120M instructions (cachegrind): about 80 per token of a record,
// punctuation included (100 before the members loop), spread over
// finding the ends of strings, the path automaton, the frames and the
// output.
package jsonmask
