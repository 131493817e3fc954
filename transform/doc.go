// Package transform defines how an Object Lambda function changes an object on
// its way to the caller: a streaming contract, a way to compose transforms,
// and the declarations that let the pipeline keep headers and ranges correct.
//
// A [Transform] receives an [Object] — a body stream, the object's headers,
// the body length when known, and the [Request] being served — and returns the
// object to send on. Transforms wrap the body in another io.Reader; they must
// not read the whole body up front, so memory stays flat as objects grow.
// [Func] turns a function into a Transform, [Chain] applies several in order
// and [Identity] none. The Request tells who asked ([Caller], whose
// [Caller.Matches] applies IAM-style ARN patterns), for which key and query,
// and with which access point payload.
//
// Each transform may declare [Properties], by implementing [Declarer] or
// through [Declare]. They matter:
//
//   - A transform that leaves the body bytes alone (BodyUnchanged) keeps the
//     ETag and checksums of the original.
//   - A LengthPreserving transform keeps Content-Length, so clients see a
//     length before the first byte and HEAD can answer it. A transform whose
//     output length follows from the input's without reading the body
//     (decryption: minus the tag) says so as a [LengthStater].
//   - A RangeSafe transform lets the pipeline fetch only the requested byte
//     range from S3 instead of the whole object.
//
// Undeclared transforms get the safe default: the body is assumed to change in
// length and content, ETag and checksums are dropped, and Range requests are
// served by transforming the whole object and slicing the result. A
// transform that decides at run time to leave an object alone returns its
// body wrapped in [Unchanged], and keeps what the object's bytes vouch for.
//
// HEAD requests, and conditional GETs answered 304, run the same chain over
// a body that carries headers only ([HeadersOnly]), so that what a caller
// sees of an object never depends on how it asked. A transform that reads the
// body in Apply checks [IsHeadersOnly] first and answers from the headers.
//
// Always call a transform through [Run] (or a Chain, which uses Run): it
// applies those header rules, turns panics into errors ([PanicError],
// wrapping [ErrPanic]), and guards the body stream so that a panic inside a
// Read cannot crash the function. [Describe] reports what a transform
// declares, as Run reads it.
//
// Transforms configured per access point are built with [Configure], which
// decodes the access point's payload strictly into a Config type of your
// choice (every built-in transform package has one) and caches the result
// per distinct payload.
//
// Errors: return an [*s3err.Error] to choose the status and S3 error code the
// client sees (for example 415 UnsupportedMediaType). An error returned by
// Apply, or by the first Read of the body before any byte was produced,
// becomes a proper S3 error reply; an error after the first byte aborts the
// response stream, so the client sees a broken transfer, never a short
// success.
package transform
