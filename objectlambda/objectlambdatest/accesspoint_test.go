package objectlambdatest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"time"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// stores runs a test against each store kind.
var stores = []struct {
	name string
	opt  Option
}{
	{"versitygw", func(*config) {}},
	{"memory", WithMemoryStore()},
}

func upperAP(t *testing.T, opts ...Option) *AccessPoint {
	t.Helper()
	return New(t, append([]Option{WithFunctionFactory(func(cfg aws.Config) Function { return newRawFunction(cfg, nil) })}, opts...)...)
}

// apiError asserts err is an S3 API error with the given status and code.
func apiError(t *testing.T, err error, status int, code string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	assert.Equal(t, code, ae.ErrorCode(), "error: %v", err)
	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re))
	assert.Equal(t, status, re.HTTPStatusCode())
}

func TestGetObject(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ap := upperAP(t, st.opt, WithPayload(`{"mode":"upper"}`))
			ap.PutObject(t, "dir/hello world.txt", "hello, world", func(in *s3.PutObjectInput) {
				in.ContentType = aws.String("text/plain")
				in.Metadata = map[string]string{"color": "blue"}
			})
			ctx := context.Background()
			out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("dir/hello world.txt"), VersionId: nil})
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, "HELLO, WORLD", string(b))
			assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
			assert.Equal(t, "upper", out.Metadata["transformed"])
			assert.Equal(t, "blue", out.Metadata["color"])

			evs := ap.Events()
			require.Len(t, evs, 1)
			ev := evs[0]
			require.NotNil(t, ev.GetObjectContext)
			assert.Equal(t, protocolVersion, ev.ProtocolVersion)
			assert.Regexp(t, regexp.MustCompile(`^[a-zA-Z0-9-]{1,63}$`), ev.GetObjectContext.OutputRoute)
			assert.NotEmpty(t, ev.GetObjectContext.OutputToken)
			assert.Equal(t, "https://test-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/dir/hello world.txt?x-id=GetObject", ev.UserRequest.URL)
			assert.Equal(t, "test-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com", ev.UserRequest.Headers["Host"])
			assert.NotContains(t, ev.UserRequest.Headers, "Authorization")
			assert.Equal(t, "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/test-olap", ev.Configuration.AccessPointARN)
			assert.Equal(t, `{"mode":"upper"}`, ev.Configuration.Payload)
			caller := ap.DefaultCaller()
			assert.Equal(t, caller.AccessKeyID, ev.UserIdentity.AccessKeyID)
			assert.Equal(t, "IAMUser", ev.UserIdentity.Type)
			assert.Equal(t, "arn:aws:iam::111122223333:user/tester", ev.UserIdentity.ARN)
			assert.Contains(t, string(ev.JSON), `"userName":"tester"`)
			in, err := url.Parse(ev.GetObjectContext.InputS3URL)
			require.NoError(t, err)
			assert.Equal(t, strings.TrimPrefix(ap.URL(), "http://"), in.Host)
			assert.Equal(t, "/test-bucket/dir/hello%20world.txt", in.EscapedPath())

			calls := ap.WGORCalls()
			require.Len(t, calls, 1)
			assert.Equal(t, http.StatusOK, calls[0].StatusCode)
			assert.Equal(t, http.StatusOK, calls[0].Response)
			assert.Equal(t, int64(12), calls[0].BodySize)
			assert.Equal(t, "text/plain", calls[0].Header.Get("Content-Type"))
			assert.NoError(t, calls[0].Err)
		})
	}
}

func TestSignedHeadersInInputURL(t *testing.T) {
	ap := upperAP(t)
	ap.PutObject(t, "a.txt", "abc")
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: ap.Bucket(), Key: aws.String("a.txt"), ChecksumMode: types.ChecksumModeEnabled,
		RequestPayer: types.RequestPayerRequester,
	})
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	ev := ap.Events()[0]
	in, err := url.Parse(ev.GetObjectContext.InputS3URL)
	require.NoError(t, err)
	assert.Equal(t, "host;x-amz-checksum-mode;x-amz-request-payer", in.Query().Get("X-Amz-SignedHeaders"))
	assert.Equal(t, "ENABLED", ev.UserRequest.Headers["X-Amz-Checksum-Mode"])

	// versitygw checks the presigned signature: without the signed headers,
	// or with a tampered signature, the store refuses.
	for name, mutate := range map[string]func(*http.Request){
		"signed header missing": func(r *http.Request) { r.Header.Del("X-Amz-Checksum-Mode") },
		"signature tampered": func(r *http.Request) {
			q := r.URL.Query()
			q.Set("X-Amz-Signature", strings.Repeat("0", 64))
			r.URL.RawQuery = q.Encode()
		},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ev.GetObjectContext.InputS3URL, nil)
			require.NoError(t, err)
			req.Header.Set("X-Amz-Checksum-Mode", "ENABLED")
			req.Header.Set("X-Amz-Request-Payer", "requester")
			mutate(req)
			resp, err := ap.hc.Do(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		})
	}
}

func TestClientAuthentication(t *testing.T) {
	ap := upperAP(t, WithMemoryStore())
	ap.PutObject(t, "a.txt", "abc")
	wrong := ap.DefaultCaller()
	wrong.SecretAccessKey = "not-the-secret"
	tests := []struct {
		name   string
		client *s3.Client
		status int
		code   string
	}{
		{"anonymous", ap.Client(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} }), http.StatusForbidden, "AccessDenied"},
		{"wrong secret", ap.Client(func(o *s3.Options) {
			o.Credentials = aws.NewCredentialsCache(staticCreds(wrong.AccessKeyID, wrong.SecretAccessKey))
		}), http.StatusForbidden, "SignatureDoesNotMatch"},
		{"unknown key", ap.Client(func(o *s3.Options) { o.Credentials = staticCreds("AKIAUNKNOWN", "x") }), http.StatusForbidden, "InvalidAccessKeyId"},
		// As S3: 400 naming the expected region (in <Region>), which SDKs use to correct themselves.
		{"wrong region", ap.Client(func(o *s3.Options) { o.Region = "eu-west-1" }), http.StatusBadRequest, "AuthorizationHeaderMalformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
			apiError(t, err, tc.status, tc.code)
		})
	}
	assert.Empty(t, ap.Events(), "the function must not be invoked for denied callers")

	// Another identity, with a session, reaches the function as itself.
	role := Caller{
		Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/Analyst/s1",
		SessionIssuer:     &SessionIssuer{Type: "Role", ARN: "arn:aws:iam::111122223333:role/Analyst", AccountID: "111122223333", UserName: "Analyst"},
		SessionAttributes: map[string]string{"mfaAuthenticated": "false"},
	}
	out, err := ap.ClientAs(role).GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	id := ap.Events()[0].UserIdentity
	assert.Equal(t, "AssumedRole", id.Type)
	assert.Equal(t, role.ARN, id.ARN)
	require.NotNil(t, id.SessionContext)
	assert.Equal(t, "Analyst", id.SessionContext.SessionIssuer.UserName)
	assert.Equal(t, "false", id.SessionContext.Attributes["mfaAuthenticated"])
}

func staticCreds(ak, sk string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: ak, SecretAccessKey: sk}, nil
	})
}

// wgorFunction answers every GET with the WGOR inputs that replies returns; the
// errors its calls got arrive on the channel when the function returns.
func wgorFunction(replies func(ev *events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput) (Option, <-chan []error) {
	done := make(chan []error, 16)
	return WithFunctionFactory(func(cfg aws.Config) Function {
		return newRawFunction(cfg, func(ctx context.Context, f *rawFunction, ev *events.S3ObjectLambdaEvent) ([]byte, error) {
			var errs []error
			defer func() {
				select {
				case done <- errs:
				default: // nobody is listening (benchmarks)
				}
			}()
			for _, in := range replies(ev) {
				if in.RequestRoute == nil {
					in.RequestRoute = aws.String(ev.GetObjectContext.OutputRoute)
				}
				if in.RequestToken == nil {
					in.RequestToken = aws.String(ev.GetObjectContext.OutputToken)
				}
				_, err := f.c.WriteGetObjectResponse(ctx, in)
				errs = append(errs, err)
			}
			return nil, nil
		})
	}), done
}

func receive(t *testing.T, c <-chan []error) []error {
	t.Helper()
	select {
	case errs := <-c:
		return errs
	case <-time.After(10 * time.Second):
		t.Fatal("the function did not return")
		return nil
	}
}

func TestWGORTokens(t *testing.T) {
	tests := []struct {
		name    string
		replies func(ev *events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput
		// what the function's calls get, in order
		want []string
	}{
		{"reused token", func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
			return []*s3.WriteGetObjectResponseInput{{Body: strings.NewReader("one")}, {Body: strings.NewReader("two")}}
		}, []string{"", "ValidationError"}},
		{"unknown token then the right one", func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
			return []*s3.WriteGetObjectResponseInput{{RequestToken: aws.String("forged"), Body: strings.NewReader("x")}, {Body: strings.NewReader("one")}}
		}, []string{"ValidationError", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn, done := wgorFunction(tc.replies)
			ap := New(t, WithMemoryStore(), fn)
			out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			assert.Equal(t, "one", string(b))
			require.NoError(t, out.Body.Close())
			errs := receive(t, done)
			assert.Len(t, ap.WGORCalls(), 2)
			require.Len(t, errs, len(tc.want))
			for i, code := range tc.want {
				if code == "" {
					assert.NoError(t, errs[i])
				} else {
					apiError(t, errs[i], http.StatusBadRequest, code)
				}
			}
		})
	}
}

func TestWGORValidation(t *testing.T) {
	tests := []struct {
		name string
		in   s3.WriteGetObjectResponseInput
	}{
		{"lower-case error code", s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(404), ErrorCode: aws.String("noSuchKey")}},
		{"error code with a digit", s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(404), ErrorCode: aws.String("No1Key")}},
		{"error code with success status", s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(200), ErrorCode: aws.String("NoSuchKey")}},
		{"error code with a body", s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(404), ErrorCode: aws.String("NoSuchKey"), Body: strings.NewReader("x")}},
		{"status S3 does not accept", s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(302)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn, done := wgorFunction(func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
				in := tc.in
				return []*s3.WriteGetObjectResponseInput{&in}
			})
			ap := New(t, WithMemoryStore(), fn)
			_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			apiError(t, err, http.StatusBadRequest, "LambdaInvalidResponse")
			errs := receive(t, done)
			require.Len(t, errs, 1)
			apiError(t, errs[0], http.StatusBadRequest, "ValidationError")
			calls := ap.WGORCalls()
			require.Len(t, calls, 1)
			assert.Equal(t, "ValidationError", calls[0].ResponseCode)
		})
	}
}

func TestWGORErrorReply(t *testing.T) {
	fn, done := wgorFunction(func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
		return []*s3.WriteGetObjectResponseInput{{StatusCode: aws.Int32(403), ErrorCode: aws.String("AccessDenied"), ErrorMessage: aws.String("no analysts")}}
	})
	ap := New(t, WithMemoryStore(), fn)
	_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
	apiError(t, err, http.StatusForbidden, "AccessDenied")
	assert.Contains(t, err.Error(), "no analysts")
	errs := receive(t, done)
	require.Len(t, errs, 1)
	assert.NoError(t, errs[0])
}

func TestWGORSignature(t *testing.T) {
	done := make(chan error, 1)
	ap := New(t, WithMemoryStore(), WithFunctionFactory(func(cfg aws.Config) Function {
		cfg.Credentials = staticCreds("FNWRONG", "wrong")
		return newRawFunction(cfg, func(ctx context.Context, f *rawFunction, ev *events.S3ObjectLambdaEvent) ([]byte, error) {
			_, err := f.c.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
				RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken)})
			done <- err
			return nil, err
		})
	}))
	_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
	apiError(t, err, http.StatusInternalServerError, "LambdaRuntimeError")
	apiError(t, <-done, http.StatusForbidden, "AccessDenied")
}

func TestFunctionFailures(t *testing.T) {
	tests := []struct {
		name       string
		fn         FunctionFunc
		status     int
		code       string
		headStatus int // HEAD uses the return value: {} is an invalid reply
	}{
		{"returns without WGOR", func(context.Context, []byte) ([]byte, error) { return []byte(`{}`), nil }, 500, "LambdaResponseNotReceived", 400},
		{"returns an error", func(context.Context, []byte) ([]byte, error) { return nil, errors.New("boom") }, 500, "LambdaRuntimeError", 500},
		{"panics", func(context.Context, []byte) ([]byte, error) { panic("boom") }, 500, "LambdaRuntimeError", 500},
		{"never answers", func(ctx context.Context, _ []byte) ([]byte, error) { <-ctx.Done(); return nil, ctx.Err() }, 500, "LambdaTimeout", 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := New(t, WithMemoryStore(), WithFunction(tc.fn), WithTimeLimit(300*time.Millisecond))
			_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			apiError(t, err, tc.status, tc.code)
			_, err = ap.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			var re interface{ HTTPStatusCode() int }
			require.ErrorAs(t, err, &re) // HEAD errors carry no body, so only the status
			assert.Equal(t, tc.headStatus, re.HTTPStatusCode())
		})
	}
}

// failingReader yields n bytes, waits for gate, then fails, like a function
// that crashes mid-stream after the client got the first bytes.
type failingReader struct {
	n    int
	gate chan struct{}
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		<-f.gate
		return 0, errors.New("function crashed")
	}
	m := min(len(p), f.n)
	for i := range m {
		p[i] = 'x'
	}
	f.n -= m
	return m, nil
}

func TestCrashMidStream(t *testing.T) {
	for _, declared := range []bool{false, true} {
		t.Run(map[bool]string{false: "chunked", true: "with content-length"}[declared], func(t *testing.T) {
			gate := make(chan struct{})
			fn, done := wgorFunction(func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
				in := &s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(200), Body: &failingReader{n: 100 << 10, gate: gate}}
				if declared {
					in.ContentLength = aws.Int64(1 << 20)
				}
				return []*s3.WriteGetObjectResponseInput{in}
			})
			ap := New(t, WithMemoryStore(), fn)
			out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			require.NoError(t, err, "headers arrive before the crash")
			first := make([]byte, 1)
			_, err = io.ReadFull(out.Body, first)
			require.NoError(t, err)
			close(gate)
			n, err := io.Copy(io.Discard, out.Body)
			require.Error(t, err, "the client must see a broken transfer, got %d more bytes and success", n)
			assert.Less(t, n, int64(1<<20))
			require.NoError(t, out.Body.Close())
			errs := receive(t, done)
			require.Len(t, errs, 1)
			assert.Error(t, errs[0], "the function's WriteGetObjectResponse must fail too")
			require.Len(t, ap.WGORCalls(), 1)
			assert.Error(t, ap.WGORCalls()[0].Err)
		})
	}
}

func TestStoreDown(t *testing.T) {
	ap := upperAP(t)
	ap.PutObject(t, "a.txt", "abc")
	ap.store.stop()
	_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	apiError(t, err, http.StatusServiceUnavailable, "ServiceUnavailable")
}

func TestRangeAndPartNumber(t *testing.T) {
	tests := []struct {
		name     string
		features []string
		in       s3.GetObjectInput
		status   int
		code     string
	}{
		{"range header refused", nil, s3.GetObjectInput{Range: aws.String("bytes=0-1")}, 501, "NotImplemented"},
		{"partNumber refused", nil, s3.GetObjectInput{PartNumber: aws.Int32(1)}, 501, "NotImplemented"},
		{"partNumber refused when only range allowed", []string{"GetObject-Range"}, s3.GetObjectInput{PartNumber: aws.Int32(1)}, 501, "NotImplemented"},
		{"range allowed", []string{"GetObject-Range"}, s3.GetObjectInput{Range: aws.String("bytes=0-1")}, 200, ""},
		{"partNumber allowed", []string{"GetObject-PartNumber"}, s3.GetObjectInput{PartNumber: aws.Int32(1)}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := upperAP(t, WithMemoryStore(), WithAllowedFeatures(tc.features...))
			ap.PutObject(t, "a.txt", "abc")
			in := tc.in
			in.Bucket, in.Key = ap.Bucket(), aws.String("a.txt")
			out, err := ap.Client().GetObject(context.Background(), &in)
			if tc.code != "" {
				apiError(t, err, tc.status, tc.code)
				assert.Empty(t, ap.Events())
				return
			}
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			ev := ap.Events()[0]
			if in.Range != nil {
				assert.Equal(t, "bytes=0-1", ev.UserRequest.Headers["Range"])
			} else {
				assert.Contains(t, ev.UserRequest.URL, "partNumber=1")
			}
		})
	}
}

func TestHeadObject(t *testing.T) {
	ap := upperAP(t)
	ap.PutObject(t, "a.txt", "abcdef", func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/x-test") })
	out, err := ap.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.txt")})
	require.NoError(t, err)
	assert.Equal(t, int64(6), aws.ToInt64(out.ContentLength))
	assert.Equal(t, "text/x-test", aws.ToString(out.ContentType))
	assert.Equal(t, "true", out.Metadata["transformed"])
	require.NotNil(t, ap.Events()[0].HeadObjectContext)

	_, err = ap.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("missing")})
	apiError(t, err, http.StatusNotFound, "NotFound")
}

func TestListObjects(t *testing.T) {
	ap := upperAP(t)
	for _, k := range []string{"a.txt", "dir/b.txt", "dir/c.txt"} {
		ap.PutObject(t, k, "x")
	}
	ctx := context.Background()
	v2, err := ap.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket(), Prefix: aws.String("dir/")})
	require.NoError(t, err)
	require.Len(t, v2.Contents, 2)
	assert.Equal(t, "dir/b.txt", aws.ToString(v2.Contents[0].Key))
	ev := ap.Events()[0]
	require.NotNil(t, ev.ListObjectsV2Context)
	in, err := url.Parse(ev.ListObjectsV2Context.InputS3URL)
	require.NoError(t, err)
	assert.Equal(t, "2", in.Query().Get("list-type"))
	assert.Equal(t, "dir/", in.Query().Get("prefix"))

	v1, err := ap.Client().ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket(), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.Len(t, v1.Contents, 1)
	require.Len(t, v1.CommonPrefixes, 1)
	assert.Equal(t, "dir/", aws.ToString(v1.CommonPrefixes[0].Prefix))
	require.NotNil(t, ap.Events()[1].ListObjectsContext)
}

func TestListBucketResultJSON(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		keys  []string
		code  string
	}{
		{"v2 json", `{"statusCode":200,"listBucketResult":{"name":"b","keyCount":1,"maxKeys":1000,"isTruncated":false,
			"contents":[{"key":"only.txt","size":3,"eTag":"\"e\"","lastModified":"2024-01-02T03:04:05.000Z","owner":{"id":"o","displayName":"d"}}]}}`, []string{"only.txt"}, ""},
		{"missing keyCount", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1000,"isTruncated":false}}`, nil, "LambdaInvalidResponse"},
		{"both forms", `{"statusCode":200,"listResultXml":"<x/>","listBucketResult":{"name":"b"}}`, nil, "LambdaInvalidResponse"},
		{"error reply", `{"statusCode":403,"errorCode":"AccessDenied","errorMessage":"no"}`, nil, "AccessDenied"},
		{"no statusCode", `{"listResultXml":"<x/>"}`, nil, "LambdaInvalidResponse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := New(t, WithMemoryStore(), WithFunction(FunctionFunc(func(context.Context, []byte) ([]byte, error) {
				return []byte(tc.reply), nil
			})))
			out, err := ap.Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
			if tc.code != "" {
				require.Error(t, err)
				var ae smithy.APIError
				require.True(t, errors.As(err, &ae))
				assert.Equal(t, tc.code, ae.ErrorCode())
				return
			}
			require.NoError(t, err)
			var keys []string
			for _, o := range out.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
			assert.Equal(t, tc.keys, keys)
		})
	}
}
