package compress

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNegotiate(t *testing.T) {
	tests := map[string]string{
		"":                         "",
		"gzip":                     "gzip",
		"x-gzip":                   "gzip",
		"zstd":                     "zstd",
		"gzip, zstd":               "zstd",
		"GZIP;q=0.9, zstd;q=0.8":   "gzip",
		"zstd;q=0, gzip;q=0.1":     "gzip",
		"*":                        "zstd",
		"*;q=0.5, zstd;q=0":        "gzip",
		"identity":                 "",
		"br, deflate":              "",
		"gzip;q=abc":               "",
		"gzip;q=2":                 "",
		" zstd ; q=0.3 ,gzip;q=.2": "zstd",
		",,;;":                     "",
	}
	for in, want := range tests {
		assert.Equal(t, want, negotiate(in), "Accept-Encoding %q", in)
	}
}
