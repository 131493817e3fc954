package objectlambdatest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upper is a transform for tests: it upper-cases ASCII letters.
func upper() transform.Transform {
	return transform.Func(func(_ context.Context, in *transform.Object) (*transform.Object, error) {
		out := *in
		out.Body = upperReader{in.Body}
		return &out, nil
	})
}

type upperReader struct{ r io.Reader }

func (u upperReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p[:n], strings.ToUpper(string(p[:n])))
	return n, err
}

func TestHandlerEndToEnd(t *testing.T) {
	ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithTransform(upper()))
	ap.PutObject(t, "notes.txt", "write to ana@example.com", func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
	})
	ctx := context.Background()

	tests := []struct {
		name   string
		in     s3.GetObjectInput
		want   string
		status int
		code   string
	}{
		{name: "plain GET", in: s3.GetObjectInput{Key: aws.String("notes.txt")}, want: "WRITE TO ANA@EXAMPLE.COM"},
		{name: "missing key", in: s3.GetObjectInput{Key: aws.String("missing.txt")}, status: 404, code: "NoSuchKey"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket = ap.Bucket()
			out, err := ap.Client().GetObject(ctx, &in)
			if tc.code != "" {
				var ae smithy.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.code, ae.ErrorCode())
				return
			}
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, tc.want, string(b))
			assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
		})
	}
	calls := ap.WGORCalls()
	require.Len(t, calls, len(tests), "exactly one WriteGetObjectResponse per GET")
	for _, c := range calls {
		assert.NoError(t, c.Err)
		assert.Equal(t, http.StatusOK, c.Response)
	}
}

func TestHandlerAuthorizer(t *testing.T) {
	deny := objectlambda.WithAuthorizer(func(_ context.Context, r *objectlambda.Request) error {
		return s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "analysts only")
	})
	ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithHandler(deny))
	ap.PutObject(t, "a.txt", "x")
	_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
}
