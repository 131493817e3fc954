package scrub

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

type secretValuer struct{}

func (secretValuer) LogValue() slog.Value {
	return slog.StringValue("https://h/k?X-Amz-Signature=valuersecret")
}

func TestHandler(t *testing.T) {
	const url = "https://h/k?X-Amz-Signature=topsecret"
	tests := []struct {
		name   string
		log    func(*slog.Logger)
		secret string
	}{
		{"message", func(l *slog.Logger) { l.Info("GET " + url) }, "topsecret"},
		{"string attr", func(l *slog.Logger) { l.Info("m", "url", url) }, "topsecret"},
		{"error attr", func(l *slog.Logger) { l.Info("m", "err", errors.New("GET "+url)) }, "topsecret"},
		{"group attr", func(l *slog.Logger) { l.Info("m", slog.Group("g", "url", url)) }, "topsecret"},
		{"With attr", func(l *slog.Logger) { l.With("url", url).Info("m") }, "topsecret"},
		{"LogValuer", func(l *slog.Logger) { l.Info("m", "v", secretValuer{}) }, "valuersecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(Handler(slog.NewJSONHandler(&buf, nil)))
			tt.log(l)
			assert.NotContains(t, buf.String(), tt.secret)
			assert.Contains(t, buf.String(), Redacted)
		})
	}
	h := Handler(slog.NewJSONHandler(&bytes.Buffer{}, nil))
	assert.Equal(t, h, Handler(h), "wrapping twice scrubs once")
}
