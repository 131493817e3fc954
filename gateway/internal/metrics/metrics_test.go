package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scrape fetches the metrics over HTTP, as Prometheus does, and parses them.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return fams
}

// value is the value of the series of family name with labels ap and fn.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name, ap, fn string) float64 {
	t.Helper()
	f, ok := fams[name]
	require.True(t, ok, "no metric %s", name)
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels[LabelAccessPoint] != ap || labels[LabelFunction] != fn {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no series %s{access_point=%q,function=%q}", name, ap, fn)
	return 0
}

func TestMetricsScrape(t *testing.T) {
	m := New()
	m.AddAccessPoint("reports", "redact")
	m.AddAccessPoint("images", "thumbs")

	m.ObserveInvocation("reports", "redact")
	m.ObserveRequest(Request{AccessPoint: "reports", Function: "redact", Operation: OpGetObject, Status: 200, Bytes: 1000, FirstByte: 3 * time.Millisecond, Total: 20 * time.Millisecond})
	m.ObserveLambdaResponse("reports", "redact", 200)
	m.ObserveInvocation("reports", "redact")
	m.ObserveRequest(Request{AccessPoint: "reports", Function: "redact", Operation: OpGetObject, Status: 500, Bytes: 200, FirstByte: time.Millisecond, Total: 2 * time.Second})
	m.ObserveLambdaResponse("reports", "redact", 400)
	m.ObserveLambdaResponse("reports", "redact", 503)
	m.ObserveRequest(Request{AccessPoint: "reports", Operation: OpHeadObject, Proxied: true, Status: 404, Total: time.Millisecond})
	m.ObserveRequest(Request{AccessPoint: "reports", Operation: OpListObjectsV2, Proxied: true, Status: 200, Bytes: 512, FirstByte: time.Millisecond, Total: time.Millisecond})
	m.ObserveRequest(Request{AccessPoint: "reports", Operation: OpListObjects, Proxied: true, Status: 200, Total: time.Millisecond})
	m.ObserveRequest(Request{AccessPoint: "reports", Operation: "GetObjectTagging", Proxied: true, Status: 200, Total: time.Millisecond})
	m.ObserveThrottled("reports")
	m.InFlight("reports").Inc()
	m.InFlight("reports").Inc()
	m.InFlight("reports").Dec()

	fams := scrape(t, m)
	tests := []struct {
		name   string
		ap, fn string
		want   float64
	}{
		{"objectlambda_all_requests_total", "reports", "redact", 2},
		{"objectlambda_all_requests_total", "reports", "", 4},
		{"objectlambda_get_requests_total", "reports", "redact", 2},
		{"objectlambda_head_requests_total", "reports", "", 1},
		{"objectlambda_list_requests_total", "reports", "", 2},
		{"objectlambda_bytes_downloaded_total", "reports", "redact", 1200},
		{"objectlambda_bytes_downloaded_total", "reports", "", 512},
		{"objectlambda_first_byte_latency_seconds", "reports", "redact", 2},
		{"objectlambda_total_request_latency_seconds", "reports", "redact", 2},
		{"objectlambda_4xx_errors_total", "reports", "", 1},
		{"objectlambda_5xx_errors_total", "reports", "redact", 1},
		{"objectlambda_proxied_requests_total", "reports", "", 4},
		{"objectlambda_invoked_lambda_total", "reports", "redact", 2},
		{"objectlambda_lambda_response_requests_total", "reports", "redact", 3},
		{"objectlambda_lambda_response_4xx_total", "reports", "redact", 1},
		{"objectlambda_lambda_response_5xx_total", "reports", "redact", 1},
		{"objectlambda_throttled_requests_total", "reports", "", 1},
		// AddAccessPoint: series exist at zero before the first request.
		{"objectlambda_all_requests_total", "images", "thumbs", 0},
		{"objectlambda_5xx_errors_total", "images", "", 0},
		{"objectlambda_proxied_requests_total", "images", "", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, value(t, fams, tt.name, tt.ap, tt.fn), "%s{%s,%s}", tt.name, tt.ap, tt.fn)
	}
	assert.Equal(t, 1.0, value(t, fams, "objectlambda_invocations_in_flight", "reports", ""))
	assert.Equal(t, 0.0, value(t, fams, "objectlambda_invocations_in_flight", "images", ""))

	// Latencies are in seconds; 2 s lands in the 2.5 s bucket, not below.
	h := fams["objectlambda_total_request_latency_seconds"]
	for _, s := range h.GetMetric() {
		if s.GetLabel()[1].GetValue() != "redact" {
			continue
		}
		assert.InDelta(t, 2.02, s.GetHistogram().GetSampleSum(), 1e-9)
		for _, b := range s.GetHistogram().GetBucket() {
			switch b.GetUpperBound() {
			case 1:
				assert.Equal(t, uint64(1), b.GetCumulativeCount())
			case 2.5:
				assert.Equal(t, uint64(2), b.GetCumulativeCount())
			}
		}
	}
	// Every metric says in its help which CloudWatch metric it stands for.
	for name, aws := range map[string]string{
		"objectlambda_all_requests_total": "AllRequests", "objectlambda_4xx_errors_total": "4xxErrors",
		"objectlambda_first_byte_latency_seconds": "FirstByteLatency", "objectlambda_lambda_response_5xx_total": "LambdaResponse5xx",
	} {
		assert.True(t, strings.HasPrefix(fams[name].GetHelp(), aws+": "), name)
	}
	assert.Contains(t, fams, "go_goroutines", "the Go collector")
	assert.Contains(t, fams, "process_resident_memory_bytes", "the process collector")
}
