package presign

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignedHeaders(t *testing.T) {
	cases := []struct {
		raw  string
		want []string
	}{
		{"https://h/k", nil},
		{"https://h/k?X-Amz-SignedHeaders=host", []string{"host"}},
		{"https://h/k?X-Amz-SignedHeaders=host%3Bx-amz-checksum-mode%3BX-Amz-Expected-Bucket-Owner", []string{"host", "x-amz-checksum-mode", "x-amz-expected-bucket-owner"}},
		{"https://h/k?x-amz-signedheaders=host;range", []string{"host", "range"}},
		{"https://h/k?X-Amz-SignedHeaders=%3B%3Bhost%3B%3Bhost%3B+range+", []string{"host", "range"}},
		{"https://h/k?X-Amz-SignedHeaders=bad%20name%3Bx%0Ay%3Bok", []string{"ok"}},
		{"https://h/k?X-Amz-SignedHeaders=", nil},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			assert.Equal(t, tc.want, signedHeaders(u))
		})
	}
	assert.Nil(t, signedHeaders(nil))
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"https://ap-1.s3-accesspoint.us-east-1.amazonaws.com/k?X-Amz-Security-Token=SECRET&X-Amz-Signature=SIG": "https://ap-1.s3-accesspoint.us-east-1.amazonaws.com/k",
		"https://u:p@h/k?tok#frag": "https://h/k",
		"https://h/a%20b?":         "https://h/a%20b",
		"http://[::1":              "<invalid URL>",
	}
	for in, want := range cases {
		got := Redact(in)
		assert.Equal(t, want, got, in)
		assert.NotContains(t, got, "SECRET")
	}
}

func TestBuildHeader(t *testing.T) {
	const signed = "https://h/k?X-Amz-SignedHeaders=host%3Bx-amz-checksum-mode%3Bx-amz-expected-bucket-owner"
	cases := []struct {
		name    string
		raw     string
		user    http.Header
		extra   http.Header
		want    http.Header
		status  int
		errIs   error
		errText string
	}{
		{
			name: "replays signed headers case-insensitively, never host",
			raw:  signed,
			user: http.Header{"Host": {"olap.example"}, "x-AMZ-checksum-MODE": {"ENABLED"}, "X-Amz-Expected-Bucket-Owner": {"111122223333"}, "X-Amz-Content-Sha256": {"e3b0"}},
			want: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Expected-Bucket-Owner": {"111122223333"}},
		},
		{
			name:  "adds standard headers",
			raw:   "https://h/k?X-Amz-SignedHeaders=host",
			user:  http.Header{"Range": {"bytes=0-1"}},
			extra: http.Header{"If-Match": {`"etag"`}, "range": {"bytes=0-9"}},
			want:  http.Header{"If-Match": {`"etag"`}, "Range": {"bytes=0-9"}},
		},
		{
			name:    "missing signed header",
			raw:     signed,
			user:    http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}},
			status:  400,
			errIs:   ErrMissingSignedHeader,
			errText: "x-amz-expected-bucket-owner",
		},
		{
			name:    "unsigned x-amz header refused",
			raw:     "https://h/k?X-Amz-SignedHeaders=host",
			extra:   http.Header{"X-Amz-Server-Side-Encryption-Customer-Key": {"secret"}},
			status:  400,
			errIs:   ErrUnsignedHeader,
			errText: "x-amz-server-side-encryption-customer-key",
		},
		{
			name:  "signed header may come from Header when the user lacks it",
			raw:   signed,
			user:  http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}},
			extra: http.Header{"X-Amz-Expected-Bucket-Owner": {"111122223333"}},
			want:  http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Expected-Bucket-Owner": {"111122223333"}},
		},
		{
			name:   "signed header cannot be changed",
			raw:    signed,
			user:   http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Expected-Bucket-Owner": {"1"}},
			extra:  http.Header{"X-Amz-Expected-Bucket-Owner": {"2"}},
			status: 400,
		},
		{
			name:   "host in Header refused",
			raw:    "https://h/k",
			extra:  http.Header{"Host": {"evil"}},
			status: 500,
		},
		{
			name:   "authorization in Header refused",
			raw:    "https://h/k",
			extra:  http.Header{"Authorization": {"AWS4-HMAC-SHA256 ..."}},
			status: 500,
		},
		{
			name:   "header injection in signed value",
			raw:    "https://h/k?X-Amz-SignedHeaders=host%3Bx-amz-request-payer",
			user:   http.Header{"X-Amz-Request-Payer": {"requester\r\nX-Evil: 1"}},
			status: 400,
		},
		{
			name:   "header injection in extra value",
			raw:    "https://h/k",
			extra:  http.Header{"If-Match": {"a\nb"}},
			status: 400,
		},
		{
			name:   "signed transport header cannot be replayed",
			raw:    "https://h/k?X-Amz-SignedHeaders=host%3Bcontent-length",
			user:   http.Header{"Content-Length": {"0"}},
			status: 400,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			got, err := buildHeader(u, tc.user, tc.extra)
			if tc.status == 0 {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			e, ok := errors.AsType[*s3err.Error](err)
			require.True(t, ok)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.True(t, s3err.ValidCode(e.Code))
			if tc.errIs != nil {
				assert.ErrorIs(t, err, tc.errIs)
			}
			if tc.errText != "" {
				assert.Contains(t, e.Message, tc.errText)
			}
			assert.NotContains(t, e.Message, "secret")
			assert.NotContains(t, e.Message, "111122223333")
		})
	}
}
