package gateway

import (
	"net/http"
	"time"

	"github.com/objectlambda/sdk-go/gateway/internal/metrics"
)

// Handler serves the gateway's S3 endpoint: the access points for callers,
// WriteGetObjectResponse for functions (and for the other replicas, which
// forward it here), and the presigned inputS3Url of the gateway's events.
func (g *Gateway) Handler() http.Handler { return http.HandlerFunc(g.serveHTTP) }

func (g *Gateway) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/WriteGetObjectResponse":
		g.serveWGOR(w, r)
	case g.isInput(r):
		g.serveInput(w, r)
	default:
		g.serveAccessPoint(w, r)
	}
}

// observed records what a caller's request became, for the metrics and the
// request log line.
type observed struct {
	http.ResponseWriter
	start     time.Time
	status    int
	bytes     int64
	firstByte time.Duration

	accessPoint, function, operation string
	proxied                          bool
}

func (o *observed) WriteHeader(code int) {
	if o.status == 0 && code >= 200 {
		o.status = code
		o.firstByte = time.Since(o.start)
	}
	o.ResponseWriter.WriteHeader(code)
}

func (o *observed) Write(p []byte) (int, error) {
	if o.status == 0 {
		o.WriteHeader(http.StatusOK)
	}
	n, err := o.ResponseWriter.Write(p)
	o.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (Flush, read
// deadlines).
func (o *observed) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// finish records the request: metrics for a request to an access point,
// and one log line without secrets. It runs when the handler returns, also
// when it aborts the connection (http.ErrAbortHandler).
func (g *Gateway) finish(o *observed, requestID string, aborted bool) {
	total := time.Since(o.start)
	status := o.status
	if status == 0 {
		status = http.StatusOK
	}
	if o.accessPoint != "" {
		g.metrics.ObserveRequest(metrics.Request{
			AccessPoint: o.accessPoint, Function: o.function, Operation: o.operation, Proxied: o.proxied,
			Status: status, Bytes: o.bytes, FirstByte: o.firstByte, Total: total,
		})
	}
	g.log.Info("objectlambda-gateway request", "requestId", requestID, "accessPoint", o.accessPoint,
		"operation", o.operation, "function", o.function, "status", status, "bytes", o.bytes,
		"aborted", aborted, "firstByte", o.firstByte, "duration", total)
}
