package gateway

import (
	"errors"
	"io"
	"log/slog"
	"testing"
)

// BenchmarkLogger measures the credential scrubbing of the gateway's
// logger against a plain JSON handler, on a typical request line.
func BenchmarkLogger(b *testing.B) {
	scrubbed, err := NewLogger(io.Discard, "info")
	if err != nil {
		b.Fatal(err)
	}
	plain := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cause := errors.New("GET https://b.s3.amazonaws.com/k?X-Amz-Signature=abc: 403 Forbidden")
	for _, tt := range []struct {
		name string
		log  *slog.Logger
	}{{"plain", plain}, {"scrubbed", scrubbed}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tt.log.Info("objectlambda request", "requestId", "0123456789ABCDEF", "accessPoint", "redacted",
					"operation", "GetObject", "status", 403, "err", cause)
			}
		})
	}
}
