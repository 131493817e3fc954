package emf_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notifyBuffer is a concurrency-safe buffer that signals every write: the
// handler tells observers after the reply was sent, so a client may see its
// answer a moment before the line is written.
type notifyBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func newNotifyBuffer() *notifyBuffer { return &notifyBuffer{wrote: make(chan struct{}, 1024)} }

func (b *notifyBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	b.wrote <- struct{}{}
	return n, err
}

// waitWrites waits for n more writes and returns everything written so far.
func (b *notifyBuffer) waitWrites(t *testing.T, n int) []byte {
	t.Helper()
	for range n {
		select {
		case <-b.wrote:
		case <-time.After(10 * time.Second):
			t.Fatalf("the handler did not report the request")
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

const signature = "\n-- served by reports-olap\n"

// sign appends a fixed trailer, so bytes out differ from bytes in.
func sign() transform.Transform {
	return transform.Func(func(_ context.Context, in *transform.Object) (*transform.Object, error) {
		out := *in
		out.Body = io.MultiReader(in.Body, strings.NewReader(signature))
		out.Length = -1
		return &out, nil
	})
}

var errNotAnalyst = errors.New("only analysts")

// TestKnownRequests drives a real objectlambda.Handler through a local access
// point and checks the figures of each request's line.
func TestKnownRequests(t *testing.T) {
	metrics := newNotifyBuffer()
	logs := newNotifyBuffer()
	ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithAccessPointName("reports-olap"),
		objectlambdatest.WithHandler(
			objectlambda.WithTransform(sign()),
			objectlambda.WithAuthorizer(func(_ context.Context, r *objectlambda.Request) error {
				if strings.HasPrefix(r.Key, "secret/") {
					return errNotAnalyst
				}
				return nil
			}),
			objectlambda.WithObserver(emf.MustNew(emf.WithWriter(metrics), emf.WithDimensions(emf.DimensionAccessPoint, emf.DimensionOperation), emf.WithDimensions(emf.DimensionOperation))),
			objectlambda.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		))
	const body = "write to ana@example.com"
	ap.PutObject(t, "notes.txt", body)
	ctx := t.Context()
	client := ap.Client()

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.Equal(t, body+signature, string(got))

	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("missing.txt")})
	require.Error(t, err)
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("secret/plan.txt")})
	require.Error(t, err)
	_, err = client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
	require.NoError(t, err)

	lines := parseLines(t, metrics.waitWrites(t, 4))
	require.Len(t, lines, 4)
	events := ap.Events()
	require.Len(t, events, 4)

	type want struct {
		op, errCode              string
		status, upstream         float64
		bytesIn, bytesOut        float64
		e4                       float64
		upstreamTime, firstReply bool
	}
	wants := []want{
		{op: "GetObject", status: 200, upstream: 200, bytesIn: float64(len(body)), bytesOut: float64(len(body) + len(signature)), upstreamTime: true, firstReply: true},
		{op: "GetObject", status: 404, errCode: "NoSuchKey", upstream: 404, e4: 1, firstReply: true},
		{op: "GetObject", status: 403, errCode: "AccessDenied", e4: 1, firstReply: true},
		{op: "ListObjectsV2", status: 200, upstream: 200, upstreamTime: true, firstReply: true},
	}
	// Lines are written after each reply, so their order may differ from the
	// requests': match them by request id.
	byID := map[string]line{}
	for _, l := range lines {
		id, _ := l.Fields["RequestId"].(string)
		byID[id] = l
	}
	for i, w := range wants {
		l, ok := byID[events[i].XAmzRequestID]
		require.True(t, ok, "a line for request %d", i)
		t.Run(w.op+"/"+w.errCode, func(t *testing.T) {
			assert.Equal(t, [][]string{{"AccessPoint", "Operation"}, {"Operation"}}, l.AWS.CloudWatchMetrics[0].Dimensions)
			assert.Equal(t, "reports-olap", l.Fields["AccessPoint"])
			assert.Equal(t, events[i].Configuration.AccessPointARN, l.Fields["AccessPointArn"])
			assert.Equal(t, w.op, l.Fields["Operation"])
			assert.Equal(t, w.status, l.num(t, "StatusCode"))
			assert.Equal(t, w.errCode, l.Fields["ErrorCode"])
			assert.Equal(t, 1.0, l.num(t, "Requests"))
			assert.Equal(t, w.e4, l.num(t, "Errors4xx"))
			assert.Equal(t, 0.0, l.num(t, "Errors5xx"))
			assert.Equal(t, 0.0, l.num(t, "Retries"))
			assert.Greater(t, l.num(t, "Duration"), 0.0)
			assert.Greater(t, l.num(t, "DeadlineMarginLeft"), 0.0)
			assert.Less(t, l.num(t, "DeadlineMarginLeft"), 60_000.0)
			if w.op == "GetObject" {
				assert.Equal(t, w.bytesIn, l.num(t, "BytesIn"))
				assert.Equal(t, w.bytesOut, l.num(t, "BytesOut"))
			}
			if w.upstream != 0 {
				assert.Equal(t, w.upstream, l.num(t, "UpstreamStatus"))
			} else {
				assert.NotContains(t, l.Fields, "UpstreamStatus")
			}
			if w.upstreamTime {
				assert.Greater(t, l.num(t, "UpstreamFirstByte"), 0.0)
				assert.GreaterOrEqual(t, l.num(t, "FirstResponseByte"), l.num(t, "UpstreamFirstByte"))
				assert.GreaterOrEqual(t, l.num(t, "Duration"), l.num(t, "FirstResponseByte"))
			}
			if w.firstReply {
				assert.Greater(t, l.num(t, "FirstResponseByte"), 0.0)
			}
			if w.op == "GetObject" && w.status == 200 {
				assert.Greater(t, l.num(t, "UpstreamReadTime"), 0.0, "streaming time of the original")
				assert.Contains(t, l.Fields, "TransformTime")
			}
		})
	}

	// The secret-leak rule, for metrics and for logs at debug level.
	logText := string(logs.waitWrites(t, 0))
	require.Contains(t, logText, events[0].XAmzRequestID, "the summary line names the request")
	var secrets []string
	for _, ev := range events {
		var in string
		switch {
		case ev.GetObjectContext != nil:
			in = ev.GetObjectContext.InputS3URL
			secrets = append(secrets, ev.GetObjectContext.OutputToken)
		case ev.ListObjectsV2Context != nil:
			in = ev.ListObjectsV2Context.InputS3URL
		}
		u, err := url.Parse(in)
		require.NoError(t, err)
		require.NotEmpty(t, u.RawQuery)
		secrets = append(secrets, u.RawQuery)
		for k, vs := range u.Query() {
			if k == "X-Amz-Signature" || k == "X-Amz-Security-Token" || k == "X-Amz-Credential" {
				secrets = append(secrets, vs...)
			}
		}
	}
	secrets = append(secrets, ap.DefaultCaller().SecretAccessKey, "ana@example.com")
	emfText := string(metrics.waitWrites(t, 0))
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, emfText, s, "EMF leaks a secret")
		assert.NotContains(t, logText, s, "logs leak a secret")
	}
}
