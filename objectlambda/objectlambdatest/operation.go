package objectlambdatest

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// target is what a request to the access point addresses.
type target struct {
	bucket  string // "" for a service-level request (ListBuckets)
	key     string // "" for a bucket-level request
	virtual bool   // the bucket came from the Host header (bucket.localhost)
}

// virtualHostSuffix is the domain under which the access point accepts
// virtual-hosted requests: Host bucket.localhost:port. Browsers, curl and
// systemd-resolved map every *.localhost name to the loopback address.
const virtualHostSuffix = ".localhost"

// targetOf reads bucket and key from the Host header (virtual-hosted
// addressing) or from the path (path-style addressing), as S3 does. The
// key is the decoded path.
func targetOf(r *http.Request) target {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := bucketFromHost(r.Host); b != "" {
		return target{bucket: b, key: path, virtual: true}
	}
	bucket, key, _ := strings.Cut(path, "/")
	return target{bucket: bucket, key: key}
}

// bucketFromHost returns the bucket of a virtual-hosted Host header
// ("b.localhost:8080" → "b"), or "" for any other host.
func bucketFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	b, ok := strings.CutSuffix(host, virtualHostSuffix)
	if !ok || b == "" {
		return ""
	}
	return b
}

// S3 operation names, as AWS names them in its API reference and in
// TransformationConfigurations Actions.
const (
	actGetObject     = "GetObject"
	actHeadObject    = "HeadObject"
	actListObjects   = "ListObjects"
	actListObjectsV2 = "ListObjectsV2"
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

// operationOf names the S3 operation of a request to t, the way S3 tells
// operations apart: method, sub-resource query parameters, and
// x-amz-copy-source. It returns "" for a request that is no S3 operation.
func operationOf(r *http.Request, t target) string {
	q := r.URL.Query()
	copying := r.Header.Get("X-Amz-Copy-Source") != ""
	switch {
	case t.bucket == "":
		if r.Method == http.MethodGet {
			return "ListBuckets"
		}
		return ""
	case t.key == "":
		return bucketOperation(r.Method, q)
	}
	switch r.Method {
	case http.MethodGet:
		return subresource(q, objectGetSubresources, actGetObject)
	case http.MethodHead:
		return actHeadObject
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
			return actListObjectsV2
		}
		return subresource(q, bucketGetSubresources, actListObjects)
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

// disposition is how an Object Lambda access point handles an operation.
type disposition int

const (
	refuse      disposition = iota // not supported through an Object Lambda access point
	passThrough                    // sent to the supporting access point unchanged
	transformed                    // to the function when TransformationConfigurations route it, else passed through
	answered                       // answered by the access point itself
)

// dispositionOf follows AWS's documentation: Object Lambda invokes functions
// for GET, HEAD and LIST only; other requests get "standard, non-transformed
// API responses" for the operations that S3 access points support (objects,
// and a few bucket reads), except POST Object, CopyObject and UploadPartCopy
// (the access point cannot be a copy source) and SelectObjectContent, which
// Object Lambda access points do not support. Everything else (bucket
// management) is refused, since access points serve object operations only.
func dispositionOf(op string) disposition {
	switch op {
	case actGetObject, actHeadObject, actListObjects, actListObjectsV2:
		return transformed
	case "ListBuckets", "GetBucketLocation":
		return answered
	case "GetObjectAcl", "GetObjectTagging", "GetObjectAttributes", "GetObjectRetention", "GetObjectLegalHold",
		"PutObject", "PutObjectAcl", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold",
		"DeleteObject", "DeleteObjects", "DeleteObjectTagging", "RestoreObject",
		"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
		"ListMultipartUploads", "ListObjectVersions", "HeadBucket",
		"GetBucketAcl", "GetBucketCors", "GetBucketPolicy", "GetBucketNotificationConfiguration":
		return passThrough
	}
	return refuse
}
