package function

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkInProcess measures what the in-process runner adds (panic
// recovery, error typing) to calling the handler directly.
func BenchmarkInProcess(b *testing.B) {
	h := lambda.NewHandler(func(ctx context.Context, ev map[string]any) (map[string]any, error) {
		return map[string]any{"statusCode": 200}, nil
	})
	event := []byte(`{"xAmzRequestId":"r","headObjectContext":{"inputS3Url":"https://b.s3.amazonaws.com/k"}}`)
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Invoke(ctx, event); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("runner", func(b *testing.B) {
		r := InProcess(h)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Invoke(ctx, event); err != nil {
				b.Fatal(err)
			}
		}
	})
}
