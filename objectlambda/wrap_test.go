package objectlambda

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrapLegacyHandler(t *testing.T) {
	type behaviour int
	const (
		answerOK behaviour = iota
		answerThenFail
		failWithoutAnswer
		panicWithoutAnswer
		hang
	)
	tests := []struct {
		name       string
		b          behaviour
		track      bool
		wantCalls  int
		wantStatus string
		wantCode   string
		wantErr    bool
	}{
		{name: "answers", b: answerOK, track: true, wantCalls: 1, wantStatus: "200"},
		{name: "answers then fails, tracked", b: answerThenFail, track: true, wantCalls: 1, wantStatus: "200", wantErr: true},
		{name: "answers then fails, untracked", b: answerThenFail, track: false, wantCalls: 2, wantStatus: "200", wantErr: true},
		{name: "fails", b: failWithoutAnswer, track: true, wantCalls: 1, wantStatus: "500", wantCode: "InternalError", wantErr: true},
		{name: "panics", b: panicWithoutAnswer, track: true, wantCalls: 1, wantStatus: "500", wantCode: "InternalError", wantErr: true},
		{name: "hangs", b: hang, track: true, wantCalls: 1, wantStatus: "500", wantCode: "LambdaTimeout", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			var client *s3.Client
			legacy := func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
				switch tt.b {
				case panicWithoutAnswer:
					panic("legacy panic")
				case failWithoutAnswer:
					return nil, errors.New("legacy failure")
				case hang:
					<-ctx.Done()
					time.Sleep(100 * time.Millisecond)
					return nil, ctx.Err()
				}
				_, err := client.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
					RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
					StatusCode: aws.Int32(200), Body: strings.NewReader("legacy body"),
				})
				require.NoError(t, err)
				if tt.b == answerThenFail {
					return nil, errors.New("failed after answering")
				}
				return map[string]int{"status_code": 200}, nil
			}
			w, err := Wrap(legacy, WithAWSConfig(hs.awsCfg), WithTrustedEndpoints(hs.upstream.URL), WithDeadlineMargin(200*time.Millisecond),
				withLookupEnv(func(string) (string, bool) { return "", false }))
			require.NoError(t, err)
			optFns := []func(*s3.Options){wgorClientOptions}
			if tt.track {
				optFns = append(optFns, w.TrackResponses)
			}
			client = s3.NewFromConfig(hs.awsCfg, optFns...)
			ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
			defer cancel()
			_, err = w.Invoke(ctx, hs.event("doc.txt"))
			if tt.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
			calls := hs.waitCalls(t, tt.wantCalls)
			assert.Equal(t, tt.wantStatus, calls[0].Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.wantCode, calls[0].Header.Get("X-Amz-Fwd-Error-Code"))
		})
	}
}

func TestWrapRefusesUntrustedURL(t *testing.T) {
	hs, _ := newHarness(t)
	called := false
	w, err := Wrap(func(context.Context, events.S3ObjectLambdaEvent) (any, error) { called = true; return nil, nil },
		WithAWSConfig(hs.awsCfg), withLookupEnv(func(string) (string, bool) { return "", false }))
	require.NoError(t, err)
	_, err = w.Invoke(context.Background(), hs.event("doc.txt")) // the harness upstream is not trusted here
	require.NoError(t, err, "the error reply was delivered")
	assert.False(t, called, "the legacy handler never sees an untrusted inputS3Url")
	call := hs.onlyCall(t)
	assert.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"))
	assert.Equal(t, 0, hs.upstreamHits())
}
