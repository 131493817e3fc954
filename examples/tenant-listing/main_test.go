package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const account = "111122223333"

var objects = []string{
	"shared/readme.txt",
	"tenants/alice/a.txt",
	"tenants/alice/docs/b.txt",
	"tenants/alice/docs/c.txt",
	"tenants/alicia/x.txt", // a prefix of alice's name must not leak
	"tenants/bob/c.txt",
}

func user(name string) objectlambdatest.Caller {
	return objectlambdatest.Caller{UserName: name, ARN: "arn:aws:iam::" + account + ":user/" + name}
}

func session(role, name string) objectlambdatest.Caller {
	return objectlambdatest.Caller{
		Type: "AssumedRole", UserName: name,
		ARN: "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + name,
		SessionIssuer: &objectlambdatest.SessionIssuer{
			Type: "Role", AccountID: account, UserName: role, ARN: "arn:aws:iam::" + account + ":role/" + role,
		},
	}
}

func setup(t *testing.T, fn objectlambdatest.Option) *objectlambdatest.AccessPoint {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", fn)...)
	for _, k := range objects {
		ap.PutObject(t, k, "object "+k)
	}
	return ap
}

func keys(out *s3.ListObjectsV2Output) (ks, prefixes []string) {
	for _, o := range out.Contents {
		ks = append(ks, aws.ToString(o.Key))
	}
	for _, p := range out.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	return ks, prefixes
}

func TestListing(t *testing.T) {
	opts, err := options()
	require.NoError(t, err)
	ap := setup(t, objectlambdatest.WithHandler(opts...))
	ctx := context.Background()

	tests := []struct {
		name             string
		caller           objectlambdatest.Caller
		prefix, delim    string
		wantKeys, wantCP []string
		denied           bool
	}{
		{name: "root lists only the tenant's objects", caller: user("alice"),
			wantKeys: []string{"tenants/alice/a.txt", "tenants/alice/docs/b.txt", "tenants/alice/docs/c.txt"}},
		{name: "folders above the tenant show only its own", caller: user("alice"), prefix: "tenants/", delim: "/",
			wantCP: []string{"tenants/alice/"}},
		{name: "inside the tenant prefix", caller: user("alice"), prefix: "tenants/alice/", delim: "/",
			wantKeys: []string{"tenants/alice/a.txt"}, wantCP: []string{"tenants/alice/docs/"}},
		{name: "assumed-role session name", caller: session("tenant-reader", "bob"),
			wantKeys: []string{"tenants/bob/c.txt"}},
		{name: "another tenant's prefix", caller: user("alice"), prefix: "tenants/bob/", denied: true},
		{name: "a sibling prefix", caller: user("alice"), prefix: "shared/", denied: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.ListObjectsV2Input{Bucket: ap.Bucket()}
			if tt.prefix != "" {
				in.Prefix = aws.String(tt.prefix)
			}
			if tt.delim != "" {
				in.Delimiter = aws.String(tt.delim)
			}
			out, err := ap.ClientAs(tt.caller).ListObjectsV2(ctx, in)
			if tt.denied {
				status, code := extest.ErrorOf(t, err)
				assert.Equal(t, http.StatusForbidden, status)
				assert.Equal(t, "AccessDenied", code)
				return
			}
			require.NoError(t, err)
			ks, cps := keys(out)
			assert.Equal(t, tt.wantKeys, ks)
			assert.Equal(t, tt.wantCP, cps)
		})
	}

	t.Run("pages hold only the tenant's objects", func(t *testing.T) {
		var got []string
		p := s3.NewListObjectsV2Paginator(ap.ClientAs(user("alice")), &s3.ListObjectsV2Input{Bucket: ap.Bucket(), MaxKeys: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			ks, _ := keys(out)
			got = append(got, ks...)
		}
		assert.Equal(t, []string{"tenants/alice/a.txt", "tenants/alice/docs/b.txt", "tenants/alice/docs/c.txt"}, got)
	})

	t.Run("ListObjects v1 from the root is denied", func(t *testing.T) {
		_, err := ap.ClientAs(user("alice")).ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket()})
		status, _ := extest.ErrorOf(t, err)
		assert.Equal(t, http.StatusForbidden, status)
	})
	t.Run("ListObjects v1 inside the tenant prefix", func(t *testing.T) {
		out, err := ap.ClientAs(user("alice")).ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket(), Prefix: aws.String("tenants/alice/docs/")})
		require.NoError(t, err)
		require.Len(t, out.Contents, 2)
		assert.Equal(t, "tenants/alice/docs/b.txt", aws.ToString(out.Contents[0].Key))
	})
}

func TestObjects(t *testing.T) {
	opts, err := options()
	require.NoError(t, err)
	ap := setup(t, objectlambdatest.WithHandler(opts...))
	ctx := context.Background()
	alice := ap.ClientAs(user("alice"))

	t.Run("own object, ranged", func(t *testing.T) {
		out, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/a.txt"), Range: aws.String("bytes=7-")})
		require.NoError(t, err)
		assert.Equal(t, "tenants/alice/a.txt", extest.Body(t, out.Body))
		assert.Equal(t, "bytes 7-25/26", aws.ToString(out.ContentRange))
	})
	t.Run("own object, head", func(t *testing.T) {
		out, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/docs/b.txt")})
		require.NoError(t, err)
		assert.Equal(t, int64(len("object tenants/alice/docs/b.txt")), aws.ToInt64(out.ContentLength))
	})
	t.Run("own object, part 1", func(t *testing.T) {
		out, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/a.txt"), PartNumber: aws.Int32(1)})
		require.NoError(t, err)
		assert.Equal(t, "object tenants/alice/a.txt", extest.Body(t, out.Body))
		assert.Equal(t, int32(1), aws.ToInt32(out.PartsCount))
	})
	t.Run("own object, ranged head", func(t *testing.T) {
		out, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/a.txt"), Range: aws.String("bytes=0-5")})
		require.NoError(t, err)
		assert.Equal(t, int64(6), aws.ToInt64(out.ContentLength))
		assert.Equal(t, "bytes 0-5/26", aws.ToString(out.ContentRange))
	})
	t.Run("own object, head of part 1", func(t *testing.T) {
		out, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/a.txt"), PartNumber: aws.Int32(1)})
		require.NoError(t, err)
		assert.Equal(t, int64(26), aws.ToInt64(out.ContentLength))
		assert.Equal(t, int32(1), aws.ToInt32(out.PartsCount))
	})
	for _, key := range []string{"tenants/bob/c.txt", "tenants/alicia/x.txt", "shared/readme.txt", "tenants/alice"} {
		t.Run("get "+key, func(t *testing.T) {
			_, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, http.StatusForbidden, status)
			assert.Equal(t, "AccessDenied", code)
		})
		t.Run("head "+key, func(t *testing.T) {
			_, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
			status, _ := extest.ErrorOf(t, err)
			assert.Equal(t, http.StatusForbidden, status)
		})
	}
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	ap := setup(t, objectlambdatest.WithBootstrap(objectlambdatest.BuildBootstrap(t, ".")))
	ctx := context.Background()
	bob := ap.ClientAs(user("bob"))
	out, err := bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
	require.NoError(t, err)
	ks, _ := keys(out)
	assert.Equal(t, []string{"tenants/bob/c.txt"}, ks)
	_, err = bob.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/alice/a.txt")})
	status, _ := extest.ErrorOf(t, err)
	assert.Equal(t, http.StatusForbidden, status)
	got, err := bob.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("tenants/bob/c.txt")})
	require.NoError(t, err)
	assert.Equal(t, "object tenants/bob/c.txt", extest.Body(t, got.Body))
}
