package textkit

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMediaTypeMatches(t *testing.T) {
	tests := []struct {
		ct       string
		patterns []string
		want     bool
	}{
		{"text/plain", nil, true},
		{"", []string{"text/*"}, false},
		{"text/plain; charset=utf-8", []string{"text/*"}, true},
		{"TEXT/CSV", []string{"text/csv"}, true},
		{"application/ld+json", []string{"+json"}, true},
		{"application/json", []string{"text/*", "application/json"}, true},
		{"image/png", []string{"text/*", "+json"}, false},
		{"image/png", []string{"*/*"}, true},
		{"text/plain; charset", []string{"text/plain"}, true},
		{"garbage", []string{"text/*"}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, MediaTypeMatches(tt.ct, tt.patterns), "%q %v", tt.ct, tt.patterns)
	}
}
