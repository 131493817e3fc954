package s3op

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBucketFromHost(t *testing.T) {
	for host, want := range map[string]string{
		"test-bucket.localhost:8080": "test-bucket",
		"Test-Bucket.LOCALHOST":      "test-bucket",
		"a.b.localhost.":             "a.b",
		"localhost:8080":             "",
		"127.0.0.1:8080":             "",
		".localhost":                 "",
		"bucket.example.com":         "",
		"bucket.s3.example.com":      "bucket",
		"a.B.S3.Example.Com:443":     "a.b",
		"s3.example.com":             "",
		"[::1]:8080":                 "",
	} {
		assert.Equal(t, want, Addressing{Domains: []string{"s3.example.com"}}.bucketFromHost(host), host)
	}
}

func TestOperationOf(t *testing.T) {
	tests := []struct {
		method, target string
		header         string
		want           string
	}{
		{"GET", "/", "", "ListBuckets"},
		{"PUT", "/", "", ""},
		{"GET", "/b", "", "ListObjects"},
		{"GET", "/b?list-type=2&prefix=x", "", "ListObjectsV2"},
		{"GET", "/b?location", "", "GetBucketLocation"},
		{"GET", "/b?versions", "", "ListObjectVersions"},
		{"GET", "/b?uploads", "", "ListMultipartUploads"},
		{"GET", "/b?versioning", "", "GetBucketVersioning"},
		{"HEAD", "/b", "", "HeadBucket"},
		{"PUT", "/b", "", "CreateBucket"},
		{"PUT", "/b?versioning", "", "PutBucketVersioning"},
		{"DELETE", "/b?cors", "", "DeleteBucketCors"},
		{"DELETE", "/b", "", "DeleteBucket"},
		{"POST", "/b?delete", "", "DeleteObjects"},
		{"POST", "/b", "", "PostObject"},
		{"GET", "/b/k", "", "GetObject"},
		{"GET", "/b/k?width=256&x-id=GetObject", "", "GetObject"},
		{"GET", "/b/k?partNumber=2", "", "GetObject"},
		{"GET", "/b/k?acl", "", "GetObjectAcl"},
		{"GET", "/b/k?tagging", "", "GetObjectTagging"},
		{"GET", "/b/k?attributes", "", "GetObjectAttributes"},
		{"GET", "/b/k?retention", "", "GetObjectRetention"},
		{"GET", "/b/k?legal-hold", "", "GetObjectLegalHold"},
		{"GET", "/b/k?torrent", "", "GetObjectTorrent"},
		{"GET", "/b/k?uploadId=1", "", "ListParts"},
		{"HEAD", "/b/k", "", "HeadObject"},
		{"PUT", "/b/k", "", "PutObject"},
		{"PUT", "/b/k", "b/src", "CopyObject"},
		{"PUT", "/b/k?partNumber=1&uploadId=1", "", "UploadPart"},
		{"PUT", "/b/k?partNumber=1&uploadId=1", "b/src", "UploadPartCopy"},
		{"PUT", "/b/k?tagging", "", "PutObjectTagging"},
		{"DELETE", "/b/k", "", "DeleteObject"},
		{"DELETE", "/b/k?uploadId=1", "", "AbortMultipartUpload"},
		{"POST", "/b/k?uploads", "", "CreateMultipartUpload"},
		{"POST", "/b/k?uploadId=1", "", "CompleteMultipartUpload"},
		{"POST", "/b/k?select&select-type=2", "", "SelectObjectContent"},
		{"POST", "/b/k?restore", "", "RestoreObject"},
		{"POST", "/b/k", "", ""},
		{"PATCH", "/b/k", "", ""},
	}
	for _, tc := range tests {
		r, err := http.NewRequest(tc.method, "http://127.0.0.1"+tc.target, nil)
		require.NoError(t, err)
		if tc.header != "" {
			r.Header.Set("X-Amz-Copy-Source", tc.header)
		}
		assert.Equal(t, tc.want, Of(r, Addressing{}.TargetOf(r)), "%s %s", tc.method, tc.target)
	}
}

// FuzzRequestClassification: any method, path, query and Host classify
// without panicking, and consistently.
func FuzzRequestClassification(f *testing.F) {
	f.Add("GET", "/b/k?acl", "127.0.0.1:9000", "")
	f.Add("PUT", "/k?partNumber=1&uploadId=x", "b.localhost:9000", "b/src")
	f.Add("POST", "/?delete", "B.LocalHost.", "")
	f.Add("GET", "/", "localhost", "")
	f.Fuzz(func(t *testing.T, method, target, host, copySource string) {
		r, err := http.NewRequest(method, "http://127.0.0.1"+target, nil)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		r.Host = host
		r.Header.Set("X-Amz-Copy-Source", copySource)
		tg := Addressing{Domains: []string{"s3.example.com"}}.TargetOf(r)
		op := Of(r, tg)
		if tg.Virtual && tg.Bucket == "" {
			t.Fatalf("virtual-hosted target without a bucket: %q", host)
		}
		if tg.Bucket == "" && op != "" && op != "ListBuckets" {
			t.Fatalf("%s %s: service-level request classified as %s", method, target, op)
		}
		if tg.Bucket != "" && op == "ListBuckets" {
			t.Fatalf("%s %s: ListBuckets with bucket %q", method, target, tg.Bucket)
		}
		if DispositionOf(op) == Transformed && tg.Bucket == "" {
			t.Fatalf("%s %s: %s transformed without a bucket", method, target, op)
		}
	})
}

// TestServed: Served lists exactly the operations DispositionOf does not
// refuse, so that an AllowedActions pattern is checked against what the
// access point really serves.
func TestServed(t *testing.T) {
	served := Served()
	require.True(t, slices.IsSorted(served))
	for _, op := range served {
		assert.NotEqual(t, Refuse, DispositionOf(op), "%s is listed as served", op)
	}
	for _, op := range []string{"CopyObject", "UploadPartCopy", "SelectObjectContent", "PostObject", "PutBucketPolicy", "DeleteBucket", "CreateBucket", "GetObjectTorrent", "RenameObject"} {
		assert.Equal(t, Refuse, DispositionOf(op), op)
		assert.NotContains(t, served, op)
	}
	for _, op := range []string{GetObject, HeadObject, ListObjects, ListObjectsV2, ListBuckets, GetBucketLocation, "PutObject", "DeleteObject", "UploadPart"} {
		assert.Contains(t, served, op)
	}
}
