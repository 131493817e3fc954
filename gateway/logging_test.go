package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewLogger(t *testing.T) {
	const presigned = "https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F20261203&X-Amz-Signature=deadbeefcafe"
	var buf bytes.Buffer
	log, err := NewLogger(&buf, "info")
	require.NoError(t, err)
	log.Debug("hidden at info")
	log.With("url", presigned).Info("fetch failed for "+presigned,
		"err", errors.New("GET "+presigned+": 403"),
		"token", "X-Amz-Request-Token: 0123456789abcdef",
		"status", 403)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 1, "debug is below info")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec), "JSON lines")
	assert.Equal(t, "INFO", rec["level"])
	assert.EqualValues(t, 403, rec["status"])
	for _, secret := range []string{"deadbeefcafe", "AKIA%2F20261203", "0123456789abcdef"} {
		assert.NotContains(t, buf.String(), secret)
	}
	assert.Contains(t, rec["msg"], "REDACTED")
	assert.Contains(t, rec["url"], "REDACTED", "attributes added by With too")
	assert.Contains(t, rec["err"], "REDACTED")

	_, err = NewLogger(&buf, "loud")
	assert.ErrorContains(t, err, "want debug, info, warn or error")
}

// TestWithLoggerScrubs: a logger of the embedder's own (WithLogger), not
// built by NewLogger, is scrubbed all the same: the gateway wraps whatever
// handler it is given, so no log line depends on how the logger was made.
func TestWithLoggerScrubs(t *testing.T) {
	const presigned = "https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F20261203&X-Amz-Signature=deadbeefcafe"
	tests := []struct {
		name string
		make func(*bytes.Buffer) *slog.Logger
	}{
		{"plain JSON handler", func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) }},
		{"plain text handler", func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }},
		{"NewLogger", func(b *bytes.Buffer) *slog.Logger { l, _ := NewLogger(b, "info"); return l }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			g, err := newTestGateway(t, testEnv, WithLogger(tt.make(&buf)))
			require.NoError(t, err)
			defer g.Close()
			g.log.With("url", presigned).WithGroup("fetch").Info("fetch failed for "+presigned,
				"err", errors.New("GET "+presigned+": 403"),
				slog.Group("upstream", "location", presigned),
				"status", 403)
			require.NotEmpty(t, buf.String())
			for _, secret := range []string{"deadbeefcafe", "AKIA%2F20261203"} {
				assert.NotContains(t, buf.String(), secret)
			}
			assert.Contains(t, buf.String(), "403")
		})
	}
}
