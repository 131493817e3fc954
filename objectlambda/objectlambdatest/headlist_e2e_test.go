package objectlambdatest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hlSuffix appends a trailer and states its output length
// (transform.LengthStater), so HEAD can answer without reading the object.
type hlSuffix string

func (s hlSuffix) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	out := *in
	out.Body = io.MultiReader(in.Body, strings.NewReader(string(s)))
	return &out, nil
}

func (s hlSuffix) OutputLength(_ http.Header, n int64) (int64, bool) {
	return n + int64(len(s)), true
}

var _ transform.LengthStater = hlSuffix("")

// hlStatus returns the HTTP status of an SDK error.
func hlStatus(t *testing.T, err error) int {
	t.Helper()
	require.Error(t, err)
	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re), "no HTTP status in %v", err)
	return re.HTTPStatusCode()
}

func hlCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	return ae.ErrorCode()
}

func TestHeadObjectE2E(t *testing.T) {
	ap := objectlambdatest.New(t,
		objectlambdatest.WithAllowedFeatures("GetObject-Range", "HeadObject-Range", "HeadObject-PartNumber"),
		objectlambdatest.WithHandler(
			objectlambda.WithTransform(hlSuffix(" -- served by objectlambda")),
			objectlambda.WithAuthorizer(func(_ context.Context, r *objectlambda.Request) error {
				if strings.HasPrefix(r.Key, "secret/") {
					return errors.New("no secrets")
				}
				return nil
			}),
			objectlambda.WithHeadHook(func(_ context.Context, r *objectlambda.Request, reply *objectlambda.HeadReply) error {
				reply.Headers["x-amz-meta-head-hook"] = "seen"
				return nil
			}),
		))
	body := "hello, special world"
	keys := []string{"plain.txt", "dir/sp ace+plus&amp<lt>%25 ünï😀.txt", "secret/x.txt"}
	for _, k := range keys {
		ap.PutObject(t, k, body, func(in *s3.PutObjectInput) {
			in.ContentType = aws.String("text/plain")
			in.Metadata = map[string]string{"color": "blue"}
		})
	}
	ap.PutObject(t, "empty.txt", "")
	c := ap.Client()
	ctx := context.Background()

	for _, k := range keys[:2] {
		t.Run("HEAD agrees with GET/"+k, func(t *testing.T) {
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(k)})
			require.NoError(t, err)
			got, err := io.ReadAll(get.Body)
			require.NoError(t, err)
			require.NoError(t, get.Body.Close())

			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String(k)})
			require.NoError(t, err)
			assert.Equal(t, int64(len(got)), aws.ToInt64(head.ContentLength), "Content-Length of the transformed object")
			assert.Equal(t, int64(len(body)+len(" -- served by objectlambda")), aws.ToInt64(head.ContentLength))
			assert.Equal(t, "text/plain", aws.ToString(head.ContentType))
			assert.Equal(t, "blue", head.Metadata["color"])
			assert.Equal(t, "seen", head.Metadata["head-hook"])
			assert.Empty(t, aws.ToString(head.ETag), "the body changed, so the stored ETag does not describe it")
			assert.Equal(t, "bytes", aws.ToString(head.AcceptRanges))
		})
	}

	tests := []struct {
		name       string
		in         s3.HeadObjectInput
		wantStatus int
		wantCode   string
		wantLength int64
		wantRange  string
		wantParts  int32
	}{
		{name: "range", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), Range: aws.String("bytes=0-4")}, wantLength: 5, wantRange: "bytes 0-4/46"},
		{name: "suffix range over the transformed length", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), Range: aws.String("bytes=-10")}, wantLength: 10, wantRange: "bytes 36-45/46"},
		{name: "part number", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), PartNumber: aws.Int32(1)}, wantLength: 46, wantRange: "bytes 0-45/46", wantParts: 1},
		{name: "empty object", in: s3.HeadObjectInput{Key: aws.String("empty.txt")}, wantLength: 26},
		{name: "missing key", in: s3.HeadObjectInput{Key: aws.String("missing.txt")}, wantStatus: 404, wantCode: "NotFound"},
		{name: "denied caller", in: s3.HeadObjectInput{Key: aws.String("secret/x.txt")}, wantStatus: 403},
		{name: "unsatisfiable range", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), Range: aws.String("bytes=46-")}, wantStatus: 416},
		{name: "If-Match mismatch", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), IfMatch: aws.String(`"nope"`)}, wantStatus: 412},
		{name: "If-None-Match * matches", in: s3.HeadObjectInput{Key: aws.String("plain.txt"), IfNoneMatch: aws.String("*")}, wantStatus: 304},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket = ap.Bucket()
			out, err := c.HeadObject(ctx, &in)
			if tc.wantStatus != 0 {
				assert.Equal(t, tc.wantStatus, hlStatus(t, err))
				if tc.wantCode != "" {
					assert.Equal(t, tc.wantCode, hlCode(t, err))
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantLength, aws.ToInt64(out.ContentLength))
			assert.Equal(t, tc.wantRange, aws.ToString(out.ContentRange))
			assert.Equal(t, tc.wantParts, aws.ToInt32(out.PartsCount))
		})
	}
}

// hlKeys is the 2,500-key bucket of the listing tests.
type hlKeys struct {
	alice, aliceSpecial, aliceInstr, bob []string
}

func (k hlKeys) all() []string {
	return append(append(append(append([]string(nil), k.alice...), k.aliceSpecial...), k.aliceInstr...), k.bob...)
}

func hlBucket() hlKeys {
	var k hlKeys
	specials := []string{"sp ace", "plus+sign", "amp&er", "lt<gt>", "pct%25", "quote\"'", "hash#q?eq=", "ünïcödé", "emoji😀", "tab\tnl"}
	for i := range 1000 {
		k.alice = append(k.alice, fmt.Sprintf("tenants/alice/doc-%04d.txt", i))
		k.bob = append(k.bob, fmt.Sprintf("tenants/bob/doc-%04d.txt", i))
	}
	for i := range 250 {
		k.aliceSpecial = append(k.aliceSpecial, fmt.Sprintf("tenants/alice/special/%s-%03d", specials[i%len(specials)], i))
		k.aliceInstr = append(k.aliceInstr, fmt.Sprintf("tenants/alice/secure/doc-%03d.bin.instruction", i))
	}
	return k
}

// putAll writes keys straight to the store, a few at a time.
func putAll(t *testing.T, ap *objectlambdatest.AccessPoint, keys []string) {
	t.Helper()
	store := ap.Store()
	work := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for k := range work {
				_, err := store.PutObject(context.Background(), &s3.PutObjectInput{Bucket: ap.Bucket(), Key: aws.String(k), Body: strings.NewReader("x")})
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("put %q: %w", k, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
}

func sorted(keys ...[]string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k...)
	}
	sort.Strings(out)
	return out
}

func TestListObjectsV2PaginatorE2E(t *testing.T) {
	ap := objectlambdatest.NewAccessPoint(t,
		objectlambda.WithTenantPrefix(objectlambda.TenantFromCaller("tenants/%s/")),
		objectlambda.WithDecryption(hlKeyring(t)), // hides instruction files from listings
	)
	k := hlBucket()
	require.Len(t, k.all(), 2500)
	putAll(t, ap, k.all())
	alice := ap.ClientAs(objectlambdatest.Caller{UserName: "alice"})
	bob := ap.ClientAs(objectlambdatest.Caller{UserName: "bob"})
	ctx := context.Background()

	paginate := func(t *testing.T, c *s3.Client, in s3.ListObjectsV2Input) ([]string, []string, int) {
		t.Helper()
		in.Bucket = ap.Bucket()
		p := s3.NewListObjectsV2Paginator(c, &in)
		var keys, prefixes []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			pages++
			require.Less(t, pages, 200, "paging does not end")
			assert.Equal(t, int32(len(out.Contents)+len(out.CommonPrefixes)), aws.ToInt32(out.KeyCount), "KeyCount counts what is returned")
			for _, o := range out.Contents {
				key := aws.ToString(o.Key)
				if out.EncodingType == types.EncodingTypeUrl {
					var err error
					key, err = url.QueryUnescape(key)
					require.NoError(t, err)
				}
				keys = append(keys, key)
			}
			for _, cp := range out.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(cp.Prefix))
			}
		}
		return keys, prefixes, pages
	}

	tests := []struct {
		name         string
		client       *s3.Client
		in           s3.ListObjectsV2Input
		wantKeys     []string
		wantPrefixes []string
		minPages     int
	}{
		{name: "whole bucket: only alice, no instruction files", client: alice, in: s3.ListObjectsV2Input{MaxKeys: aws.Int32(400)},
			wantKeys: sorted(k.alice, k.aliceSpecial), minPages: 7},
		{name: "default page size", client: alice, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/")},
			wantKeys: sorted(k.alice, k.aliceSpecial), minPages: 3},
		{name: "bob sees bob", client: bob, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/bob/"), MaxKeys: aws.Int32(333)},
			wantKeys: sorted(k.bob), minPages: 4},
		{name: "delimiter at the root", client: alice, in: s3.ListObjectsV2Input{Delimiter: aws.String("/")}, wantPrefixes: []string{"tenants/"}, minPages: 1},
		{name: "delimiter in the tenant", client: alice, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/alice/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(250)},
			wantKeys: sorted(k.alice), wantPrefixes: []string{"tenants/alice/secure/", "tenants/alice/special/"}, minPages: 5},
		{name: "url encoding and special characters", client: alice, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/alice/special/"), EncodingType: types.EncodingTypeUrl, MaxKeys: aws.Int32(60)},
			wantKeys: sorted(k.aliceSpecial), minPages: 5},
		{name: "special characters unencoded", client: alice, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/alice/special/"), StartAfter: aws.String("tenants/alice/special/emoji")},
			wantKeys: filter(sorted(k.aliceSpecial), func(s string) bool { return s > "tenants/alice/special/emoji" }), minPages: 1},
		{name: "a folder of instruction files lists empty", client: alice, in: s3.ListObjectsV2Input{Prefix: aws.String("tenants/alice/secure/"), MaxKeys: aws.Int32(100)}, minPages: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, prefixes, pages := paginate(t, tc.client, tc.in)
			assert.Equal(t, tc.wantKeys, keys)
			assert.Equal(t, tc.wantPrefixes, prefixes)
			assert.GreaterOrEqual(t, pages, tc.minPages)
		})
	}

	t.Run("another tenant's prefix is denied", func(t *testing.T) {
		_, err := bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket(), Prefix: aws.String("tenants/alice/")})
		assert.Equal(t, http.StatusForbidden, hlStatus(t, err))
		assert.Equal(t, "AccessDenied", hlCode(t, err))
	})
	t.Run("ListObjects V1 with markers", func(t *testing.T) {
		var keys []string
		marker := ""
		for i := 0; ; i++ {
			require.Less(t, i, 50)
			out, err := alice.ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket(), Prefix: aws.String("tenants/alice/s"), Marker: aws.String(marker), MaxKeys: aws.Int32(90)})
			require.NoError(t, err)
			for _, o := range out.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			marker = aws.ToString(out.NextMarker)
			require.NotEmpty(t, marker, "a filtered V1 page names where the next one starts")
		}
		assert.Equal(t, sorted(k.aliceSpecial), keys)
	})
	t.Run("ListObjects V1 from the root is denied for tenants", func(t *testing.T) {
		_, err := alice.ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket()})
		assert.Equal(t, http.StatusForbidden, hlStatus(t, err))
	})
	t.Run("GET outside the tenant is denied", func(t *testing.T) {
		_, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(k.bob[0])})
		assert.Equal(t, http.StatusForbidden, hlStatus(t, err))
	})
}

// TestHeadObjectUnknownLengthE2E shows why HEAD needs a LengthStater: the
// inputS3Url of a HEAD is presigned for HEAD, so the object cannot be read
// to measure the transformed length.
func TestHeadObjectUnknownLengthE2E(t *testing.T) {
	undeclared := transform.Func(func(_ context.Context, in *transform.Object) (*transform.Object, error) {
		out := *in
		out.Body = io.MultiReader(in.Body, strings.NewReader("!"))
		return &out, nil
	})
	tests := []struct {
		name       string
		opts       []objectlambda.Option
		wantStatus int
		wantLength int64
	}{
		{name: "default: 405 MethodNotAllowed, not retried by clients", wantStatus: 405},
		{name: "original length", opts: []objectlambda.Option{objectlambda.WithHeadOriginalLength()}, wantLength: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := objectlambdatest.NewAccessPoint(t, append([]objectlambda.Option{objectlambda.WithTransform(undeclared)}, tc.opts...)...)
			ap.PutObject(t, "a.txt", "hello")
			out, err := ap.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
			if tc.wantStatus != 0 {
				assert.Equal(t, tc.wantStatus, hlStatus(t, err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantLength, aws.ToInt64(out.ContentLength))
		})
	}
}

func filter(keys []string, keep func(string) bool) []string {
	var out []string
	for _, k := range keys {
		if keep(k) {
			out = append(out, k)
		}
	}
	return out
}

// hlKeyring is a keyring for access points that decrypt: listings then hide
// instruction files.
func hlKeyring(t *testing.T) encryption.Keyring {
	t.Helper()
	kr, err := encryption.NewAESKeyring(bytes.Repeat([]byte{7}, encryption.DataKeySize), map[string]string{"kid": "hl"})
	require.NoError(t, err)
	return kr
}
