package objectlambda

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/objectlambda/sdk-go/internal/scrub"
	"github.com/objectlambda/sdk-go/presign"
)

// Metrics describes one finished request, for operators. Observers receive it
// once per invocation.
type Metrics struct {
	RequestID   string
	AccessPoint string // the Object Lambda access point ARN
	Operation   Operation
	// StatusCode and ErrorCode are what the caller was answered.
	StatusCode int
	ErrorCode  string
	// UpstreamStatus is the status of the presigned fetch (0 if none was made).
	UpstreamStatus int
	// BytesIn were read from S3; BytesOut were sent to the caller.
	BytesIn, BytesOut int64
	// UpstreamFirstByte is the time from the start of the request to the
	// presigned fetch's response headers.
	UpstreamFirstByte time.Duration
	// FirstResponseByte is the time from the start of the request to the
	// moment the reply started (the WGOR call, or the HEAD/LIST reply).
	FirstResponseByte time.Duration
	// Duration is the whole request.
	Duration time.Duration
	// UpstreamReadTime is the time spent reading the original's body from
	// S3; TransformTime the time spent in the transforms themselves (both
	// while streaming; GetObject only).
	UpstreamReadTime, TransformTime time.Duration
	// Retries is the number of extra attempts the presigned fetch made.
	Retries int
	// DeadlineLeft is the time that was left before the work deadline when
	// the request ended (negative if it was missed).
	DeadlineLeft time.Duration
	// Err is the error that ended the request, if any (the caller was then
	// answered with an error, or the stream was aborted). Its text is
	// already scrubbed of credentials; errors.Is sees the original's
	// sentinels, errors.As its *s3err.Error.
	Err error
	// ReplyErr is set when the reply itself could not be delivered (the
	// WriteGetObjectResponse call failed).
	ReplyErr error
}

// Observer receives the Metrics of every request. It is called after the
// reply was sent, on the invocation's goroutine; keep it fast.
type Observer interface {
	ObserveRequest(ctx context.Context, m *Metrics)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(ctx context.Context, m *Metrics)

// ObserveRequest calls f.
func (f ObserverFunc) ObserveRequest(ctx context.Context, m *Metrics) { f(ctx, m) }

// Tracer starts spans. The objectlambda package has no tracing dependency of
// its own; package otelobjectlambda adapts OpenTelemetry to this interface.
// Spans:
//   - "objectlambda.<Operation>" for the request;
//   - "objectlambda.fetch" for the presigned fetch, with one "retry" event
//     per extra attempt;
//   - one "objectlambda.transform" per transform, decryption and encryption
//     included: attribute objectlambda.transform names it (its Name method's
//     result, such as encryption.decrypt, encryption.encrypt or
//     encryption.rewrap, or else its Go type) and objectlambda.stream_time
//     is its own share of the streaming time;
//   - "objectlambda.WriteGetObjectResponse" for the reply, an error reply
//     included.
type Tracer interface {
	Start(ctx context.Context, name string, attrs ...slog.Attr) (context.Context, Span)
}

// Span is one traced operation.
type Span interface {
	AddEvent(name string, attrs ...slog.Attr)
	SetAttributes(attrs ...slog.Attr)
	End(err error)
	// TraceID identifies the trace in logs ("" if unknown).
	TraceID() string
}

// WithObserver adds an observer of every request's Metrics.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		if o == nil {
			return errors.New("objectlambda: WithObserver: nil observer")
		}
		c.observers = append(c.observers, o)
		return nil
	}
}

// WithTracer sets the tracer. Without one, tracing costs nothing.
func WithTracer(t Tracer) Option {
	return func(c *config) error {
		if t == nil {
			return errors.New("objectlambda: WithTracer: nil tracer")
		}
		c.tracer = t
		return nil
	}
}

// reqStats collects the measurements of one request as it runs. It travels
// in the context so that every stage can add to it.
type reqStats struct {
	span           Span
	start          time.Time
	deadline       time.Time
	upstreamStatus atomic.Int64
	upstreamFirst  atomic.Int64 // ns since start
	responseFirst  atomic.Int64 // ns since start
	retries        atomic.Int64
	upstreamRead   atomic.Int64 // ns
	transformTime  atomic.Int64 // ns
}

type statsKey struct{}

func withStats(ctx context.Context, s *reqStats) context.Context {
	return context.WithValue(ctx, statsKey{}, s)
}

func statsFrom(ctx context.Context) *reqStats {
	s, _ := ctx.Value(statsKey{}).(*reqStats)
	return s
}

// noopSpan is used when no tracer is configured.
type noopSpan struct{}

func (noopSpan) AddEvent(string, ...slog.Attr) {}
func (noopSpan) SetAttributes(...slog.Attr)    {}
func (noopSpan) End(error)                     {}
func (noopSpan) TraceID() string               { return "" }

// tracing reports whether a tracer is configured. Call sites build span
// names and attributes only when it is, so that a handler without a tracer
// spends nothing on them (a variadic slice passed to an interface method is
// allocated whether or not the method uses it).
func (h *Handler) tracing() bool { return h.cfg.tracer != nil }

// startSpan starts a span through the user's Tracer: the one place where
// the handler calls it. The span's End gets scrubbed errors, and a Tracer or
// Span that panics loses its span, never the request (a panic here would
// escape before the reply, or from a goroutine).
func (h *Handler) startSpan(ctx context.Context, name string, attrs ...slog.Attr) (rctx context.Context, sp Span) {
	defer func() {
		if recover() != nil {
			rctx, sp = ctx, noopSpan{}
		}
	}()
	sctx, inner := h.cfg.tracer.Start(ctx, name, attrs...)
	if inner == nil {
		return ctx, noopSpan{}
	}
	return sctx, guardedSpan{inner}
}

// guardedSpan scrubs the errors it ends with and recovers panics of the
// span it wraps.
type guardedSpan struct{ s Span }

func (g guardedSpan) AddEvent(name string, attrs ...slog.Attr) {
	defer func() { _ = recover() }()
	g.s.AddEvent(name, attrs...)
}

func (g guardedSpan) SetAttributes(attrs ...slog.Attr) {
	defer func() { _ = recover() }()
	g.s.SetAttributes(attrs...)
}

func (g guardedSpan) End(err error) {
	defer func() { _ = recover() }()
	g.s.End(scrubError(err))
}

func (g guardedSpan) TraceID() (id string) {
	defer func() {
		if recover() != nil {
			id = ""
		}
	}()
	return g.s.TraceID()
}

// beginRequest starts the measurements and the request span of one
// invocation.
func (h *Handler) beginRequest(ctx context.Context, ev *Event) context.Context {
	if statsFrom(ctx) != nil {
		return ctx
	}
	st := &reqStats{start: time.Now()}
	st.deadline, _ = h.deadlines(ctx, st.start)
	if h.tracing() {
		op := ev.operation()
		ctx, st.span = h.startSpan(ctx, "objectlambda."+string(op),
			slog.String("objectlambda.request_id", ev.XAmzRequestID),
			slog.String("objectlambda.operation", string(op)),
			slog.String("objectlambda.access_point", ev.Configuration.AccessPointARN))
	}
	return withStats(ctx, st)
}

// fetch runs the presigned fetch inside its span and records its figures.
func (h *Handler) fetchObject(ctx context.Context, req *presign.Request) (*presign.Response, error) {
	var sp Span = noopSpan{}
	if h.tracing() {
		ctx, sp = h.startSpan(ctx, "objectlambda.fetch", slog.String("http.method", req.Method))
	}
	st := statsFrom(ctx)
	r := *req
	r.OnRetry = func(attempt int, cause error) {
		if h.tracing() {
			sp.AddEvent("retry", slog.Int("attempt", attempt), slog.String("cause", scrub.String(cause.Error())))
		}
		if st != nil {
			st.retries.Add(1)
		}
		if req.OnRetry != nil {
			req.OnRetry(attempt, cause)
		}
	}
	resp, err := h.fetch.Fetch(ctx, &r)
	if err != nil {
		// An error answer is still an answer: its status and the time it
		// took are the upstream's figures.
		var ue *presign.UpstreamError
		if errors.As(err, &ue) {
			if st != nil {
				st.upstreamStatus.Store(int64(ue.StatusCode))
				st.upstreamFirst.CompareAndSwap(0, int64(time.Since(st.start)))
			}
			if h.tracing() {
				sp.SetAttributes(slog.Int("http.status_code", ue.StatusCode))
			}
		}
		sp.End(err)
		return nil, err
	}
	if h.tracing() {
		sp.SetAttributes(slog.Int("http.status_code", resp.StatusCode), slog.Int("objectlambda.attempts", resp.Attempts))
	}
	sp.End(nil)
	if st != nil {
		st.upstreamStatus.Store(int64(resp.StatusCode))
		st.upstreamFirst.CompareAndSwap(0, int64(time.Since(st.start)))
	}
	return resp, nil
}

// markResponse records when the reply started.
func markResponse(ctx context.Context) {
	if st := statsFrom(ctx); st != nil {
		st.responseFirst.CompareAndSwap(0, int64(time.Since(st.start)))
	}
}
