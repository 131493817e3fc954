package metrics

import (
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "objectlambda"

// Labels of every metric.
const (
	LabelAccessPoint = "access_point"
	LabelFunction    = "function" // empty for requests served without a function
)

// Operations as the access point core names them.
const (
	OpGetObject     = "GetObject"
	OpHeadObject    = "HeadObject"
	OpListObjects   = "ListObjects"
	OpListObjectsV2 = "ListObjectsV2"
)

// Metrics are the gateway's Prometheus metrics, named after the CloudWatch
// request metrics of S3 Object Lambda access points (AllRequests becomes
// objectlambda_all_requests_total, FirstByteLatency
// objectlambda_first_byte_latency_seconds, and so on), labelled with the
// access point and the function, AWS's AccessPointName and DataSourceARN.
type Metrics struct {
	reg *prometheus.Registry

	all, get, head, list, err4xx, err5xx, proxied *prometheus.CounterVec
	bytes                                         *prometheus.CounterVec
	firstByte, total                              *prometheus.HistogramVec
	invoked, lambdaResp, lambda4xx, lambda5xx     *prometheus.CounterVec
	throttled                                     *prometheus.CounterVec
	inFlight                                      *prometheus.GaugeVec
}

// latencyBuckets run from 1 ms to the 60-second window of a GET.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// New registers the metrics in a new registry, with the Go runtime and
// process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	labels := []string{LabelAccessPoint, LabelFunction}
	counter := func(name, help string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	histogram := func(name, help string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: latencyBuckets}, labels)
		reg.MustRegister(h)
		return h
	}
	m := &Metrics{reg: reg}
	m.all = counter("all_requests_total", "AllRequests: requests made to the access point.")
	m.get = counter("get_requests_total", "GetRequests: GetObject requests.")
	m.head = counter("head_requests_total", "HeadRequests: HeadObject requests.")
	m.list = counter("list_requests_total", "ListRequests: ListObjects and ListObjectsV2 requests.")
	m.bytes = counter("bytes_downloaded_total", "BytesDownloaded: body bytes sent to callers.")
	m.firstByte = histogram("first_byte_latency_seconds", "FirstByteLatency: from the request to the first byte of the reply (includes the function's run time).")
	m.total = histogram("total_request_latency_seconds", "TotalRequestLatency: from the request to the last byte of the reply.")
	m.err4xx = counter("4xx_errors_total", "4xxErrors: requests answered with a 4xx status.")
	m.err5xx = counter("5xx_errors_total", "5xxErrors: requests answered with a 5xx status.")
	m.proxied = counter("proxied_requests_total", "ProxiedRequests: requests served without a function (their action is not in TransformationConfigurations).")
	m.invoked = counter("invoked_lambda_total", "InvokedLambda: requests on which a function was invoked.")
	m.lambdaResp = counter("lambda_response_requests_total", "LambdaResponseRequests: WriteGetObjectResponse calls of the functions.")
	m.lambda4xx = counter("lambda_response_4xx_total", "LambdaResponse4xx: WriteGetObjectResponse calls answered with a 4xx status.")
	m.lambda5xx = counter("lambda_response_5xx_total", "LambdaResponse5xx: WriteGetObjectResponse calls answered with a 5xx status.")
	m.throttled = counter("throttled_requests_total", "Requests answered 503 SlowDown because the access point's MaxConcurrentInvocations were in flight (the gateway's own).")
	m.inFlight = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: "invocations_in_flight",
		Help: "Function invocations in flight (the gateway's own; bounded by MaxConcurrentInvocations)."}, []string{LabelAccessPoint})
	reg.MustRegister(m.inFlight)
	return m
}

// AddAccessPoint creates the series of an access point at zero, with its
// functions (and "" for requests served without one), so dashboards and
// alerts see them before the first request.
func (m *Metrics) AddAccessPoint(accessPoint string, functions ...string) {
	for _, fn := range append([]string{""}, functions...) {
		for _, c := range []*prometheus.CounterVec{m.all, m.get, m.head, m.list, m.bytes, m.err4xx, m.err5xx, m.invoked, m.lambdaResp, m.lambda4xx, m.lambda5xx} {
			c.WithLabelValues(accessPoint, fn)
		}
	}
	m.proxied.WithLabelValues(accessPoint, "")
	m.throttled.WithLabelValues(accessPoint, "")
	m.inFlight.WithLabelValues(accessPoint)
}

// Request is one caller request to an access point, observed when its
// reply has ended.
type Request struct {
	AccessPoint string
	// Function is the function that served it; "" when it was served
	// without one (then Proxied is true, or the request was refused before
	// routing).
	Function  string
	Operation string // GetObject, HeadObject, ListObjects, ListObjectsV2, or another S3 operation
	Proxied   bool   // served by the store directly: no function for its action
	Status    int
	Bytes     int64         // body bytes sent
	FirstByte time.Duration // 0 when no byte was sent
	Total     time.Duration
}

// ObserveRequest records a request.
func (m *Metrics) ObserveRequest(r Request) {
	ap, fn := r.AccessPoint, r.Function
	m.all.WithLabelValues(ap, fn).Inc()
	switch r.Operation {
	case OpGetObject:
		m.get.WithLabelValues(ap, fn).Inc()
	case OpHeadObject:
		m.head.WithLabelValues(ap, fn).Inc()
	case OpListObjects, OpListObjectsV2:
		m.list.WithLabelValues(ap, fn).Inc()
	}
	if r.Proxied {
		m.proxied.WithLabelValues(ap, fn).Inc()
	}
	switch {
	case r.Status >= 500:
		m.err5xx.WithLabelValues(ap, fn).Inc()
	case r.Status >= 400:
		m.err4xx.WithLabelValues(ap, fn).Inc()
	}
	if r.Bytes > 0 {
		m.bytes.WithLabelValues(ap, fn).Add(float64(r.Bytes))
	}
	if r.FirstByte > 0 {
		m.firstByte.WithLabelValues(ap, fn).Observe(r.FirstByte.Seconds())
	}
	m.total.WithLabelValues(ap, fn).Observe(r.Total.Seconds())
}

// ObserveInvocation records that a function was invoked for a request.
func (m *Metrics) ObserveInvocation(accessPoint, function string) {
	m.invoked.WithLabelValues(accessPoint, function).Inc()
}

// ObserveLambdaResponse records a WriteGetObjectResponse call and the
// status the gateway answered it with.
func (m *Metrics) ObserveLambdaResponse(accessPoint, function string, status int) {
	m.lambdaResp.WithLabelValues(accessPoint, function).Inc()
	switch {
	case status >= 500:
		m.lambda5xx.WithLabelValues(accessPoint, function).Inc()
	case status >= 400:
		m.lambda4xx.WithLabelValues(accessPoint, function).Inc()
	}
}

// ObserveThrottled records a request refused with 503 SlowDown by the
// access point's concurrency limit.
func (m *Metrics) ObserveThrottled(accessPoint string) {
	m.throttled.WithLabelValues(accessPoint, "").Inc()
}

// InFlight returns the gauge of invocations in flight on an access point.
func (m *Metrics) InFlight(accessPoint string) prometheus.Gauge {
	return m.inFlight.WithLabelValues(accessPoint)
}

// Registry is where the metrics are registered; add your own to it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      log.New(discard{}, "", 0),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
