package objectlambdatest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rangeAnswer is what a client sees for a ranged GET.
type rangeAnswer struct {
	Body         string
	ContentRange string
	ErrorCode    string
}

func getRange(ctx context.Context, c *s3.Client, bucket *string, key, rng string) (rangeAnswer, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String(key), Range: aws.String(rng)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return rangeAnswer{ErrorCode: ae.ErrorCode()}, nil
		}
		return rangeAnswer{}, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return rangeAnswer{}, err
	}
	return rangeAnswer{Body: string(b), ContentRange: aws.ToString(out.ContentRange)}, nil
}

// TestRangeMatchesS3 uses versitygw as the oracle: for every Range form, the
// answer of our pipeline — with a transform that is length-preserving but not
// range-safe, so our own code slices the transformed output — must equal what
// the S3 server answers for the same header on the stored object. Where S3's
// documentation is silent (malformed headers, several ranges), versitygw's
// answer is the reference.
func TestRangeMatchesS3(t *testing.T) {
	sameBytes := transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = struct{ io.Reader }{o.Body}
		return o, nil
	}), transform.Properties{LengthPreserving: true})
	ap := objectlambdatest.New(t,
		objectlambdatest.WithHandler(objectlambda.WithTransform(sameBytes)),
		objectlambdatest.WithAllowedFeatures("GetObject-Range"))
	const body = "0123456789abcdefghijklmnopqrstuvwxyz"
	ap.PutObject(t, "r.txt", body)
	ctx := t.Context()

	ranges := []string{
		"bytes=0-0", "bytes=10-15", "bytes=30-", "bytes=-4", "bytes=-100", "bytes=34-100",
		"bytes=35-35", "bytes=36-", "bytes=36-40", "bytes=100-200", "bytes=-0",
		"bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=a-b", "bytes=", "bytes=-", "garbage",
	}
	for _, rng := range ranges {
		t.Run(strings.ReplaceAll(rng, "/", "_"), func(t *testing.T) {
			want, err := getRange(ctx, ap.Store(), ap.Bucket(), "r.txt", rng)
			require.NoError(t, err)
			got, err := getRange(ctx, ap.Client(), ap.Bucket(), "r.txt", rng)
			require.NoError(t, err)
			assert.Equal(t, want, got, "Range %q: the access point must answer like S3", rng)
		})
	}
}
