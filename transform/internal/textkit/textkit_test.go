package textkit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform"
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

func TestCallerMatches(t *testing.T) {
	c := transform.Caller{ARN: "arn:aws:sts::1:assumed-role/Auditor/jane", SessionIssuerARN: "arn:aws:iam::1:role/Auditor"}
	tests := []struct {
		principals []string
		want       bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"arn:aws:iam::1:role/Auditor"}, true},
		{[]string{"arn:aws:sts::1:assumed-role/Auditor/*"}, true},
		{[]string{"arn:aws:iam::1:role/Audit"}, false},
		{[]string{"arn:aws:iam::2:role/*"}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CallerMatches(c, tt.principals), "%v", tt.principals)
	}
	assert.False(t, CallerMatches(transform.Caller{}, []string{"*"}), "an anonymous caller matches nothing")
}

func TestDecodePayload(t *testing.T) {
	type cfg struct {
		A int `json:"a"`
	}
	tests := []struct {
		payload string
		want    int
		err     bool
	}{
		{"", 0, false},
		{"  null ", 0, false},
		{"{}", 0, false},
		{`{"a":3}`, 3, false},
		{`{"b":3}`, 0, true},
		{`{"a":3} {"a":4}`, 0, true},
		{`{"a":`, 0, true},
		{`test`, 0, true},
	}
	for _, tt := range tests {
		var c cfg
		err := DecodePayload([]byte(tt.payload), &c)
		if tt.err {
			require.Error(t, err, tt.payload)
			continue
		}
		require.NoError(t, err, tt.payload)
		assert.Equal(t, tt.want, c.A)
	}
}
