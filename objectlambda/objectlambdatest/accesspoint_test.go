package objectlambdatest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stores runs a test against each store kind.
var stores = []struct {
	name string
	opt  Option
}{
	{"versitygw", func(*config) {}},
	{"memory", WithMemoryStore()},
}

func upperAP(t *testing.T, opts ...Option) *AccessPoint {
	t.Helper()
	return New(t, append([]Option{WithFunctionFactory(func(cfg aws.Config) Function { return newRawFunction(cfg, nil) })}, opts...)...)
}

// apiError asserts err is an S3 API error with the given status and code.
func apiError(t *testing.T, err error, status int, code string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	assert.Equal(t, code, ae.ErrorCode(), "error: %v", err)
	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re))
	assert.Equal(t, status, re.HTTPStatusCode())
}

func TestGetObject(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ap := upperAP(t, st.opt, WithPayload(`{"mode":"upper"}`))
			ap.PutObject(t, "dir/hello world.txt", "hello, world", func(in *s3.PutObjectInput) {
				in.ContentType = aws.String("text/plain")
				in.Metadata = map[string]string{"color": "blue"}
			})
			ctx := context.Background()
			out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("dir/hello world.txt"), VersionId: nil})
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, "HELLO, WORLD", string(b))
			assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
			assert.Equal(t, "upper", out.Metadata["transformed"])
			assert.Equal(t, "blue", out.Metadata["color"])

			evs := ap.Events()
			require.Len(t, evs, 1)
			ev := evs[0]
			require.NotNil(t, ev.GetObjectContext)
			assert.Equal(t, ProtocolVersion, ev.ProtocolVersion)
			assert.Regexp(t, regexp.MustCompile(`^[a-zA-Z0-9-]{1,63}$`), ev.GetObjectContext.OutputRoute)
			assert.NotEmpty(t, ev.GetObjectContext.OutputToken)
			assert.Equal(t, "https://test-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/dir/hello world.txt?x-id=GetObject", ev.UserRequest.URL)
			assert.Equal(t, "test-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com", ev.UserRequest.Headers["Host"])
			assert.NotContains(t, ev.UserRequest.Headers, "Authorization")
			assert.Equal(t, "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/test-olap", ev.Configuration.AccessPointARN)
			assert.Equal(t, `{"mode":"upper"}`, ev.Configuration.Payload)
			caller := ap.DefaultCaller()
			assert.Equal(t, caller.AccessKeyID, ev.UserIdentity.AccessKeyID)
			assert.Equal(t, "IAMUser", ev.UserIdentity.Type)
			assert.Equal(t, "arn:aws:iam::111122223333:user/tester", ev.UserIdentity.ARN)
			assert.Contains(t, string(ev.JSON), `"userName":"tester"`)
			in, err := url.Parse(ev.GetObjectContext.InputS3URL)
			require.NoError(t, err)
			assert.Equal(t, strings.TrimPrefix(ap.URL(), "http://"), in.Host)
			assert.Equal(t, "/test-bucket/dir/hello%20world.txt", in.EscapedPath())

			calls := ap.WGORCalls()
			require.Len(t, calls, 1)
			assert.Equal(t, http.StatusOK, calls[0].StatusCode)
			assert.Equal(t, http.StatusOK, calls[0].Response)
			assert.Equal(t, int64(12), calls[0].BodySize)
			assert.Equal(t, "text/plain", calls[0].Header.Get("Content-Type"))
			assert.NoError(t, calls[0].Err)
		})
	}
}
