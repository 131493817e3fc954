// Package csvfilter removes columns and rows from CSV objects as they stream
// through an S3 Object Lambda function, with per-caller column allow-lists.
//
// Why: a bucket often holds one authoritative CSV export that different
// people should see differently — support staff without the ssn column,
// partners only their own rows. Copying the data per audience drifts;
// filtering on read does not. The filter is configured by the operator,
// narrowed per request by ?columns=a,b, and keyed to the caller's IAM
// identity through [Access].
//
// # Configuration
//
// In Go, [New] takes options ([Keep], [Drop], [Where], [WithAccess], ...):
//
//	f, err := csvfilter.New(csvfilter.Drop("ssn"), csvfilter.Where("country", csvfilter.OpEq, "PT"))
//
// From the access point payload, [FromConfig] builds the [Config] that
// [transform.Configure] decodes (strictly: a misspelt field fails every
// request with 500 InvalidPayload):
//
//	objectlambda.WithTransform(transform.Configure("", func(cfg csvfilter.Config) (transform.Transform, error) {
//		return csvfilter.FromConfig(cfg)
//	}))
//
// with a payload such as
//
//	{
//	  "drop": ["ssn"],
//	  "where": [{"column": "country", "op": "eq", "value": "PT"}],
//	  "access": {"allow": {"analyst": ["*"], "arn:aws:iam::*:role/support-*": ["id", "name"]}}
//	}
//
// Invalid settings fail with an error wrapping [ErrConfig].
//
// # Decisions per request
//
// In this order:
//
//  1. Access: the caller's allow-list is resolved in Apply. No entry and no
//     default → 403 AccessDenied ([ErrAccessDenied]) before any byte. Asking
//     (?columns=) for a column outside the allow-list → 403 as well.
//  2. Columns: Keep (or all), minus Drop, intersected with ?columns= and the
//     allow-list. Output keeps the object's column order. Naming a column the
//     header lacks (in Keep, Drop, Where or ?columns=) → 400 InvalidArgument
//     ([ErrUnknownColumn]); allow-lists may name absent columns.
//  3. Rows: kept when every [Predicate] holds. Predicates see all columns,
//     including hidden ones; they come from the operator's configuration,
//     never from the request.
//
// # Parsing and memory
//
// Parsing and writing follow encoding/csv exactly (a fuzz target,
// FuzzLegacy, compares the output with the encoding/csv version this
// package used before), so RFC 4180 quoting round-trips: fields containing
// the delimiter, quotes or line breaks are quoted, and embedded quotes are
// doubled. Byte-for-byte fidelity is not kept: unnecessary quotes are
// dropped ("a" becomes a), a quoted CRLF inside a field becomes LF, and
// rows end in \n unless [Config].CRLF is set ([WithCRLF]). Every row must
// have as many fields as the header; a file without one is read with
// [WithNoHeader], and [WithOmitHeader] leaves it out of the output.
//
// The filter parses with its own scanner, not encoding/csv's Reader, and
// allocates nothing per row. Each read is mapped once, one bit per byte,
// into two maps: the delimiters, and the quotes and line breaks
// (transform/internal/bitscan's Eq4Split: 32 bytes per instruction with
// AVX2, 16 with SSE2). The common record — one line in the buffer with the
// header's field count, its fields unquoted without CR or quote, or quoted
// without quote, CR or LF inside — is parsed a word of the maps at a time
// (fastRecord): the delimiters before the next quote or line break end
// fields and are taken with bits.TrailingZeros64 from the word in a
// register, a byte is read only at a quote or line break and at the start
// of each field (may it be written as it is?), and a record is kept as
// one offset per field, where the field ends. Fields as a list (value,
// quoting) are made from the offsets only when needed: for a row the
// writer must change, the header, a record longer than MaxFieldBytes.
// Predicates read only the columns they name, from the offsets. A row
// whose fields are all written as their raw bytes and whose LF stays one
// is written as spans of the read buffer computed once per request: one
// per run of kept columns, with its delimiter and the LF; spans that
// follow each other in the buffer are joined, across rows too, so keeping
// every column copies a whole read at once. Any other record is parsed
// rule by rule as encoding/csv does; FuzzFastRecord checks that the fast
// path agrees with it.
//
// Measured (BenchmarkFilter: 8 MiB of 69-byte rows of six fields, one of
// them quoted with the delimiter inside; instructions counted with valgrind
// --tool=cachegrind, which the load of the machine does not change, on an
// AVX2 machine; cpu-MB/s the medians of seven alternating runs of the
// test binaries before and after, on a shared two-core machine):
//
//	               instructions per MiB      cpu-MB/s
//	               before  after             before  after
//	passthrough    12.8 M   6.6 M  (1.94x)     1058   1915  (1.81x)
//	drop-columns   13.7 M   7.9 M  (1.72x)      944   1501  (1.59x)
//	filter-rows    13.5 M   8.9 M  (1.52x)     1008   1225  (1.22x)
//
// Before was a walk of one map of all four special bytes that stored
// every field in full and copied each run of kept columns on its own.
// Allocations do not grow with the rows (about 50 per object). What is
// left is mostly fastRecord, about 320 instructions per row of the
// benchmark: some 16 per delimiter (5 of them decide whether the next
// field may be copied as it is), some 50 for the quoted field and about
// 90 to enter and leave; then the copies and, for filter-rows, the
// predicates (about 140 per row).
//
// Memory is bounded by MaxRowBytes ([DefaultMaxRowBytes], 4 MiB), enforced
// on the bytes handed to the parser, not after the fact; MaxFieldBytes
// ([DefaultMaxFieldBytes], 1 MiB) bounds single fields ([WithLimits]). A row or field beyond the limit fails with
// [ErrTooLarge] (400 EntityTooLarge before the first byte). Bad quoting or a
// wrong field count fails with [ErrMalformed] (415 UnsupportedMediaType
// before the first byte); after the first byte all errors are plain and the
// pipeline aborts the stream.
//
// Content-Type is kept (text/csv is set when the object has none); Length
// is -1 and the transform declares no [transform.Properties].
package csvfilter
