package ssec_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/encryption/ssec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingSSEC is an GetObjectAPI that records its calls.
type recordingSSEC struct {
	calls []ssec.GetObjectInput
	err   error
}

func (r *recordingSSEC) GetObjectSSEC(_ context.Context, in *ssec.GetObjectInput) (*ssec.Object, error) {
	r.calls = append(r.calls, *in)
	if r.err != nil {
		return nil, r.err
	}
	return &ssec.Object{Body: io.NopCloser(strings.NewReader("secret body")), ContentLength: 11}, nil
}

func testSSECKey(t testing.TB) ssec.Key {
	t.Helper()
	k, err := ssec.NewKey(bytes.Repeat([]byte{0x33}, 32))
	require.NoError(t, err)
	return k
}

func TestFetchSSEC(t *testing.T) {
	key := testSSECKey(t)
	pinned := http.Header{"Etag": {`"abc"`}, "X-Amz-Version-Id": {"v7"}}
	tests := []struct {
		name        string
		probe       ssec.Probe
		in          ssec.GetObjectInput
		opts        []ssec.FetchOption
		apiErr      error
		wantFetch   bool
		wantErr     error
		wantStatus  int
		wantVersion string
		wantIfMatch string
	}{
		{name: "HEAD 200 authorizes, pins version and ETag", probe: ssec.Probe{StatusCode: 200, Header: pinned}, wantFetch: true, wantVersion: "v7", wantIfMatch: `"abc"`},
		{name: "206 authorizes", probe: ssec.Probe{StatusCode: 206}, wantFetch: true},
		{name: "304 authorizes", probe: ssec.Probe{StatusCode: 304}, wantFetch: true},
		{name: "explicit pins are kept", probe: ssec.Probe{StatusCode: 200, Header: pinned},
			in: ssec.GetObjectInput{VersionID: "v1", IfMatch: `"x"`}, wantFetch: true, wantVersion: "v1", wantIfMatch: `"x"`},
		{name: "403 refuses", probe: ssec.Probe{StatusCode: 403, Code: "AccessDenied"}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 403},
		{name: "404 refuses", probe: ssec.Probe{StatusCode: 404, Code: "NoSuchKey"}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 404},
		{name: "500 refuses", probe: ssec.Probe{StatusCode: 500}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 500},
		{name: "no probe refuses", probe: ssec.Probe{}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 0},
		{name: "400 refuses by default", probe: ssec.Probe{StatusCode: 400, Code: "InvalidRequest"}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 400},
		{name: "400 accepted with opt-in", probe: ssec.Probe{StatusCode: 400, Code: "InvalidRequest"},
			opts: []ssec.FetchOption{ssec.WithProbeStatus400()}, wantFetch: true},
		{name: "403 refused even with opt-in", probe: ssec.Probe{StatusCode: 403},
			opts: []ssec.FetchOption{ssec.WithProbeStatus400()}, wantErr: ssec.ErrCallerNotAuthorized, wantStatus: 403},
		{name: "no key", probe: ssec.Probe{StatusCode: 200}, in: ssec.GetObjectInput{Customer: ssec.Key{}}, wantErr: ssec.ErrInvalidKey},
		{name: "API error wrapped", probe: ssec.Probe{StatusCode: 200}, apiErr: errors.New("boom"), wantFetch: true, wantErr: errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &recordingSSEC{err: tt.apiErr}
			in := tt.in
			in.Bucket, in.Key = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "doc.txt"
			if tt.name != "no key" {
				in.Customer = key
			}
			out, err := ssec.Fetch(context.Background(), api, tt.probe, in, tt.opts...)
			assert.Equal(t, tt.wantFetch, len(api.calls) == 1, "fetched")
			if tt.wantErr != nil {
				require.Error(t, err)
				if tt.apiErr != nil {
					assert.ErrorIs(t, err, tt.apiErr)
				} else {
					assert.ErrorIs(t, err, tt.wantErr)
				}
				var pe *ssec.ProbeError
				if errors.As(err, &pe) {
					assert.Equal(t, tt.wantStatus, pe.StatusCode)
				}
				return
			}
			require.NoError(t, err)
			body, _ := io.ReadAll(out.Body)
			assert.Equal(t, "secret body", string(body))
			assert.Equal(t, tt.wantVersion, api.calls[0].VersionID)
			assert.Equal(t, tt.wantIfMatch, api.calls[0].IfMatch)
		})
	}
}

func TestFetchSSECArguments(t *testing.T) {
	key := testSSECKey(t)
	_, err := ssec.Fetch(context.Background(), nil, ssec.Probe{StatusCode: 200}, ssec.GetObjectInput{Bucket: "b", Key: "k", Customer: key})
	assert.ErrorContains(t, err, "nil GetObjectAPI")
	_, err = ssec.Fetch(context.Background(), &recordingSSEC{}, ssec.Probe{StatusCode: 200}, ssec.GetObjectInput{Key: "k", Customer: key})
	assert.ErrorContains(t, err, "bucket and key")
}

func TestSSECGetInputPrintsNoKey(t *testing.T) {
	key := testSSECKey(t)
	_, b64, md5b64 := key.Headers()
	in := ssec.GetObjectInput{Bucket: "b", Key: "k", Customer: key}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(verb, in)
		assert.NotContains(t, s, b64, verb)
		assert.NotContains(t, s, md5b64, verb)
		assert.NotContains(t, s, string(bytes.Repeat([]byte{0x33}, 32)), verb)
	}
}

// s3SSEC adapts *s3.Client to GetObjectAPI.
type s3SSEC struct{ c *s3.Client }

func (a s3SSEC) GetObjectSSEC(ctx context.Context, in *ssec.GetObjectInput) (*ssec.Object, error) {
	alg, key, keyMD5 := in.Customer.Headers()
	gi := &s3.GetObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key),
		SSECustomerAlgorithm: aws.String(alg), SSECustomerKey: aws.String(key), SSECustomerKeyMD5: aws.String(keyMD5),
	}
	if in.VersionID != "" {
		gi.VersionId = aws.String(in.VersionID)
	}
	if in.IfMatch != "" {
		gi.IfMatch = aws.String(in.IfMatch)
	}
	if in.Range != "" {
		gi.Range = aws.String(in.Range)
	}
	out, err := a.c.GetObject(ctx, gi)
	if err != nil {
		return nil, err
	}
	n := int64(-1)
	if out.ContentLength != nil {
		n = *out.ContentLength
	}
	return &ssec.Object{Body: out.Body, ContentLength: n}, nil
}

func testS3Client(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider("AKIDFUNCTIONROLE", "function-secret", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// The adapter sends the three SSE-C headers S3 expects, and the pins.
func TestFetchSSECWithSDKClient(t *testing.T) {
	raw := bytes.Repeat([]byte{0x33}, 32)
	sum := md5.Sum(raw)
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		io.WriteString(w, "plaintext from S3")
	}))
	defer srv.Close()

	out, err := ssec.Fetch(context.Background(), s3SSEC{testS3Client(srv.URL)},
		ssec.Probe{StatusCode: 200, Header: http.Header{"Etag": {`"e1"`}}},
		ssec.GetObjectInput{Bucket: "bucket", Key: "doc.txt", Customer: testSSECKey(t)})
	require.NoError(t, err)
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "plaintext from S3", string(body))
	assert.Equal(t, "AES256", got.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(raw), got.Get("X-Amz-Server-Side-Encryption-Customer-Key"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), got.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5"))
	assert.Equal(t, `"e1"`, got.Get("If-Match"))
}

// Serve an SSE-C object after the caller's presigned probe was authorized.
// s3SSEC above is the few lines that adapt an aws-sdk-go-v2 *s3.Client to
// GetObjectAPI.
func ExampleFetch() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "sse-c plaintext")
	}))
	defer srv.Close()
	key, _ := ssec.NewKey(bytes.Repeat([]byte{1}, 32)) // from the function's key store
	api := s3SSEC{testS3Client(srv.URL)}               // the function's own credentials

	// 1. The caller's presigned HEAD (inputS3Url, caller's identity) answered:
	denied := ssec.Probe{StatusCode: http.StatusForbidden, Code: "AccessDenied"}
	_, err := ssec.Fetch(context.Background(), api, denied, ssec.GetObjectInput{Bucket: "b", Key: "k", Customer: key})
	fmt.Println(errors.Is(err, ssec.ErrCallerNotAuthorized))

	allowed := ssec.Probe{StatusCode: http.StatusOK}
	out, err := ssec.Fetch(context.Background(), api, allowed, ssec.GetObjectInput{Bucket: "b", Key: "k", Customer: key})
	if err != nil {
		panic(err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	fmt.Println(string(b))
	// Output:
	// true
	// sse-c plaintext
}

func ExampleKey() {
	k, err := ssec.ParseKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		panic(err)
	}
	alg, _, md5 := k.Headers()
	fmt.Println(alg, md5)
	fmt.Printf("%v\n", k)
	// Output:
	// AES256 hRasmdxgYDKV3nvbahU1MA==
	// ssec.Key(redacted)
}
