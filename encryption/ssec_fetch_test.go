package encryption_test

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
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingSSEC is an SSECGetObjectAPI that records its calls.
type recordingSSEC struct {
	calls []encryption.SSECGetInput
	err   error
}

func (r *recordingSSEC) GetObjectSSEC(_ context.Context, in *encryption.SSECGetInput) (*encryption.SSECObject, error) {
	r.calls = append(r.calls, *in)
	if r.err != nil {
		return nil, r.err
	}
	return &encryption.SSECObject{Body: io.NopCloser(strings.NewReader("secret body")), ContentLength: 11}, nil
}

func testSSECKey(t testing.TB) encryption.SSECKey {
	t.Helper()
	k, err := encryption.NewSSECKey(bytes.Repeat([]byte{0x33}, 32))
	require.NoError(t, err)
	return k
}

func TestFetchSSEC(t *testing.T) {
	key := testSSECKey(t)
	pinned := http.Header{"Etag": {`"abc"`}, "X-Amz-Version-Id": {"v7"}}
	tests := []struct {
		name        string
		probe       encryption.SSECProbe
		in          encryption.SSECGetInput
		opts        []encryption.SSECFetchOption
		apiErr      error
		wantFetch   bool
		wantErr     error
		wantStatus  int
		wantVersion string
		wantIfMatch string
	}{
		{name: "HEAD 200 authorizes, pins version and ETag", probe: encryption.SSECProbe{StatusCode: 200, Header: pinned}, wantFetch: true, wantVersion: "v7", wantIfMatch: `"abc"`},
		{name: "206 authorizes", probe: encryption.SSECProbe{StatusCode: 206}, wantFetch: true},
		{name: "304 authorizes", probe: encryption.SSECProbe{StatusCode: 304}, wantFetch: true},
		{name: "explicit pins are kept", probe: encryption.SSECProbe{StatusCode: 200, Header: pinned},
			in: encryption.SSECGetInput{VersionID: "v1", IfMatch: `"x"`}, wantFetch: true, wantVersion: "v1", wantIfMatch: `"x"`},
		{name: "403 refuses", probe: encryption.SSECProbe{StatusCode: 403, Code: "AccessDenied"}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 403},
		{name: "404 refuses", probe: encryption.SSECProbe{StatusCode: 404, Code: "NoSuchKey"}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 404},
		{name: "500 refuses", probe: encryption.SSECProbe{StatusCode: 500}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 500},
		{name: "no probe refuses", probe: encryption.SSECProbe{}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 0},
		{name: "400 refuses by default", probe: encryption.SSECProbe{StatusCode: 400, Code: "InvalidRequest"}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 400},
		{name: "400 accepted with opt-in", probe: encryption.SSECProbe{StatusCode: 400, Code: "InvalidRequest"},
			opts: []encryption.SSECFetchOption{encryption.WithSSECProbeStatus400()}, wantFetch: true},
		{name: "403 refused even with opt-in", probe: encryption.SSECProbe{StatusCode: 403},
			opts: []encryption.SSECFetchOption{encryption.WithSSECProbeStatus400()}, wantErr: encryption.ErrCallerNotAuthorized, wantStatus: 403},
		{name: "no key", probe: encryption.SSECProbe{StatusCode: 200}, in: encryption.SSECGetInput{Customer: encryption.SSECKey{}}, wantErr: encryption.ErrInvalidKey},
		{name: "API error wrapped", probe: encryption.SSECProbe{StatusCode: 200}, apiErr: errors.New("boom"), wantFetch: true, wantErr: errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &recordingSSEC{err: tt.apiErr}
			in := tt.in
			in.Bucket, in.Key = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "doc.txt"
			if tt.name != "no key" {
				in.Customer = key
			}
			out, err := encryption.FetchSSEC(context.Background(), api, tt.probe, in, tt.opts...)
			assert.Equal(t, tt.wantFetch, len(api.calls) == 1, "fetched")
			if tt.wantErr != nil {
				require.Error(t, err)
				if tt.apiErr != nil {
					assert.ErrorIs(t, err, tt.apiErr)
				} else {
					assert.ErrorIs(t, err, tt.wantErr)
				}
				var pe *encryption.ProbeError
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
	_, err := encryption.FetchSSEC(context.Background(), nil, encryption.SSECProbe{StatusCode: 200}, encryption.SSECGetInput{Bucket: "b", Key: "k", Customer: key})
	assert.ErrorContains(t, err, "nil SSECGetObjectAPI")
	_, err = encryption.FetchSSEC(context.Background(), &recordingSSEC{}, encryption.SSECProbe{StatusCode: 200}, encryption.SSECGetInput{Key: "k", Customer: key})
	assert.ErrorContains(t, err, "bucket and key")
}

func TestSSECGetInputPrintsNoKey(t *testing.T) {
	key := testSSECKey(t)
	_, b64, md5b64 := key.Headers()
	in := encryption.SSECGetInput{Bucket: "b", Key: "k", Customer: key}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(verb, in)
		assert.NotContains(t, s, b64, verb)
		assert.NotContains(t, s, md5b64, verb)
		assert.NotContains(t, s, string(bytes.Repeat([]byte{0x33}, 32)), verb)
	}
}

// s3SSEC adapts *s3.Client to SSECGetObjectAPI.
type s3SSEC struct{ c *s3.Client }

func (a s3SSEC) GetObjectSSEC(ctx context.Context, in *encryption.SSECGetInput) (*encryption.SSECObject, error) {
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
	return &encryption.SSECObject{Body: out.Body, ContentLength: n}, nil
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

	out, err := encryption.FetchSSEC(context.Background(), s3SSEC{testS3Client(srv.URL)},
		encryption.SSECProbe{StatusCode: 200, Header: http.Header{"Etag": {`"e1"`}}},
		encryption.SSECGetInput{Bucket: "bucket", Key: "doc.txt", Customer: testSSECKey(t)})
	require.NoError(t, err)
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "plaintext from S3", string(body))
	assert.Equal(t, "AES256", got.Get(encryption.HeaderSSECAlgorithm))
	assert.Equal(t, base64.StdEncoding.EncodeToString(raw), got.Get(encryption.HeaderSSECKey))
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), got.Get(encryption.HeaderSSECKeyMD5))
	assert.Equal(t, `"e1"`, got.Get("If-Match"))
}

// Serve an SSE-C object after the caller's presigned probe was authorized.
func ExampleFetchSSEC() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "sse-c plaintext")
	}))
	defer srv.Close()
	key, _ := encryption.NewSSECKey(bytes.Repeat([]byte{1}, 32)) // from the function's key store
	api := s3SSEC{testS3Client(srv.URL)}                         // the function's own credentials

	// 1. The caller's presigned HEAD (inputS3Url, caller's identity) answered:
	denied := encryption.SSECProbe{StatusCode: http.StatusForbidden, Code: "AccessDenied"}
	_, err := encryption.FetchSSEC(context.Background(), api, denied, encryption.SSECGetInput{Bucket: "b", Key: "k", Customer: key})
	fmt.Println(errors.Is(err, encryption.ErrCallerNotAuthorized))

	allowed := encryption.SSECProbe{StatusCode: http.StatusOK}
	out, err := encryption.FetchSSEC(context.Background(), api, allowed, encryption.SSECGetInput{Bucket: "b", Key: "k", Customer: key})
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
