package objectlambda

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/objectlambda/sdk-go/internal/scrub"
	"github.com/objectlambda/sdk-go/transform"
)

// logRequest ends a request: it completes the Metrics, ends the request
// span, tells the observers and writes the one summary line. It names the
// request, never its secrets: no presigned URL, no output token, no body
// bytes; error texts are scrubbed of presigned-URL credentials in case user
// code put a URL into an error.
func (h *Handler) logRequest(ctx context.Context, ev *Event, op Operation, start time.Time, status int, code string, bytesIn, bytesOut int64, err, wgorErr error) {
	m := &Metrics{
		RequestID:   ev.XAmzRequestID,
		AccessPoint: ev.Configuration.AccessPointARN,
		Operation:   op,
		StatusCode:  status,
		ErrorCode:   code,
		BytesIn:     bytesIn,
		BytesOut:    bytesOut,
		Duration:    time.Since(start),
		Err:         err,
	}
	m.ReplyErr = wgorErr
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
				slog.Int64("objectlambda.bytes_in", bytesIn), slog.Int64("objectlambda.bytes_out", bytesOut))
			traceID = st.span.TraceID()
			endErr := m.Err
			if endErr == nil {
				endErr = wgorErr
			}
			st.span.End(endErr)
		}
	}
	for _, o := range h.cfg.observers {
		o.ObserveRequest(ctx, m)
	}

	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.String("requestId", m.RequestID),
		slog.String("operation", string(op)),
		slog.Int("status", status),
		slog.Int64("bytesIn", bytesIn),
		slog.Int64("bytesOut", bytesOut),
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
		attrs = append(attrs, slog.String("error", scrub.String(err.Error())))
		if status >= 500 || status == 0 {
			level = slog.LevelError
		}
	}
	if wgorErr != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("wgorError", scrub.String(wgorErr.Error())))
	}
	h.log.LogAttrs(ctx, level, "objectlambda request", attrs...)
	if err != nil {
		h.logPanic(ctx, m.RequestID, err)
	}
}

// logPanic writes the stack of a transform's panic at debug level.
func (h *Handler) logPanic(ctx context.Context, requestID string, err error) {
	var pe *transform.PanicError
	if errors.As(err, &pe) && h.log.Enabled(ctx, slog.LevelDebug) {
		h.log.LogAttrs(ctx, slog.LevelDebug, "objectlambda transform panic",
			slog.String("requestId", requestID), slog.String("stack", string(pe.Stack)))
	}
}
