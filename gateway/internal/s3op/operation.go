package s3op

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// S3 operation names, as AWS names them in its API reference and in
// TransformationConfigurations Actions.
const (
	GetObject         = "GetObject"
	HeadObject        = "HeadObject"
	ListObjects       = "ListObjects"
	ListObjectsV2     = "ListObjectsV2"
	ListBuckets       = "ListBuckets"
	GetBucketLocation = "GetBucketLocation"
)

// Sub-resources of an object GET, PUT, DELETE and POST, and of a bucket GET,
// and the operations they name. A query parameter not listed here is not a
// sub-resource: a GetObject may carry parameters of its own (?width=256),
// which reach the function in userRequest.url.
var (
	objectGetSubresources = map[string]string{
		"acl": "GetObjectAcl", "tagging": "GetObjectTagging", "attributes": "GetObjectAttributes",
		"retention": "GetObjectRetention", "legal-hold": "GetObjectLegalHold", "torrent": "GetObjectTorrent",
		"uploadId": "ListParts",
	}
	objectPutSubresources = map[string]string{
		"acl": "PutObjectAcl", "tagging": "PutObjectTagging", "retention": "PutObjectRetention",
		"legal-hold": "PutObjectLegalHold", "uploadId": "UploadPart",
	}
	objectDeleteSubresources = map[string]string{"tagging": "DeleteObjectTagging", "uploadId": "AbortMultipartUpload"}
	objectPostSubresources   = map[string]string{
		"uploads": "CreateMultipartUpload", "uploadId": "CompleteMultipartUpload", "restore": "RestoreObject",
		"select": "SelectObjectContent", "renameObject": "RenameObject",
	}
	bucketGetSubresources = map[string]string{
		"versions": "ListObjectVersions", "uploads": "ListMultipartUploads", "location": "GetBucketLocation",
		"acl": "GetBucketAcl", "cors": "GetBucketCors", "policy": "GetBucketPolicy",
		"notification": "GetBucketNotificationConfiguration", "versioning": "GetBucketVersioning",
		"lifecycle": "GetBucketLifecycleConfiguration", "tagging": "GetBucketTagging", "website": "GetBucketWebsite",
		"logging": "GetBucketLogging", "encryption": "GetBucketEncryption", "replication": "GetBucketReplication",
		"object-lock": "GetObjectLockConfiguration", "ownershipControls": "GetBucketOwnershipControls",
		"policyStatus": "GetBucketPolicyStatus", "publicAccessBlock": "GetPublicAccessBlock",
		"requestPayment": "GetBucketRequestPayment", "accelerate": "GetBucketAccelerateConfiguration",
		"analytics": "GetBucketAnalyticsConfiguration", "inventory": "GetBucketInventoryConfiguration",
		"metrics": "GetBucketMetricsConfiguration", "intelligent-tiering": "GetBucketIntelligentTieringConfiguration",
		"metadataTable": "GetBucketMetadataTableConfiguration", "session": "CreateSession",
	}
)

// Of names the S3 operation of a request to t, the way S3 tells
// operations apart: method, sub-resource query parameters, and
// x-amz-copy-source. It returns "" for a request that is no S3 operation.
func Of(r *http.Request, t Target) string {
	q := r.URL.Query()
	copying := r.Header.Get("X-Amz-Copy-Source") != ""
	switch {
	case t.Bucket == "":
		if r.Method == http.MethodGet {
			return ListBuckets
		}
		return ""
	case t.Key == "":
		return bucketOperation(r.Method, q)
	}
	switch r.Method {
	case http.MethodGet:
		return subresource(q, objectGetSubresources, GetObject)
	case http.MethodHead:
		return HeadObject
	case http.MethodPut:
		op := subresource(q, objectPutSubresources, "PutObject")
		switch {
		case op == "UploadPart" && copying:
			return "UploadPartCopy"
		case op == "PutObject" && copying:
			return "CopyObject"
		}
		return op
	case http.MethodDelete:
		return subresource(q, objectDeleteSubresources, "DeleteObject")
	case http.MethodPost:
		return subresource(q, objectPostSubresources, "")
	}
	return ""
}

func bucketOperation(method string, q url.Values) string {
	switch method {
	case http.MethodGet:
		if q.Get("list-type") == "2" {
			return ListObjectsV2
		}
		return subresource(q, bucketGetSubresources, ListObjects)
	case http.MethodHead:
		return "HeadBucket"
	case http.MethodPost:
		if q.Has("delete") {
			return "DeleteObjects"
		}
		return "PostObject" // a browser form upload
	case http.MethodPut:
		return bucketConfiguration(q, "Put", "CreateBucket")
	case http.MethodDelete:
		return bucketConfiguration(q, "Delete", "DeleteBucket")
	}
	return ""
}

// bucketConfiguration names a PUT or DELETE of a bucket configuration after
// its GET (?versioning: GetBucketVersioning → PutBucketVersioning), or def
// for the bucket itself.
func bucketConfiguration(q url.Values, verb, def string) string {
	if op := subresource(q, bucketGetSubresources, ""); strings.HasPrefix(op, "Get") {
		return verb + strings.TrimPrefix(op, "Get")
	}
	return def
}

// subresource returns the operation of the first sub-resource parameter of q
// listed in subs, or def when q has none.
func subresource(q url.Values, subs map[string]string, def string) string {
	for k := range q {
		if op, ok := subs[k]; ok {
			return op
		}
	}
	return def
}

// Disposition is how an Object Lambda access point handles an operation.
type Disposition int

const (
	Refuse      Disposition = iota // not supported through an Object Lambda access point
	PassThrough                    // sent to the supporting access point unchanged
	Transformed                    // to the function when TransformationConfigurations route it, else passed through
	Answered                       // answered by the access point itself
)

// DispositionOf follows AWS's documentation: Object Lambda invokes functions
// for GET, HEAD and LIST only; other requests get "standard, non-transformed
// API responses" for the operations that S3 access points support (objects,
// and a few bucket reads), except POST Object, CopyObject and UploadPartCopy
// (the access point cannot be a copy source) and SelectObjectContent, which
// Object Lambda access points do not support. Everything else (bucket
// management) is refused, since access points serve object operations only.
func DispositionOf(op string) Disposition {
	switch op {
	case GetObject, HeadObject, ListObjects, ListObjectsV2:
		return Transformed
	case ListBuckets, GetBucketLocation:
		return Answered
	}
	if slices.Contains(passedThrough(), op) {
		return PassThrough
	}
	return Refuse
}

// passedThrough lists the operations an Object Lambda access point sends
// to its supporting access point unchanged.
func passedThrough() []string {
	return []string{
		"GetObjectAcl", "GetObjectTagging", "GetObjectAttributes", "GetObjectRetention", "GetObjectLegalHold",
		"PutObject", "PutObjectAcl", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold",
		"DeleteObject", "DeleteObjects", "DeleteObjectTagging", "RestoreObject",
		"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
		"ListMultipartUploads", "ListObjectVersions", "HeadBucket",
		"GetBucketAcl", "GetBucketCors", "GetBucketPolicy", "GetBucketNotificationConfiguration",
	}
}

// IAMAction is the IAM action (without its service prefix) that S3 asks of
// a caller for op: HeadObject needs GetObject, the multipart upload
// operations PutObject, DeleteObjects DeleteObject, the listings
// ListBucket and its kin. Other operations are their own action.
func IAMAction(op string) string {
	switch op {
	case HeadObject:
		return GetObject
	case ListObjects, ListObjectsV2, "HeadBucket":
		return "ListBucket"
	case "ListObjectVersions":
		return "ListBucketVersions"
	case "ListMultipartUploads":
		return "ListBucketMultipartUploads"
	case "ListParts":
		return "ListMultipartUploadParts"
	case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload":
		return "PutObject"
	case "DeleteObjects":
		return "DeleteObject"
	case "GetBucketCors":
		return "GetBucketCORS"
	case "GetBucketNotificationConfiguration":
		return "GetBucketNotification"
	case ListBuckets:
		return "ListAllMyBuckets"
	}
	return op
}

// Served lists the operations an Object Lambda access point serves (every
// one DispositionOf does not refuse), sorted.
func Served() []string {
	ops := append([]string{GetObject, HeadObject, ListObjects, ListObjectsV2, ListBuckets, GetBucketLocation}, passedThrough()...)
	slices.Sort(ops)
	return ops
}
