package gateway_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/internal/pending"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const securityConfig = `Region: us-east-1
AccountId: "111122223333"
Listener: {Address: "127.0.0.1:0"}
Stores:
  - Name: local
    Endpoint: "{{store}}"
    UsePathStyle: true
    Credentials: {AccessKeyId: {Env: STORE_KEY}, SecretAccessKey: {Env: STORE_SECRET}}
Functions:
  - {Name: held, InProcess: held}
  - {Name: other, InProcess: other}
Callers: {Env: CALLERS}
AccessPoints:
  - Name: reports
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: held}}
    AllowedPrincipals: ["arn:aws:iam::111122223333:role/analyst"]
  - Name: others
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: other}}
    AllowedPrincipals: ["arn:aws:iam::111122223333:role/analyst"]
`

// TestSecurity: what callers, functions and anyone else can send the
// gateway that they must not get through, all refused with S3's answer,
// and nothing secret in its logs.
func TestSecurity(t *testing.T) {
	held, other := newHolder(), newHolder()
	r := newRig(t, securityConfig, gateway.WithFunction("held", held.factory), gateway.WithFunction("other", other.factory))
	defer held.done()
	defer other.done()
	r.put(t, "a.txt", []byte("the object"))
	r.put(t, "b.txt", []byte("another object"))
	object := r.url + "/reports/a.txt"
	now := time.Now().UTC()
	storeCreds := aws.Credentials{AccessKeyID: r.st.AccessKeyID, SecretAccessKey: r.st.SecretAccessKey}

	t.Run("callers", func(t *testing.T) {
		wrongSecret := ana
		wrongSecret.SecretAccessKey = "not-the-secret-key-000000"
		tests := []struct {
			name string
			req  *http.Request
			want answer
		}{
			{"unsigned", mustRequest(t, http.MethodGet, object), answer{Status: 403, Code: "AccessDenied"}},
			{"expired presigned URL", presigned(t, http.MethodGet, object, ana, "us-east-1", now.Add(-2*time.Hour), time.Hour), answer{Status: 403, Code: "AccessDenied"}},
			{"presigned URL not valid yet", presigned(t, http.MethodGet, object, ana, "us-east-1", now.Add(time.Hour), time.Hour), answer{Status: 403, Code: "AccessDenied"}},
			{"presigned for another key", func() *http.Request {
				req := presigned(t, http.MethodGet, object, ana, "us-east-1", now, time.Hour)
				req.URL.Path = "/reports/b.txt"
				return req
			}(), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"wrong region", signed(t, http.MethodGet, object, nil, ana, "s3", "eu-west-1", now), answer{Status: 400, Code: "AuthorizationHeaderMalformed"}},
			{"wrong service", signed(t, http.MethodGet, object, nil, ana, "sqs", "us-east-1", now), answer{Status: 400, Code: "AuthorizationHeaderMalformed"}},
			{"skewed clock", signed(t, http.MethodGet, object, nil, ana, "s3", "us-east-1", now.Add(-time.Hour)), answer{Status: 403, Code: "RequestTimeTooSkewed"}},
			{"unknown key", signed(t, http.MethodGet, object, nil, aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000001", SecretAccessKey: "x"}, "s3", "us-east-1", now),
				answer{Status: 403, Code: "InvalidAccessKeyId"}},
			{"wrong secret", signed(t, http.MethodGet, object, nil, wrongSecret, "s3", "us-east-1", now), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"a caller no AllowedPrincipals admit", signed(t, http.MethodGet, object, nil, mallory, "s3", "us-east-1", now), answer{Status: 403, Code: "AccessDenied"}},
			{"the store's own key", signed(t, http.MethodGet, object, nil, storeCreds, "s3", "us-east-1", now), answer{Status: 403, Code: "InvalidAccessKeyId"}},
			{"a function's key", signed(t, http.MethodGet, object, nil, held.creds, "s3", "us-east-1", now), answer{Status: 403, Code: "InvalidAccessKeyId"}},
			{"SigV2", func() *http.Request {
				req := mustRequest(t, http.MethodGet, object)
				req.Header.Set("Authorization", "AWS "+ana.AccessKeyID+":c2lnbmF0dXJl")
				return req
			}(), answer{Status: 400, Code: "InvalidRequest"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, do(t, tt.req)) })
		}
		assert.Empty(t, held.events, "no function ran for a refused caller")
		lb, err := r.client(mallory).ListBuckets(context.Background(), &s3.ListBucketsInput{})
		require.NoError(t, err)
		assert.Empty(t, lb.Buckets, "ListBuckets shows a caller only the access points it may use")
	})

	// Two GetObjects in flight, one per function; the test answers in
	// their stead.
	getA, evA := startGet(t, r, "reports", "a.txt", held)
	getB, evB := startGet(t, r, "others", "b.txt", other)
	routeA, tokenA := evA.GetObjectContext.OutputRoute, evA.GetObjectContext.OutputToken
	tokenB := evB.GetObjectContext.OutputToken

	t.Run("WriteGetObjectResponse", func(t *testing.T) {
		badSecret := held.creds
		badSecret.SecretAccessKey += "x"
		tests := []struct {
			name string
			req  *http.Request
			want answer
		}{
			{"unsigned", wgorRequest(t, r.url, aws.Credentials{}, "us-east-1", routeA, tokenA, "forged"), answer{Status: 403, Code: "AccessDenied"}},
			{"forged token", wgorRequest(t, r.url, held.creds, "us-east-1", routeA, pending.NewToken(), "forged"), answer{Status: 400, Code: "ValidationError"}},
			{"no token", wgorRequest(t, r.url, held.creds, "us-east-1", routeA, "", "forged"), answer{Status: 400, Code: "ValidationError"}},
			{"another request's token (another function's)", wgorRequest(t, r.url, held.creds, "us-east-1", routeA, tokenB, "forged"), answer{Status: 403, Code: "AccessDenied"}},
			{"a caller's key", wgorRequest(t, r.url, ana, "us-east-1", routeA, tokenA, "forged"), answer{Status: 403, Code: "AccessDenied"}},
			{"the store's key", wgorRequest(t, r.url, storeCreds, "us-east-1", routeA, tokenA, "forged"), answer{Status: 403, Code: "AccessDenied"}},
			{"wrong secret", wgorRequest(t, r.url, badSecret, "us-east-1", routeA, tokenA, "forged"), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"wrong region", wgorRequest(t, r.url, held.creds, "eu-west-1", routeA, tokenA, "forged"), answer{Status: 400, Code: "AuthorizationHeaderMalformed"}},
			{"a route no replica minted", wgorRequest(t, r.url, held.creds, "us-east-1", "io-use1-001", pending.NewToken(), "forged"), answer{Status: 400, Code: "ValidationError"}},
			{"the function itself", wgorRequest(t, r.url, held.creds, "us-east-1", routeA, tokenA, "the answer"), answer{Status: 200}},
			{"replayed", wgorRequest(t, r.url, held.creds, "us-east-1", routeA, tokenA, "replayed"), answer{Status: 400, Code: "ValidationError"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, do(t, tt.req)) })
		}
		assert.Equal(t, "the answer", <-getA, "the caller got the function's answer, and only it")
	})

	t.Run("inputS3Url", func(t *testing.T) {
		in := evB.GetObjectContext.InputS3URL
		u, err := url.Parse(in)
		require.NoError(t, err)
		assert.Equal(t, "90", u.Query().Get("X-Amz-Expires"), "valid for the time limit and 30 s")
		assert.Equal(t, "host", u.Query().Get("X-Amz-SignedHeaders"))
		assert.True(t, strings.HasPrefix(u.Query().Get("X-Amz-Credential"), r.st.AccessKeyID+"/"), "presigned with the store's credentials")
		tests := []struct {
			name string
			req  *http.Request
			want answer
		}{
			{"as presigned", mustRequest(t, http.MethodGet, in), answer{Status: 200, Body: "another object"}},
			{"another key", func() *http.Request {
				req := mustRequest(t, http.MethodGet, in)
				req.URL.Path = "/docs/a.txt"
				return req
			}(), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"another method", mustRequest(t, http.MethodDelete, in), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"another listing", func() *http.Request {
				req := mustRequest(t, http.MethodGet, in)
				req.URL.Path = "/docs"
				return req
			}(), answer{Status: 403, Code: "SignatureDoesNotMatch"}},
			{"an unsigned x-amz header", func() *http.Request {
				req := mustRequest(t, http.MethodGet, in)
				req.Header.Set("X-Amz-Server-Side-Encryption-Customer-Algorithm", "AES256")
				return req
			}(), answer{Status: 403, Code: "AccessDenied"}},
			{"expired", presigned(t, http.MethodGet, r.url+"/docs/b.txt", storeCreds, "us-east-1", now.Add(-2*time.Minute), 90*time.Second),
				answer{Status: 403, Code: "AccessDenied"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, do(t, tt.req)) })
		}
		head := mustRequest(t, http.MethodHead, in)
		resp, err := http.DefaultClient.Do(head)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a GET's URL does not HEAD")
	})

	// The function answers B; then a function that answers with the route
	// of no replica spends its token and the caller learns of it.
	require.Equal(t, answer{Status: 200}, do(t, wgorRequest(t, r.url, other.creds, "us-east-1", evB.GetObjectContext.OutputRoute, tokenB, "b")))
	assert.Equal(t, "b", <-getB)
	getC, evC := startGet(t, r, "reports", "a.txt", held)
	assert.Equal(t, answer{Status: 400, Code: "ValidationError"},
		do(t, wgorRequest(t, r.url, held.creds, "us-east-1", "io-use1-001", evC.GetObjectContext.OutputToken, "x")))
	assert.Contains(t, <-getC, "LambdaInvalidResponse")

	t.Run("logs", func(t *testing.T) {
		logs := r.logs.String()
		for _, refusal := range []string{"caller denied", "caller not allowed", "WriteGetObjectResponse refused", "inputS3Url refused"} {
			require.Contains(t, logs, refusal, "the refusals were logged")
		}
		secrets := map[string]string{
			"ana's secret": ana.SecretAccessKey, "mallory's secret": mallory.SecretAccessKey, "the store's secret": r.st.SecretAccessKey,
			"held's secret": held.creds.SecretAccessKey, "other's secret": other.creds.SecretAccessKey,
			"token A": tokenA, "token B": tokenB, "token C": evC.GetObjectContext.OutputToken,
		}
		for _, ev := range []events.S3ObjectLambdaEvent{evA, evB, evC} {
			u, err := url.Parse(ev.GetObjectContext.InputS3URL)
			require.NoError(t, err)
			secrets["presigned signature "+ev.XAmzRequestID] = u.Query().Get("X-Amz-Signature")
		}
		for name, s := range secrets {
			require.NotEmpty(t, s, name)
			assert.NotContains(t, logs, s, "%s in the logs", name)
		}
		for _, marker := range []string{"X-Amz-Signature=", "X-Amz-Credential=", "Authorization: AWS4"} {
			assert.NotContains(t, logs, marker)
		}
	})
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return req
}

// startGet sends a GetObject of ana in the background and returns the
// event the function got; the body read, or the error's text, arrives on
// the channel.
func startGet(t *testing.T, r *rig, accessPoint, key string, h *holder) (<-chan string, events.S3ObjectLambdaEvent) {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		out, err := r.client(ana).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(accessPoint), Key: aws.String(key)})
		if err != nil {
			got <- err.Error()
			return
		}
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}()
	select {
	case ev := <-h.events:
		return got, ev
	case <-time.After(30 * time.Second):
		t.Fatal("the function got no event")
	}
	return nil, events.S3ObjectLambdaEvent{}
}
