// Package listing is the S3 listing codec shared by the objectlambda handler,
// the gateway and objectlambdatest: [Parse] reads a ListBucketResult XML
// document strictly and safely, [Result.AppendXML] writes one that every S3
// client reads, and [Result.UnmarshalJSON] reads the listBucketResult JSON
// object of a function's LIST reply (the protocol's other form).
//
// Users see only the entries: objectlambda.ListEntry, CommonPrefix, Owner
// and RestoreStatus are aliases of this package's types, which list filters
// receive.
package listing
