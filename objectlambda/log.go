package objectlambda

import (
	"context"
	"log/slog"
	"time"
)

// logRequest writes the one summary line per request. It names the request,
// never its secrets: no presigned URL, no output token, no body bytes.
func (h *Handler) logRequest(ctx context.Context, ev *Event, op Operation, start time.Time, status int, code string, bytesIn, bytesOut int64, err, wgorErr error) {
	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.String("requestId", ev.XAmzRequestID),
		slog.String("operation", string(op)),
		slog.Int("status", status),
		slog.Int64("bytesIn", bytesIn),
		slog.Int64("bytesOut", bytesOut),
		slog.Duration("duration", time.Since(start)),
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
	if wgorErr != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("wgorError", wgorErr.Error()))
	}
	h.log.LogAttrs(ctx, level, "objectlambda request", attrs...)
}
