package objectlambdatest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operations returns the operations of the events the function got.
func operations(ap *AccessPoint) []string {
	var ops []string
	for _, ev := range ap.Events() {
		switch {
		case ev.GetObjectContext != nil:
			ops = append(ops, "GetObject")
		case ev.HeadObjectContext != nil:
			ops = append(ops, "HeadObject")
		case ev.ListObjectsContext != nil:
			ops = append(ops, "ListObjects")
		case ev.ListObjectsV2Context != nil:
			ops = append(ops, "ListObjectsV2")
		}
	}
	return ops
}

func TestActionsRouting(t *testing.T) {
	tests := []struct {
		name      string
		opts      []Option
		wantOps   []string
		wantHead  int64  // Content-Length HEAD reports
		wantMeta  string // x-amz-meta-transformed on HEAD
		wantSizes int64  // Size in the listings
	}{
		{"all four by default", nil, []string{"GetObject", "HeadObject", "ListObjectsV2", "ListObjects"}, 3, "true", 3},
		{"GetObject only, as the length-changing examples deploy", []Option{WithActions("GetObject")}, []string{"GetObject"}, 3, "", 3},
		{"GetObject and HeadObject", []Option{WithActions("HeadObject", "GetObject")}, []string{"GetObject", "HeadObject"}, 3, "true", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := upperAP(t, tc.opts...)
			ap.PutObject(t, "a.txt", "abc")
			ctx := context.Background()
			out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, "ABC", string(b))
			head, err := ap.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
			require.NoError(t, err)
			assert.Equal(t, tc.wantHead, aws.ToInt64(head.ContentLength))
			assert.Equal(t, tc.wantMeta, head.Metadata["transformed"])
			v2, err := ap.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
			require.NoError(t, err)
			require.Len(t, v2.Contents, 1)
			assert.Equal(t, tc.wantSizes, aws.ToInt64(v2.Contents[0].Size))
			v1, err := ap.Client().ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket()})
			require.NoError(t, err)
			require.Len(t, v1.Contents, 1)
			assert.Equal(t, tc.wantOps, operations(ap), "only the routed actions invoke the function")
		})
	}
}

func TestTransformationConfigurations(t *testing.T) {
	headFn := FunctionFunc(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"headers":{"Content-Length":42,"x-amz-meta-by":"head-function"}}`), nil
	})
	ap := upperAP(t, WithMemoryStore(), WithActions("GetObject"), WithPayload(`{"for":"get"}`),
		WithTransformationConfiguration(TransformationConfiguration{Actions: []string{"HeadObject"}, Function: headFn, Payload: `{"for":"head"}`}))
	ap.PutObject(t, "a.txt", "abc")
	ctx := context.Background()
	head, err := ap.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	require.NoError(t, err)
	assert.Equal(t, int64(42), aws.ToInt64(head.ContentLength))
	assert.Equal(t, "head-function", head.Metadata["by"])
	out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	evs := ap.Events()
	require.Len(t, evs, 2)
	assert.Equal(t, `{"for":"head"}`, evs[0].Configuration.Payload)
	assert.Equal(t, `{"for":"get"}`, evs[1].Configuration.Payload)

	for name, opts := range map[string][]Option{
		"unknown action":       {WithActions("GetObject", "PutObject")},
		"action routed twice":  {WithTransformationConfiguration(TransformationConfiguration{Actions: []string{"GetObject"}, Function: headFn})},
		"configuration no fn":  {WithActions(), WithTransformationConfiguration(TransformationConfiguration{Actions: []string{"GetObject"}})},
		"no function anywhere": {WithFunction(nil)},
	} {
		_, err := Start(append([]Option{WithMemoryStore(), WithFunction(headFn)}, opts...)...)
		assert.Error(t, err, name)
	}
}

// TestSubresourcesPassThrough: ?acl, ?tagging, ?attributes, ?retention and
// ?legal-hold are other operations than GetObject; Object Lambda sends
// them to the supporting access point, never to the function.
func TestSubresourcesPassThrough(t *testing.T) {
	ap := upperAP(t)
	ap.PutObject(t, "a.txt", "abc", func(in *s3.PutObjectInput) { in.Tagging = aws.String("team=blue") })
	ctx := context.Background()
	c, direct := ap.Client(), ap.Store()
	b := ap.Bucket()
	k := aws.String("a.txt")

	tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
	require.NoError(t, err)
	assert.Equal(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}, tags.TagSet)

	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: k, ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	require.NoError(t, err)
	assert.Equal(t, int64(3), aws.ToInt64(attrs.ObjectSize), "the stored object's attributes, not the function's")

	// What the store answers (an ACL, or its own error: versitygw has no
	// object ACLs, and this bucket no object lock) reaches the caller unchanged.
	same := map[string]func(*s3.Client) error{
		"GetObjectAcl": func(c *s3.Client) error {
			_, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: k})
			return err
		},
		"GetObjectRetention": func(c *s3.Client) error {
			_, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: b, Key: k})
			return err
		},
		"GetObjectLegalHold": func(c *s3.Client) error {
			_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: b, Key: k})
			return err
		},
	}
	for op, call := range same {
		assert.Equal(t, outcomeOf(call(direct)), outcomeOf(call(c)), op)
	}

	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}})
	require.NoError(t, err)
	tags, err = direct.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
	require.NoError(t, err)
	assert.Equal(t, "red", aws.ToString(tags.TagSet[0].Value))

	assert.Empty(t, ap.Events(), "sub-resource requests never reach the function")
}

// outcomeOf is an SDK call's outcome: "ok", or the status and error code.
func outcomeOf(err error) string {
	if err == nil {
		return "ok"
	}
	var re interface{ HTTPStatusCode() int }
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &re) || !errors.As(err, &ae) {
		return err.Error()
	}
	return strconv.Itoa(re.HTTPStatusCode()) + " " + ae.ErrorCode()
}

func TestServiceAndBucketOperations(t *testing.T) {
	ap := upperAP(t, WithRegion("eu-central-1"))
	ap.PutObject(t, "a.txt", "abc")
	ctx := context.Background()
	c := ap.Client()

	buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, buckets.Buckets, 1)
	assert.Equal(t, ap.Bucket(), buckets.Buckets[0].Name)

	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: ap.Bucket()})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraint("eu-central-1"), loc.LocationConstraint)

	hb, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: ap.Bucket()})
	require.NoError(t, err)
	assert.Equal(t, "eu-central-1", aws.ToString(hb.BucketRegion))

	versions, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: ap.Bucket()})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 1, "ListObjectVersions goes to the store: access points support it")

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("other"), Key: aws.String("a.txt")})
	apiError(t, err, http.StatusNotFound, "NoSuchBucket")
	assert.NotContains(t, err.Error(), "test-bucket", "the answer does not tell which buckets exist")

	refused := map[string]error{}
	_, refused["CopyObject"] = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: ap.Bucket(), Key: aws.String("b.txt"), CopySource: aws.String("test-bucket/a.txt")})
	_, refused["PutBucketVersioning"] = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: ap.Bucket(),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	_, refused["DeleteBucket"] = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: ap.Bucket()})
	_, refused["GetBucketVersioning"] = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: ap.Bucket()})
	for op, err := range refused {
		t.Run(op, func(t *testing.T) {
			apiError(t, err, http.StatusNotImplemented, "NotImplemented")
			assert.Contains(t, err.Error(), op+" is not supported through an Object Lambda access point")
		})
	}
	assert.Empty(t, ap.Events())
}

func TestPassThroughWrites(t *testing.T) {
	ap := upperAP(t, WithActions("GetObject"))
	ctx := context.Background()
	c := ap.Client()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: ap.Bucket(), Key: aws.String("put.txt"), Body: strings.NewReader("written through")})
	require.NoError(t, err)

	// Multipart, as the transfer manager uploads (parts with checksums).
	big := bytes.Repeat([]byte("0123456789abcdef"), (11<<20)/16)
	_, err = transfermanager.New(c, func(o *transfermanager.Options) { o.PartSizeBytes = 5 << 20 }).UploadObject(ctx,
		&transfermanager.UploadObjectInput{Bucket: ap.Bucket(), Key: aws.String("big.txt"), Body: bytes.NewReader(big)})
	require.NoError(t, err)
	head, err := ap.Store().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("big.txt")})
	require.NoError(t, err)
	assert.Equal(t, int64(len(big)), aws.ToInt64(head.ContentLength))

	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("put.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "WRITTEN THROUGH", string(b), "objects written through the access point are read through the function")

	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: ap.Bucket(), Key: aws.String("put.txt")})
	require.NoError(t, err)
	_, err = ap.Store().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("put.txt")})
	require.Error(t, err)
	assert.Equal(t, []string{"GetObject"}, operations(ap))
}

func TestVirtualHostedAddressing(t *testing.T) {
	ap := upperAP(t, WithMemoryStore())
	ap.PutObject(t, "dir/a b.txt", "abc")
	_, port, err := net.SplitHostPort(strings.TrimPrefix(ap.URL(), "http://"))
	require.NoError(t, err)
	// *.localhost is loopback; not every resolver knows it, so dial 127.0.0.1.
	dial := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
	}}}
	c := ap.Client(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("http://localhost:" + port)
		o.UsePathStyle = false
		o.HTTPClient = dial
	})
	ctx := context.Background()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("dir/a b.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "ABC", string(b))
	ev := ap.Events()[0]
	assert.Equal(t, "https://test-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/dir/a b.txt?x-id=GetObject", ev.UserRequest.URL)

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
	require.NoError(t, err)
	require.Len(t, list.Contents, 1)
	assert.Equal(t, "dir/a b.txt", aws.ToString(list.Contents[0].Key))

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("other"), Key: aws.String("dir/a b.txt")})
	apiError(t, err, http.StatusNotFound, "NoSuchBucket")
}
