// Package transform defines how an Object Lambda function changes an object on
// its way to the caller: a streaming contract, a way to compose transforms,
// and the declarations that let the pipeline keep headers and ranges correct.
//
// A [Transform] receives an [Object] — a body stream, the object's headers,
// the body length when known, and the [Request] being served — and returns the
// object to send on. Transforms wrap the body in another io.Reader; they must
// not read the whole body up front, so memory stays flat as objects grow.
//
// Each transform may declare [Properties]. They matter:
//
//   - A transform that leaves the body bytes alone (BodyUnchanged) keeps the
//     ETag and checksums of the original.
//   - A LengthPreserving transform keeps Content-Length, so clients see a
//     length before the first byte and HEAD can answer it.
//   - A RangeSafe transform lets the pipeline fetch only the requested byte
//     range from S3 instead of the whole object.
//
// Undeclared transforms get the safe default: the body is assumed to change in
// length and content, ETag and checksums are dropped, and Range requests are
// served by transforming the whole object and slicing the result.
//
// Always call a transform through [Run] (or a [Chain], which uses Run): it
// applies those header rules, turns panics into errors, and guards the body
// stream so that a panic inside a Read cannot crash the function.
//
// Errors: return an *s3err.Error to choose the status and S3 error code the
// client sees (for example 415 UnsupportedMediaType). An error returned by
// Apply, or by the first Read of the body before any byte was produced, becomes
// a proper S3 error reply; an error after the first byte aborts the response
// stream, so the client sees a broken transfer, never a short success.
package transform
