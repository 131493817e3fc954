package scrub

import (
	"context"
	"log/slog"
)

// Handler wraps h so that every record's message and every string, error
// and group value among its attributes (those of the record and those
// added with WithAttrs) pass through String before h sees them. Wrapping a
// Handler twice scrubs once.
func Handler(h slog.Handler) slog.Handler {
	if _, ok := h.(handler); ok {
		return h
	}
	return handler{h}
}

type handler struct{ next slog.Handler }

func (s handler) Enabled(ctx context.Context, l slog.Level) bool { return s.next.Enabled(ctx, l) }

func (s handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(Attr(a))
		return true
	})
	return s.next.Handle(ctx, out)
}

func (s handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = Attr(a)
	}
	return handler{s.next.WithAttrs(clean)}
}

func (s handler) WithGroup(name string) slog.Handler { return handler{s.next.WithGroup(name)} }

// Attr returns a with its value scrubbed: strings and errors through
// String (an error becomes its scrubbed message), groups member by member,
// LogValuers resolved first. Other kinds carry no text and pass unchanged.
func Attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, m := range g {
			clean[i] = Attr(m)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			a.Value = slog.StringValue(String(err.Error()))
		} else {
			a.Value = v
		}
	default:
		a.Value = v
	}
	return a
}
