// Package s3err defines the S3-style error that every layer of the SDK speaks.
//
// An Object Lambda function answers its caller in S3's vocabulary: an HTTP
// status, an error code such as NoSuchKey, and a human-readable message. The
// presigned fetch, the transforms, the encryption layer and user code all
// produce such errors; the objectlambda package turns them into exactly one
// WriteGetObjectResponse (GET) or one reply document (HEAD, LIST).
//
// A transform or an authorizer that wants the caller to see a particular
// status and code returns an [*Error]: [New] for a fixed message, [Errorf]
// for a formatted one, [Wrap] to attach a cause that stays in the logs. The
// Code* constants ([CodeAccessDenied], [CodeInvalidArgument], ...) are the
// codes the SDK itself uses; any code [ValidCode] accepts may be sent.
// [errors.AsType] recovers an *Error from a wrapped error chain
// (errors.AsType[*s3err.Error](err)), and [From] maps an arbitrary
// error (an *Error, [ErrDeadline] and context timeouts, cancellations,
// unknown failures) onto the reply the caller gets.
//
//	return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType, "only CSV objects are served")
//
// The error message travels to the S3 client. Never put secrets, object bytes
// or presigned URLs into it.
package s3err
