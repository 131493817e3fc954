// Package objectlambdatest runs a local S3 Object Lambda access point for
// tests, the way net/http/httptest runs a local HTTP server.
//
// S3 Object Lambda cannot be reached by new AWS accounts, and no S3 emulator
// offers it, so without this package an Object Lambda function can only be
// tested against hand-written event JSON and a mocked WriteGetObjectResponse.
// That misses exactly what breaks in production: the presigned inputS3Url and
// its signed headers, the host prefix and SigV4 scope of
// WriteGetObjectResponse, the single-use token, streaming, and what the
// client finally sees when the function fails.
//
// It is a thin harness over package [gateway], the production
// objectlambda-gateway, so that functions are tested against exactly the
// access point they are served by. [New] ([NewAccessPoint] for a function
// built from objectlambda options, [Start] outside a test) starts, on
// 127.0.0.1 and free ports:
//
//   - an S3 store: versitygw (a real S3 server that checks presigned
//     signatures; the default), an in-process gofakes3 store
//     ([WithMemoryStore]), or an endpoint you run ([WithExternalStore]);
//   - a gateway with one access point over it, on one endpoint that is, at
//     the same time, the Object Lambda access point for S3 clients, the
//     WriteGetObjectResponse endpoint, and the host of every inputS3Url
//     (which the gateway checks, as the store would, and fetches);
//   - the function: in-process ([WithFunction], [WithFunctionFactory],
//     [WithHandler]) or a bootstrap binary under AWS's Lambda Runtime
//     Interface Emulator ([WithBootstrap], [BuildBootstrap]), invoked through the Lambda Invoke
//     API as the gateway invokes any function.
//
// The test then uses a real aws-sdk-go-v2 client ([AccessPoint.Client],
// [AccessPoint.ClientAs]) and asserts on what the client sees, on the events
// the function got ([AccessPoint.Events]) and on its WriteGetObjectResponse
// calls ([AccessPoint.WGORCalls]).
//
// The access point is configured as AWS configures one
// (AWS::S3ObjectLambda::AccessPoint): AllowedFeatures
// ([WithAllowedFeatures]), and TransformationConfigurations, which route
// GetObject, HeadObject, ListObjects and ListObjectsV2 to a function with a
// payload ([WithActions], [WithPayload], [WithTransformationConfiguration]). Like the real one:
//
//   - it accepts callers signed with SigV4 in the Authorization header or in
//     the query string (presigned URLs), for the service "s3" or
//     "s3-object-lambda", and answers S3's errors otherwise: 403 AccessDenied
//     (unsigned, expired), SignatureDoesNotMatch, InvalidAccessKeyId,
//     RequestTimeTooSkewed, and 400 AuthorizationHeaderMalformed naming the
//     expected region, which SDKs use to correct themselves;
//   - it takes path-style requests (http://127.0.0.1:port/bucket/key) and
//     virtual-hosted ones (http://bucket.localhost:port/key);
//   - routed actions invoke the function; actions that are not routed, and
//     the other object operations (PutObject, DeleteObject, multipart
//     uploads, ?acl, ?tagging, ?attributes, ?retention, ?legal-hold, ...), go
//     to the store unchanged, as Object Lambda sends them to the supporting
//     access point; bucket management, CopyObject, POST Object and
//     SelectObjectContent are refused with 501 NotImplemented;
//   - it answers 501 to Range and partNumber unless WithAllowedFeatures
//     enables them, 500 LambdaResponseNotReceived, LambdaRuntimeError or
//     LambdaTimeout when the function does not answer, 400
//     LambdaInvalidResponse when its WriteGetObjectResponse is invalid, and
//     it aborts the client's connection when the function's body breaks
//     mid-stream, so the client sees a broken transfer rather than a short
//     body.
//
// ListBuckets lists the one bucket the access point serves, and
// GetBucketLocation names its region, so that tools that start with them
// (aws s3 ls, s3cmd, rclone) work. docs/clients.md says which S3 clients work
// through it, and which of AWS's behaviours are not documented.
//
// A function needs one endpoint: set AWS_ENDPOINT_URL_S3 to
// [AccessPoint.URL] ([AccessPoint.Env] does).
// That endpoint speaks plain HTTP, so a function's WriteGetObjectResponse
// must disable the SDK's host prefix and send UNSIGNED-PAYLOAD for streamed
// bodies, as the objectlambda package does for custom endpoints.
//
// versitygw and the RIE are external binaries, found through
// [EnvVersityGW] and [EnvRIE], then
// <module root>/.peers/bin (scripts/install-peers.sh installs them there),
// then PATH. When one is missing, the test is skipped, or fails if the CI
// environment variable is set; [Start] returns [ErrPeerMissing].
package objectlambdatest
