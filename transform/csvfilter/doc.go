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
// The filter parses with its own scanner, not encoding/csv's Reader: a
// record is a list of offsets into the read buffer (no string per field,
// no allocation per row), the scanner maps each read for its delimiters,
// quotes and line breaks, one bit per byte (transform/internal/bitscan,
// sixteen bytes per instruction), so the end of a field is the next set
// bit, and runs of adjacent kept columns whose output equals their input
// are copied in one piece. The common record (one line; unquoted fields,
// and quoted ones with no quote or line break inside) takes a fast path
// that walks the map's bits with the current word in a register; any
// other record is parsed rule by rule.
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
