package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/objectlambda/sdk-go/internal/scrub"
)

// NewLogger returns the gateway's logger: JSON lines on w at level (debug,
// info, warn, error). Every message and every string or error attribute
// passes through the credential scrubber, so a presigned URL or token that
// reaches a log line anyway is cut ("REDACTED").
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l, ReplaceAttr: scrubAttr})
	return slog.New(scrubMessages{h}), nil
}

// scrubAttr scrubs string and error values.
func scrubAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(scrub.String(a.Value.String()))
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(scrub.String(err.Error()))
		}
	}
	return a
}

// scrubMessages scrubs the message of every record (ReplaceAttr does not
// see it).
type scrubMessages struct{ slog.Handler }

func (s scrubMessages) Handle(ctx context.Context, r slog.Record) error {
	r.Message = scrub.String(r.Message)
	return s.Handler.Handle(ctx, r)
}

func (s scrubMessages) WithAttrs(attrs []slog.Attr) slog.Handler {
	return scrubMessages{s.Handler.WithAttrs(attrs)}
}

func (s scrubMessages) WithGroup(name string) slog.Handler {
	return scrubMessages{s.Handler.WithGroup(name)}
}
