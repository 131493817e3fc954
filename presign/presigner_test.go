package presign

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplayWithSDKPresigner presigns GetObject with the real aws-sdk-go-v2
// presigner, replays through Fetch, and checks at the server that the request
// carries exactly the signed headers with the presigned values, no unsigned
// x-amz-* header, and that the signature verifies when re-computed.
func TestReplayWithSDKPresigner(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSIONTOKEN")
	type seen struct {
		header http.Header
		url    *url.URL
		host   string
	}
	got := make(chan seen, 1)
	srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		got <- seen{header: r.Header.Clone(), url: r.URL, host: r.Host}
		_, _ = w.Write(payload)
	})
	cases := []struct {
		name       string
		hoisting   bool // SDK default: x-amz-expected-bucket-owner goes into the query
		input      s3.GetObjectInput
		wantSigned []string
		user       http.Header // the caller's headers as Object Lambda forwards them
	}{
		{
			// The SDK hoists x-amz-checksum-mode into the query by default, so
			// the user's header must not be replayed.
			name:       "checksum mode hoisted into the query",
			hoisting:   true,
			input:      s3.GetObjectInput{ChecksumMode: types.ChecksumModeEnabled},
			wantSigned: []string{"host"},
			user:       http.Header{"x-amz-checksum-mode": {"ENABLED"}, "Accept-Encoding": {"identity"}, "X-Amz-Content-SHA256": {"e3b0"}},
		},
		{
			name:       "expected bucket owner hoisted into the query",
			hoisting:   true,
			input:      s3.GetObjectInput{ExpectedBucketOwner: aws.String("111122223333")},
			wantSigned: []string{"host"},
			user:       http.Header{"X-Amz-Expected-Bucket-Owner": {"111122223333"}},
		},
		{
			name:       "expected bucket owner and checksum mode signed as headers",
			hoisting:   false,
			input:      s3.GetObjectInput{ExpectedBucketOwner: aws.String("111122223333"), ChecksumMode: types.ChecksumModeEnabled, RequestPayer: types.RequestPayerRequester},
			wantSigned: []string{"host", "x-amz-checksum-mode", "x-amz-expected-bucket-owner", "x-amz-request-payer"},
			user:       http.Header{"X-AMZ-EXPECTED-BUCKET-OWNER": {"111122223333"}, "x-amz-checksum-mode": {"ENABLED"}, "X-Amz-Request-Payer": {"requester"}, "Host": {"olap.example"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s3c := s3.New(s3.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(srv.URL),
				UsePathStyle: true,
				Credentials:  creds,
			})
			pc := s3.NewPresignClient(s3c, func(o *s3.PresignOptions) {
				o.Presigner = v4.NewSigner(func(so *v4.SignerOptions) { so.DisableHeaderHoisting = !tc.hoisting })
			})
			in := tc.input
			in.Bucket, in.Key = aws.String("bucket"), aws.String("dir/my key.txt")
			ps, err := pc.PresignGetObject(t.Context(), &in, s3.WithPresignExpires(time.Minute))
			require.NoError(t, err)
			u, err := url.Parse(ps.URL)
			require.NoError(t, err)
			assert.Equal(t, tc.wantSigned, signedHeaders(u))

			c := testClient(t, srv)
			resp, err := c.Fetch(t.Context(), &Request{URL: ps.URL, UserHeaders: tc.user, Header: http.Header{"If-None-Match": {`"zzz"`}}})
			require.NoError(t, err)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, payload, b)

			s := <-got
			// Every signed header arrives with the value the presigner signed.
			for name, vals := range ps.SignedHeader {
				if strings.EqualFold(name, "host") {
					continue
				}
				assert.Equal(t, vals, s.header.Values(name), name)
			}
			// No x-amz-* header was sent that is not signed.
			signed := map[string]bool{}
			for _, h := range signedHeaders(u) {
				signed[h] = true
			}
			var xamz []string
			for name := range s.header {
				if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-") {
					xamz = append(xamz, l)
					assert.True(t, signed[l], "unsigned %s sent", l)
				}
			}
			sort.Strings(xamz)
			var wantXamz []string
			for _, h := range tc.wantSigned {
				if strings.HasPrefix(h, "x-amz-") {
					wantXamz = append(wantXamz, h)
				}
			}
			assert.Equal(t, wantXamz, xamz)
			assert.Equal(t, u.Host, s.host)
			assert.Equal(t, `"zzz"`, s.header.Get("If-None-Match"))

			// Re-sign what the server received and compare signatures.
			assert.Equal(t, u.Query().Get("X-Amz-Signature"), resign(t, creds, s.url, s.host, s.header, signedHeaders(u)))
			if len(tc.wantSigned) > 1 {
				// The check has teeth: a changed signed header breaks it.
				tampered := s.header.Clone()
				tampered.Set("X-Amz-Request-Payer", "someone-else")
				assert.NotEqual(t, u.Query().Get("X-Amz-Signature"), resign(t, creds, s.url, s.host, tampered, signedHeaders(u)))
			}
		})
	}
}

// resign recomputes the SigV4 query signature of a received request with the
// SDK signer, as S3 would when verifying it.
func resign(t *testing.T, creds aws.CredentialsProvider, received *url.URL, host string, header http.Header, signed []string) string {
	t.Helper()
	q := received.Query()
	signingTime, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	require.NoError(t, err)
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"} {
		q.Del(k)
	}
	u := &url.URL{Scheme: "https", Host: host, Path: received.Path, RawPath: received.RawPath, RawQuery: q.Encode()}
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	require.NoError(t, err)
	expires := received.Query().Get("X-Amz-Expires")
	qq := req.URL.Query()
	qq.Set("X-Amz-Expires", expires)
	req.URL.RawQuery = qq.Encode()
	for _, h := range signed {
		if h != "host" {
			req.Header[http.CanonicalHeaderKey(h)] = header.Values(h)
		}
	}
	c, err := creds.Retrieve(context.Background())
	require.NoError(t, err)
	out, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true }).
		PresignHTTP(t.Context(), c, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", signingTime)
	require.NoError(t, err)
	ou, err := url.Parse(out)
	require.NoError(t, err)
	return ou.Query().Get("X-Amz-Signature")
}
