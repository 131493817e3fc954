package objectlambdatest

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// s3Answer is what a raw HTTP client sees: status and the error document.
type s3Answer struct {
	Status  int
	Code    string
	Message string
	Region  string
	Body    string
}

func send(t *testing.T, req *http.Request) s3Answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := s3Answer{Status: resp.StatusCode, Body: string(b)}
	if resp.StatusCode >= 300 && len(b) > 0 {
		var doc struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
			Region  string `xml:"Region"`
		}
		require.NoError(t, xml.Unmarshal(b, &doc), "%s", b)
		a.Code, a.Message, a.Region, a.Body = doc.Code, doc.Message, doc.Region, ""
	}
	return a
}

// presignAt presigns a GET of key for the default caller, signed at signedAt
// for region, valid for expires.
func presignAt(t *testing.T, ap *AccessPoint, key, region string, signedAt time.Time, expires time.Duration) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ap.URL()+"/"+aws.ToString(ap.Bucket())+"/"+key, nil)
	require.NoError(t, err)
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.FormatInt(int64(expires/time.Second), 10))
	req.URL.RawQuery = q.Encode()
	c := ap.DefaultCaller()
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey},
		req, "UNSIGNED-PAYLOAD", "s3", region, signedAt)
	require.NoError(t, err)
	out, err := http.NewRequest(http.MethodGet, signed, nil)
	require.NoError(t, err)
	return out
}

func TestPresignedCallers(t *testing.T) {
	ap := upperAP(t)
	ap.PutObject(t, "a.txt", "abc")
	ctx := context.Background()

	// A URL presigned by the SDK's own presigner, used by a plain HTTP client.
	p, err := s3.NewPresignClient(ap.Client()).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")},
		s3.WithPresignExpires(5*time.Minute))
	require.NoError(t, err)
	req, err := http.NewRequest(p.Method, p.URL, nil)
	require.NoError(t, err)
	assert.Equal(t, s3Answer{Status: 200, Body: "ABC"}, send(t, req), "presigned GETs reach the function")
	ev := ap.Events()[0]
	assert.NotContains(t, ev.UserRequest.URL, "X-Amz-Signature", "the event's userRequest.url carries no credentials")
	assert.Equal(t, ap.DefaultCaller().ARN, ev.UserIdentity.ARN)

	now := time.Now().UTC()
	tests := []struct {
		name string
		req  *http.Request
		want s3Answer
	}{
		{"valid", presignAt(t, ap, "a.txt", ap.Region(), now.Add(-time.Minute), time.Hour), s3Answer{Status: 200, Body: "ABC"}},
		{"expired", presignAt(t, ap, "a.txt", ap.Region(), now.Add(-2*time.Hour), time.Hour),
			s3Answer{Status: 403, Code: "AccessDenied", Message: "Request has expired"}},
		{"not valid yet", presignAt(t, ap, "a.txt", ap.Region(), now.Add(time.Hour), time.Hour),
			s3Answer{Status: 403, Code: "AccessDenied", Message: "Request is not valid yet"}},
		{"wrong region", presignAt(t, ap, "a.txt", "eu-west-1", now, time.Hour), s3Answer{Status: 400, Code: "AuthorizationQueryParametersError",
			Message: "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'", Region: "us-east-1"}},
		{"expiry over a week", presignAt(t, ap, "a.txt", ap.Region(), now, 8*24*time.Hour), s3Answer{Status: 400, Code: "AuthorizationQueryParametersError",
			Message: "X-Amz-Expires must be less than a week (in seconds) that is 604800"}},
		{"tampered key", func() *http.Request {
			r := presignAt(t, ap, "a.txt", ap.Region(), now, time.Hour)
			r.URL.Path = "/" + aws.ToString(ap.Bucket()) + "/b.txt"
			return r
		}(), s3Answer{Status: 403, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, send(t, tc.req))
		})
	}
}

func TestAuthenticationErrors(t *testing.T) {
	ap := upperAP(t, WithMemoryStore())
	ap.PutObject(t, "a.txt", "abc")
	c := ap.DefaultCaller()
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}
	signed := func(region string, at time.Time, mutate func(*http.Request)) *http.Request {
		req, err := http.NewRequest(http.MethodGet, ap.URL()+"/"+aws.ToString(ap.Bucket())+"/a.txt", nil)
		require.NoError(t, err)
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA256, "s3", region, at))
		if mutate != nil {
			mutate(req)
		}
		return req
	}
	now := time.Now().UTC()
	tests := []struct {
		name string
		req  *http.Request
		want s3Answer
	}{
		{"valid", signed("us-east-1", now, nil), s3Answer{Status: 200, Body: "ABC"}},
		{"signed for s3-object-lambda, as SDKs do with an access point ARN", func() *http.Request {
			req, err := http.NewRequest(http.MethodGet, ap.URL()+"/"+aws.ToString(ap.Bucket())+"/a.txt", nil)
			require.NoError(t, err)
			req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
			require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA256, "s3-object-lambda", "us-east-1", now))
			return req
		}(), s3Answer{Status: 200, Body: "ABC"}},
		{"wrong region", signed("ap-south-1", now, nil), s3Answer{Status: 400, Code: "AuthorizationHeaderMalformed",
			Message: "The authorization header is malformed; the region 'ap-south-1' is wrong; expecting 'us-east-1'", Region: "us-east-1"}},
		{"skewed clock", signed("us-east-1", now.Add(-time.Hour), nil), s3Answer{Status: 403, Code: "RequestTimeTooSkewed",
			Message: "The difference between the request time and the current time is too large."}},
		{"no payload hash", signed("us-east-1", now, func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }),
			s3Answer{Status: 400, Code: "InvalidRequest", Message: "Missing required header for this request: x-amz-content-sha256"}},
		{"header and query authentication", signed("us-east-1", now, func(r *http.Request) { r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" }),
			s3Answer{Status: 400, Code: "InvalidArgument",
				Message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"}},
		{"signature version 2", signed("us-east-1", now, func(r *http.Request) { r.Header.Set("Authorization", "AWS "+c.AccessKeyID+":c2lnbmF0dXJl") }),
			s3Answer{Status: 400, Code: "InvalidRequest", Message: "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."}},
		{"malformed", signed("us-east-1", now, func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x") }),
			s3Answer{Status: 400, Code: "AuthorizationHeaderMalformed",
				Message: "The authorization header is malformed; needs Credential, SignedHeaders and Signature"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, send(t, tc.req))
		})
	}
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
