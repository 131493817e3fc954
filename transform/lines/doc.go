// Package lines filters text objects line by line as they stream through an
// S3 Object Lambda function: keep or drop lines by regular expression, stop
// after the first N lines, and guard against lines too long to hold.
//
// Why: log files and CSV-like exports are often too large to ship whole
// and too sensitive to ship unfiltered. A grep or head in the function
// sends only what the caller needs, and head stops reading the original
// object as soon as it has enough (the upstream body is closed), which
// saves time and transfer.
//
// # Lines
//
// A line ends with "\n"; a trailing "\r" is kept in the output but not seen
// by patterns, so "^$" matches blank lines in both Unix and Windows files.
// The last line may lack a terminator; it is kept as it is.
//
// # Memory and long lines
//
// The filter holds one read buffer (32 KiB) plus at most one line. A line
// longer than the maximum (1 MiB by default, see MaxLineLength) is either
// an error or, with TruncateLongLines, cut to the maximum. The error is a
// 415 UnsupportedMediaType S3 error ("not line-oriented text") when it
// happens before the first output byte, and a plain error wrapping
// ErrLineTooLong, which aborts the stream, after it.
//
// # Speed
//
// Kept lines are handed out as slices of the read buffer, not copied, and
// the buffer is cut into lines with bytes.IndexByte and
// bytes.LastIndexByte. When every pattern is a literal string ("healthcheck",
// not "^health") and no ?grep= is given, the filter does not test line by
// line: it maps each read, one bit per byte (transform/internal/bitscan,
// sixteen bytes per instruction), for its line feeds and for the places
// where each literal may start (its first two bytes), and goes from one
// occurrence to the next and to the line around it with bit operations.
// The lines between two occurrences are kept (Drop) or skipped (Keep) as
// a whole. Regular expressions still see every line.
//
// # Per-request options
//
// With query overrides enabled, a request may add ?head=N (never above the
// configured head) and ?grep=RE (an extra pattern every line must match).
// Requests can narrow the output, never widen it; bad values get 400
// InvalidArgument before anything is read.
package lines
