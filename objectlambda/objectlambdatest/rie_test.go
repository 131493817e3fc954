package objectlambdatest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBootstrapUnderRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap binary")
	}
	bootstrap := BuildBootstrap(t, "./testdata/rawfn")
	ap := New(t, WithBootstrap(bootstrap))
	ap.PutObject(t, "hello.txt", "hello from the rie")
	ap.PutObject(t, "fail.txt", "x")
	ctx := context.Background()

	out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("hello.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "HELLO FROM THE RIE", string(b))

	// The RIE reports a function error as HTTP 200 with errorType/errorMessage.
	_, err = ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("fail.txt")})
	apiError(t, err, http.StatusInternalServerError, "LambdaRuntimeError")
	assert.Len(t, ap.WGORCalls(), 1)
}

// TestHandlerBootstrapUnderRIE runs objectlambda.Start configured only by
// the environment, the way it runs on Lambda, and reads what it printed.
func TestHandlerBootstrapUnderRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap binary")
	}
	var printed logBuffer
	ap := New(t, WithBootstrap(BuildBootstrap(t, "./testdata/handlerfn")), WithFunctionOutput(&printed))
	ap.PutObject(t, "hello.txt", "hello from objectlambda.Start")
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("hello.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "HELLO FROM OBJECTLAMBDA.START", string(b))
	require.Len(t, ap.WGORCalls(), 1)
	assert.NoError(t, ap.WGORCalls()[0].Err)

	// WithFunctionOutput: the emulator's lines and the function's own
	// summary line (slog's default logger, on stderr), once the invocation
	// has ended.
	require.Eventually(t, func() bool { return strings.Contains(printed.String(), "END RequestId: ") },
		5*time.Second, 10*time.Millisecond, "output so far:\n%s", printed.String())
	assert.Contains(t, printed.String(), "START RequestId: ")
	assert.Regexp(t, `INFO objectlambda request requestId=\S+ operation=GetObject status=200`, printed.String())
	assert.NotContains(t, printed.String(), "X-Amz-Signature", "no presigned URL in the function's output")
}
