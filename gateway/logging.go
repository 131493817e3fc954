package gateway

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/objectlambda/sdk-go/internal/scrub"
)

// NewLogger returns the gateway's logger: JSON lines on w at level (debug,
// info, warn, error). Every message and every string or error attribute
// passes through the credential scrubber, so a presigned URL or token that
// reaches a log line anyway is cut ("REDACTED"). New scrubs a logger given
// with WithLogger the same way, whatever its handler.
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	return scrubbed(slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))), nil
}

// scrubbed returns l with the credential scrubber in front of its handler
// (once: a logger from NewLogger passes unchanged).
func scrubbed(l *slog.Logger) *slog.Logger { return slog.New(scrub.Handler(l.Handler())) }
