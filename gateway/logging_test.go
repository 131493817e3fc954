package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
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
