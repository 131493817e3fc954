// Package function runs Object Lambda functions for the gateway, behind one
// small interface, [Runner]: an event in, the function's reply (or its
// failure, as Lambda reports it) out.
//
// Functions run three ways, all unchanged code:
//
//   - [InProcess]: a Go lambda.Handler in the gateway's own process (an
//     *objectlambda.Handler, or any handler), for people who build their
//     own gateway binary;
//   - [NewLambda] on AWS Lambda: the Lambda Invoke API;
//   - NewLambda on any server of the Invoke API, such as AWS's Lambda
//     Runtime Interface Emulator, which the public.ecr.aws/lambda base
//     images contain: any bootstrap or container image, in any language.
//
// Failures come back typed: [*Error] when the function failed (kind
// Unhandled or Handled, errorType, errorMessage — scrubbed of credentials),
// [*InvokeError] when it could not be invoked (throttled, not found, denied,
// failed), the context's error when time ran out. [S3Error] maps each to the
// answer S3 Object Lambda gives the caller (LambdaRuntimeError,
// LambdaTimeout, SlowDown, LambdaNotFound, LambdaPermissionError,
// LambdaInvocationFailed).
package function
