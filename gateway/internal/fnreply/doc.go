// Package fnreply reads what a function returns for HeadObject,
// ListObjects and ListObjectsV2 (statusCode, errorCode, errorMessage,
// headers, listResultXml or listBucketResult) as S3 Object Lambda accepts
// it, and turns it into the caller's answer. A reply S3 Object Lambda
// would refuse is an error wrapping ErrInvalid; the caller then gets
// 400 LambdaInvalidResponse.
package fnreply
