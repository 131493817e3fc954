package presign

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrorKeepsUnsatisfiedRange(t *testing.T) {
	tests := []struct {
		status int
		header string
		want   string
	}{
		{416, "bytes */36", "bytes */36"},
		{416, "bytes 0-1/36", ""},
		{416, "bytes */x", ""},
		{416, "bytes */", ""},
		{404, "bytes */36", ""},
	}
	for _, tt := range tests {
		h := http.Header{"Content-Range": {tt.header}}
		e := parseError(tt.status, h, strings.NewReader(`<Error><Code>InvalidRange</Code></Error>`))
		var ue *UpstreamError
		require.True(t, errors.As(e, &ue))
		assert.Equal(t, tt.want, ue.ContentRange, "%d %q", tt.status, tt.header)
	}
}
