// Package httprange parses HTTP Range headers and S3 partNumber values and
// resolves them against an object length the way Amazon S3 does.
//
// S3 supports a single byte range per request. Following RFC 9110 §14.2, and
// what S3 answers, a Range header that does not parse as one bytes range is
// ignored and the whole object is served; a syntactically valid range that
// does not overlap the object is unsatisfiable (416 InvalidRange).
package httprange
