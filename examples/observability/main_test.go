package main

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

const (
	text     = "Write to ana@example.com or bo@example.org.\n"
	redacted = "Write to [REDACTED] or [REDACTED].\n"
	// signalWait bounds how long after the client got its answer the
	// signals may take to arrive: the EMF line, the log line and the spans
	// are written after the reply was sent, before the invocation returns.
	signalWait = 5 * time.Second
)

// Span names of a GetObject.
const (
	spanGet       = "objectlambda.GetObject"
	spanFetch     = "objectlambda.fetch"
	spanTransform = "objectlambda.transform"
	spanWGOR      = "objectlambda.WriteGetObjectResponse"
)

// jsonLine returns the first complete JSON line of out whose field key is
// value, decoded and as printed.
func jsonLine(out *objectlambdatest.Buffer, key, value string) (map[string]any, string, bool) {
	for _, line := range out.Lines() {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m[key] == value {
			return m, line, true
		}
	}
	return nil, "", false
}

// span is one span as an OTLP collector received it.
type span struct {
	TraceID, SpanID, ParentID string // hex
	Name                      string
	Kind                      tracepb.Span_SpanKind
	Status                    tracepb.Status_StatusCode
	Attrs, Resource           map[string]any
	Events                    []string
	Duration                  time.Duration
}

// receiver is an OTLP/HTTP trace endpoint, as the ADOT collector layer runs
// on localhost:4318: it decodes the protobuf export requests.
type receiver struct {
	URL  string
	mu   sync.Mutex
	errs []error
	got  []span
}

func newReceiver(t *testing.T) *receiver {
	rcv := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(rcv.serve))
	t.Cleanup(srv.Close)
	rcv.URL = srv.URL
	t.Cleanup(func() { assert.Empty(t, rcv.errors(), "OTLP requests the receiver could not decode") })
	return rcv
}

func (rcv *receiver) serve(w http.ResponseWriter, r *http.Request) {
	req, err := decodeExport(r)
	if err != nil {
		rcv.mu.Lock()
		rcv.errs = append(rcv.errs, err)
		rcv.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var got []span
	for _, rs := range req.GetResourceSpans() {
		res := attrMap(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				sp := span{
					TraceID: hex.EncodeToString(s.GetTraceId()), SpanID: hex.EncodeToString(s.GetSpanId()),
					ParentID: hex.EncodeToString(s.GetParentSpanId()), Name: s.GetName(), Kind: s.GetKind(),
					Status: s.GetStatus().GetCode(), Attrs: attrMap(s.GetAttributes()), Resource: res,
					Duration: time.Duration(s.GetEndTimeUnixNano() - s.GetStartTimeUnixNano()),
				}
				for _, e := range s.GetEvents() {
					sp.Events = append(sp.Events, e.GetName())
				}
				got = append(got, sp)
			}
		}
	}
	rcv.mu.Lock()
	rcv.got = append(rcv.got, got...)
	rcv.mu.Unlock()
	b, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(b)
}

func decodeExport(r *http.Request) (*coltracepb.ExportTraceServiceRequest, error) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		return nil, fmt.Errorf("%s %s: want POST /v1/traces", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		return nil, fmt.Errorf("content type %q", ct)
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		body = gz
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	req := &coltracepb.ExportTraceServiceRequest{}
	return req, proto.Unmarshal(b, req)
}

func attrMap(kvs []*commonpb.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		switch v := kv.GetValue().GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			m[kv.GetKey()] = v.StringValue
		case *commonpb.AnyValue_IntValue:
			m[kv.GetKey()] = v.IntValue
		case *commonpb.AnyValue_BoolValue:
			m[kv.GetKey()] = v.BoolValue
		case *commonpb.AnyValue_DoubleValue:
			m[kv.GetKey()] = v.DoubleValue
		default:
			m[kv.GetKey()] = kv.GetValue().String()
		}
	}
	return m
}

func (rcv *receiver) errors() []error {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	return append([]error(nil), rcv.errs...)
}

func (rcv *receiver) spans() []span {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	return append([]span(nil), rcv.got...)
}

// request returns the spans of the trace whose request span carries the S3
// request id reqID, the request span first.
func (rcv *receiver) request(reqID string) []span {
	all := rcv.spans()
	for _, root := range all {
		if root.Attrs["objectlambda.request_id"] != reqID {
			continue
		}
		out := []span{root}
		for _, s := range all {
			if s.TraceID == root.TraceID && s.SpanID != root.SpanID {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// signals are what an operator gets from one request.
type signals struct {
	emf, log         map[string]any
	emfLine, logLine string // as printed
	spans            []span // the request span first
}

// await waits until the EMF line, the log line and (when wantSpans > 0) that
// many spans of request reqID have arrived.
func await(t *testing.T, stdout, stderr *objectlambdatest.Buffer, rcv *receiver, reqID string, wantSpans int) signals {
	t.Helper()
	var s signals
	require.Eventually(t, func() bool {
		var okE, okL bool
		s.emf, s.emfLine, okE = jsonLine(stdout, "RequestId", reqID)
		s.log, s.logLine, okL = jsonLine(stderr, "requestId", reqID)
		s.spans = rcv.request(reqID)
		return okE && okL && len(s.spans) >= wantSpans
	}, signalWait, 10*time.Millisecond, "request %s: stdout:\n%s\nstderr:\n%s\nspans: %+v", reqID, stdout, stderr, rcv.spans())
	return s
}

// checkTree asserts the request span is the server span at the root of the
// trace, with the others its direct children of the same trace.
func checkTree(t *testing.T, spans []span, wantNames []string) {
	t.Helper()
	require.NotEmpty(t, spans)
	root := spans[0]
	assert.Equal(t, spanGet, root.Name)
	assert.Equal(t, tracepb.Span_SPAN_KIND_SERVER, root.Kind)
	var names []string
	for _, s := range spans[1:] {
		names = append(names, s.Name)
		assert.Equal(t, root.TraceID, s.TraceID, s.Name)
		assert.Equal(t, root.SpanID, s.ParentID, "%s is a child of the request span", s.Name)
	}
	assert.ElementsMatch(t, wantNames, names)
}

func xrayID(t *testing.T, hexID string) string {
	t.Helper()
	id, err := trace.TraceIDFromHex(hexID)
	require.NoError(t, err)
	return otelobjectlambda.XRayTraceID(id)
}

// noSecrets checks that no signal carries a presigned URL's credentials.
func noSecrets(t *testing.T, out ...string) {
	t.Helper()
	for _, o := range out {
		for _, secret := range []string{"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token"} {
			assert.NotContains(t, o, secret)
		}
	}
}

// TestSignals runs the function in-process behind an access point
// configured as template.yaml configures it, with the OTLP endpoint set in
// the environment as the template (or the ADOT layer) sets it, and checks
// what an operator would see for each request.
func TestSignals(t *testing.T) {
	rcv := newReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rcv.URL)
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "observability-test")
	var stdout, stderr objectlambdatest.Buffer
	opts, tp, err := options(context.Background(), &stdout, &stderr)
	require.NoError(t, err)
	require.NotNil(t, tp, "an OTLP endpoint is set, so spans are exported")
	t.Cleanup(func() { assert.NoError(t, tp.Shutdown(context.Background())) }) // after the access point's cleanup

	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithHandler(opts...))...)
	ap.PutObject(t, "notes.txt", text, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	client := ap.Client()

	tests := []struct {
		name, key, rng string
		wantBody       string
		status         int    // what the caller was answered
		code           string // S3 error code, "" on success
		upstream       int    // status of the presigned fetch
		bytesIn        int
		spans          []string // children of the request span
	}{
		{name: "GET", key: "notes.txt", wantBody: redacted, status: 200, upstream: 200, bytesIn: len(text),
			spans: []string{spanFetch, spanTransform, spanWGOR}},
		{name: "Range GET", key: "notes.txt", rng: "bytes=9-18", wantBody: "[REDACTED]", status: 206, upstream: 200, bytesIn: len(text),
			spans: []string{spanFetch, spanTransform, spanWGOR}},
		// The error reply is one WGOR call too, with its span; the fetch
		// span carries the failure.
		{name: "missing key", key: "missing.txt", status: 404, code: "NoSuchKey", upstream: 404,
			spans: []string{spanFetch, spanWGOR}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := client.GetObject(context.Background(), in)
			if tt.code == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.wantBody, extest.Body(t, out.Body))
			} else {
				status, code := extest.ErrorOf(t, err)
				assert.Equal(t, tt.status, status)
				assert.Equal(t, tt.code, code)
			}
			events := ap.Events()
			reqID := events[len(events)-1].XAmzRequestID
			s := await(t, &stdout, &stderr, rcv, reqID, 1+len(tt.spans))

			// The EMF line: metrics CloudWatch extracts, per access point
			// and operation, and properties for Logs Insights.
			meta := s.emf["_aws"].(map[string]any)
			stamp, _ := meta["Timestamp"].(float64)
			assert.InDelta(t, time.Now().UnixMilli(), stamp, float64(time.Minute.Milliseconds()), "Timestamp in ms since the epoch")
			directive := meta["CloudWatchMetrics"].([]any)[0].(map[string]any)
			assert.Equal(t, "ObjectLambda", directive["Namespace"])
			assert.Equal(t, []any{[]any{"AccessPoint", "Operation"}}, directive["Dimensions"])
			var declared []string
			for _, m := range directive["Metrics"].([]any) {
				declared = append(declared, m.(map[string]any)["Name"].(string))
			}
			assert.Subset(t, declared, []string{"Requests", "Errors4xx", "Errors5xx", "BytesIn", "BytesOut",
				"UpstreamFirstByte", "Duration", "DeadlineMarginLeft", "Retries"})
			assert.Equal(t, "GetObject", s.emf["Operation"])
			assert.Equal(t, "test-olap", s.emf["AccessPoint"])
			assert.EqualValues(t, 1, s.emf["Requests"])
			assert.EqualValues(t, tt.status, s.emf["StatusCode"])
			assert.Equal(t, tt.code, s.emf["ErrorCode"])
			assert.EqualValues(t, tt.bytesIn, s.emf["BytesIn"])
			assert.EqualValues(t, len(tt.wantBody), s.emf["BytesOut"])
			want4xx := 0
			if tt.status/100 == 4 {
				want4xx = 1
			}
			assert.EqualValues(t, want4xx, s.emf["Errors4xx"])
			assert.EqualValues(t, 0, s.emf["Errors5xx"])
			assert.EqualValues(t, tt.upstream, s.emf["UpstreamStatus"])
			margin, _ := s.emf["DeadlineMarginLeft"].(float64)
			assert.True(t, margin > 0 && margin < 60000, "DeadlineMarginLeft %v ms", s.emf["DeadlineMarginLeft"])

			// The log line.
			assert.Equal(t, "INFO", s.log["level"])
			assert.Equal(t, "GetObject", s.log["operation"])
			assert.EqualValues(t, tt.status, s.log["status"])
			if tt.code != "" {
				assert.Equal(t, tt.code, s.log["errorCode"])
			}

			// The spans: one trace, and the same trace id in every signal.
			checkTree(t, s.spans, tt.spans)
			root := s.spans[0]
			traceID := xrayID(t, root.TraceID)
			assert.Equal(t, traceID, s.emf["TraceId"])
			assert.Equal(t, traceID, s.log["traceId"])
			assert.Empty(t, root.ParentID, "no Lambda trace to continue in-process")
			assert.EqualValues(t, tt.status, root.Attrs["http.status_code"])
			assert.Equal(t, tt.code, root.Attrs["objectlambda.error_code"])
			assert.EqualValues(t, len(tt.wantBody), root.Attrs["objectlambda.bytes_out"])
			assert.Equal(t, tracepb.Status_STATUS_CODE_UNSET, root.Status, "a 4xx is the caller's problem, not the function's")
			for _, sp := range s.spans[1:] {
				switch sp.Name {
				case spanFetch:
					assert.Equal(t, tracepb.Span_SPAN_KIND_CLIENT, sp.Kind)
					assert.Equal(t, "GET", sp.Attrs["http.method"])
					assert.EqualValues(t, tt.upstream, sp.Attrs["http.status_code"])
					if tt.code == "" {
						assert.Equal(t, tracepb.Status_STATUS_CODE_UNSET, sp.Status)
					} else {
						assert.Equal(t, tt.code, sp.Attrs["objectlambda.error_code"])
						assert.Equal(t, tracepb.Status_STATUS_CODE_ERROR, sp.Status, "the fetch failed")
						assert.Contains(t, sp.Events, "exception")
					}
				case spanTransform:
					assert.Equal(t, tracepb.Span_SPAN_KIND_INTERNAL, sp.Kind)
					assert.Equal(t, "*redact.Redactor", sp.Attrs["objectlambda.transform"])
				case spanWGOR:
					assert.Equal(t, tracepb.Span_SPAN_KIND_CLIENT, sp.Kind)
					assert.EqualValues(t, tt.status, sp.Attrs["http.status_code"])
					assert.Equal(t, tracepb.Status_STATUS_CODE_UNSET, sp.Status, "the reply was delivered")
					if tt.code != "" {
						assert.Equal(t, tt.code, sp.Attrs["objectlambda.error_code"])
					}
				}
			}
			assert.Equal(t, "observability-test", root.Resource["service.name"])
			assert.Equal(t, "observability-test", root.Resource["faas.name"])
			assert.Equal(t, "aws", root.Resource["cloud.provider"])
			assert.Equal(t, "aws_lambda", root.Resource["cloud.platform"])
			// What an operator sees (examples/observability/README.md shows it).
			t.Logf("stdout: %s", s.emfLine)
			t.Logf("stderr: %s", s.logLine)
			for _, sp := range s.spans {
				t.Logf("span %s kind=%s id=%s parent=%s %v status=%s attrs=%s events=%v",
					sp.Name, sp.Kind, sp.SpanID, sp.ParentID, sp.Duration, sp.Status, mustJSON(sp.Attrs), sp.Events)
			}
		})
	}
	noSecrets(t, stdout.String(), stderr.String(), fmt.Sprint(rcv.spans()))
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestContinuesLambdaTrace checks that the spans join the trace Lambda
// started and keep its sampling decision. aws-lambda-go puts the X-Ray
// header of each invocation in the context; the local access point does
// not (nor does the Lambda RIE), so a wrapper puts it there.
func TestContinuesLambdaTrace(t *testing.T) {
	rcv := newReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", rcv.URL+"/v1/traces")
	var stdout, stderr objectlambdatest.Buffer
	opts, tp, err := options(context.Background(), &stdout, &stderr)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, tp.Shutdown(context.Background())) })

	var header atomic.Value // the X-Ray header of the next invocation
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml",
		objectlambdatest.WithFunctionFactory(func(cfg aws.Config) objectlambdatest.Function {
			h, err := objectlambda.New(append([]objectlambda.Option{
				objectlambda.WithAWSConfig(cfg), objectlambda.WithTrustedEndpoints(aws.ToString(cfg.BaseEndpoint)),
			}, opts...)...)
			require.NoError(t, err)
			return objectlambdatest.FunctionFunc(func(ctx context.Context, payload []byte) ([]byte, error) {
				//lint:ignore SA1029 the key is aws-lambda-go's plain string
				ctx = context.WithValue(ctx, otelobjectlambda.LambdaContextKey, header.Load().(string)) //nolint:staticcheck
				return h.Invoke(ctx, payload)
			})
		}))...)
	ap.PutObject(t, "notes.txt", text, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })

	// Not sampled first: its trace id still reaches the EMF and log lines,
	// but no span is exported. The sampled request's flush afterwards would
	// have carried any span of it.
	tests := []struct {
		name, header, traceID string
		sampled               bool
	}{
		{name: "not sampled", header: "Root=1-6759e988-0d862e3fe1be46a994272793;Parent=63995c3f42cd8ad8;Sampled=0",
			traceID: "1-6759e988-0d862e3fe1be46a994272793"},
		{name: "sampled", header: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			traceID: "1-5759e988-bd862e3fe1be46a994272793", sampled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header.Store(tt.header)
			out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
			require.NoError(t, err)
			assert.Equal(t, redacted, extest.Body(t, out.Body))
			events := ap.Events()
			reqID := events[len(events)-1].XAmzRequestID
			want := 0
			if tt.sampled {
				want = 4
			}
			s := await(t, &stdout, &stderr, rcv, reqID, want)
			assert.Equal(t, tt.traceID, s.emf["TraceId"])
			assert.Equal(t, tt.traceID, s.log["traceId"])
			if !tt.sampled {
				assert.Empty(t, s.spans)
				return
			}
			checkTree(t, s.spans, []string{spanFetch, spanTransform, spanWGOR})
			assert.Equal(t, tt.traceID, xrayID(t, s.spans[0].TraceID))
			assert.Equal(t, "53995c3f42cd8ad8", s.spans[0].ParentID, "the request span's parent is Lambda's segment")
		})
	}
	for _, s := range rcv.spans() {
		assert.NotEqual(t, "6759e9880d862e3fe1be46a994272793", s.TraceID, "a span of the unsampled request was exported")
	}
}

// TestWithoutEndpoint: no OTLP endpoint, no provider; logs and EMF lines
// stay, without a trace id (no tracer, no Lambda trace in-process).
func TestWithoutEndpoint(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	var stdout, stderr objectlambdatest.Buffer
	opts, tp, err := options(context.Background(), &stdout, &stderr)
	require.NoError(t, err)
	assert.Nil(t, tp)
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithHandler(opts...))...)
	ap.PutObject(t, "notes.txt", text, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, redacted, extest.Body(t, out.Body))
	reqID := ap.Events()[0].XAmzRequestID
	s := await(t, &stdout, &stderr, &receiver{}, reqID, 0)
	assert.EqualValues(t, len(redacted), s.emf["BytesOut"])
	assert.NotContains(t, s.emf, "TraceId")
	assert.NotContains(t, s.log, "traceId")
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator, with the OTLP
// endpoint in its environment, and reads what it printed.
func TestBootstrapUnderRIE(t *testing.T) {
	rcv := newReceiver(t)
	var printed objectlambdatest.Buffer
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml",
		objectlambdatest.WithBootstrap(bootstrap),
		objectlambdatest.WithFunctionEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+rcv.URL),
		objectlambdatest.WithFunctionOutput(&printed))...)
	ap.PutObject(t, "notes.txt", text, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, redacted, extest.Body(t, out.Body))
	require.Len(t, ap.WGORCalls(), 1)
	assert.NoError(t, ap.WGORCalls()[0].Err)

	// stdout and stderr reach the RIE's output together, as both reach
	// CloudWatch Logs on Lambda.
	reqID := ap.Events()[0].XAmzRequestID
	s := await(t, &printed, &printed, rcv, reqID, 4)
	checkTree(t, s.spans, []string{spanFetch, spanTransform, spanWGOR})
	root := s.spans[0]
	// The RIE gives the function no trace header (no Lambda-Runtime-Trace-Id),
	// so the request span starts a trace of its own.
	assert.Empty(t, root.ParentID)
	traceID := xrayID(t, root.TraceID)
	assert.Equal(t, traceID, s.emf["TraceId"])
	assert.Equal(t, traceID, s.log["traceId"])
	assert.EqualValues(t, len(redacted), s.emf["BytesOut"])
	assert.EqualValues(t, 200, s.emf["StatusCode"])
	// Resource attributes from the variables Lambda (here the RIE) sets.
	assert.Equal(t, "objectlambdatest-function", root.Resource["service.name"])
	assert.Equal(t, "$LATEST", root.Resource["faas.version"])
	assert.EqualValues(t, 3008<<20, root.Resource["faas.max_memory"])
	noSecrets(t, printed.String(), fmt.Sprint(rcv.spans()))
	t.Logf("resource: %s", mustJSON(root.Resource))
	t.Logf("function output:\n%s", printed.String())
}
