package objectlambda

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/objectlambda/sdk-go/internal/scrub"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// requestEnd describes how a request ended.
type requestEnd struct {
	op                Operation
	start             time.Time
	status            int
	code              string
	bytesIn, bytesOut int64
	err               error // what ended the request badly
	replyErr          error // the reply call's error (GetObject)
}

// logRequest ends a request: it completes the Metrics, ends the request
// span, tells the observers and writes the one summary line. It names the
// request, never its secrets: no presigned URL, no output token, no body
// bytes. The errors are scrubbed here, once, and every channel (log,
// observers, span, and the invocation's return, which logRequest gives back)
// gets the scrubbed ones.
func (h *Handler) logRequest(ctx context.Context, ev *Event, e requestEnd) (err, replyErr error) {
	err, replyErr = scrubError(e.err), scrubError(e.replyErr)
	status, code := e.status, e.code
	m := &Metrics{
		RequestID:   ev.XAmzRequestID,
		AccessPoint: ev.Configuration.AccessPointARN,
		Operation:   e.op,
		StatusCode:  status,
		ErrorCode:   code,
		BytesIn:     e.bytesIn,
		BytesOut:    e.bytesOut,
		Duration:    time.Since(e.start),
		Err:         err,
		ReplyErr:    replyErr,
	}
	var traceID string
	if st := statsFrom(ctx); st != nil {
		m.UpstreamStatus = int(st.upstreamStatus.Load())
		m.UpstreamFirstByte = time.Duration(st.upstreamFirst.Load())
		m.FirstResponseByte = time.Duration(st.responseFirst.Load())
		m.Retries = int(st.retries.Load())
		m.UpstreamReadTime = time.Duration(st.upstreamRead.Load())
		m.TransformTime = time.Duration(st.transformTime.Load())
		m.Duration = time.Since(st.start)
		m.DeadlineLeft = time.Until(st.deadline)
		if st.span != nil {
			st.span.SetAttributes(slog.Int("http.status_code", status), slog.String("objectlambda.error_code", code),
				slog.Int64("objectlambda.bytes_in", e.bytesIn), slog.Int64("objectlambda.bytes_out", e.bytesOut))
			traceID = st.span.TraceID()
			endErr := m.Err
			if endErr == nil {
				endErr = replyErr
			}
			st.span.End(endErr)
		}
	}
	for _, o := range h.cfg.observers {
		observe(ctx, o, m)
	}

	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.String("requestId", m.RequestID),
		slog.String("operation", string(e.op)),
		slog.Int("status", status),
		slog.Int64("bytesIn", e.bytesIn),
		slog.Int64("bytesOut", e.bytesOut),
		slog.Duration("duration", m.Duration),
	}
	if traceID != "" {
		attrs = append(attrs, slog.String("traceId", traceID))
	}
	if m.UpstreamStatus != 0 {
		attrs = append(attrs, slog.Int("upstreamStatus", m.UpstreamStatus))
	}
	if m.Retries > 0 {
		attrs = append(attrs, slog.Int("retries", m.Retries))
	}
	if code != "" {
		attrs = append(attrs, slog.String("errorCode", code))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		if status >= 500 || status == 0 {
			level = slog.LevelError
		}
	}
	if replyErr != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("wgorError", replyErr.Error()))
	}
	h.log.LogAttrs(ctx, level, "objectlambda request", attrs...)
	if e.err != nil {
		h.logPanic(ctx, m.RequestID, e.err)
	}
	return err, replyErr
}

// observe gives m to an observer. An observer is user code: one that panics
// loses this request's figures, nothing else.
func observe(ctx context.Context, o Observer, m *Metrics) {
	defer func() { _ = recover() }()
	o.ObserveRequest(ctx, m)
}

// scrubbedError is an error on its way out of the library: its text is
// scrubbed of credentials (internal/scrub). errors.Is still sees the
// sentinels of the error it replaces (ErrPanic, ErrLengthMismatch,
// context.DeadlineExceeded, ...), which carry no secrets, and errors.As finds
// its S3 error (status, code and scrubbed message, without the cause).
// Nothing else of the original is reachable, so no formatting path can print
// its text.
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }

// Is reports whether the original error is target.
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.cause, target) }

// As gives the S3 error of the original, without its cause.
func (e *scrubbedError) As(target any) bool {
	t, ok := target.(**s3err.Error)
	if !ok {
		return false
	}
	se, ok := errors.AsType[*s3err.Error](e.cause)
	if !ok {
		return false
	}
	c := *se
	c.Message, c.Err = scrub.String(c.Message), nil
	*t = &c
	return true
}

// scrubError returns err with a scrubbed text (nil stays nil).
func scrubError(err error) error {
	if err == nil {
		return nil
	}
	if se, ok := err.(*scrubbedError); ok {
		return se
	}
	return &scrubbedError{msg: scrub.String(err.Error()), cause: err}
}

// logPanic writes the stack of a transform's panic at debug level.
func (h *Handler) logPanic(ctx context.Context, requestID string, err error) {
	var pe *transform.PanicError
	if errors.As(err, &pe) && h.log.Enabled(ctx, slog.LevelDebug) {
		h.log.LogAttrs(ctx, slog.LevelDebug, "objectlambda transform panic",
			slog.String("requestId", requestID), slog.String("stack", string(pe.Stack)))
	}
}
