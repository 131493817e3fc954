package textkit

import (
	"mime"
	"strings"
)

// MediaTypeMatches reports whether the media type of contentType (parameters
// ignored, case-insensitive) matches one of patterns. A pattern is a full
// type ("application/json"), a type wildcard ("text/*") or a structured
// suffix ("+json"). An empty pattern list matches everything.
func MediaTypeMatches(contentType string, patterns []string) bool {
	if len(patterns) == 0 {
		return true
	}
	mt := MediaType(contentType)
	if mt == "" {
		return false
	}
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		switch {
		case p == "*/*" || p == "*":
			return true
		case strings.HasPrefix(p, "+"):
			if strings.HasSuffix(mt, p) {
				return true
			}
		case strings.HasSuffix(p, "/*"):
			if strings.HasPrefix(mt, p[:len(p)-1]) {
				return true
			}
		case mt == p:
			return true
		}
	}
	return false
}

// MediaType returns the lower-cased media type of a Content-Type value
// without parameters, or "" when it cannot be parsed.
func MediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Be tolerant of sloppy parameters: keep what precedes ';'.
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.TrimSpace(mt)
		if strings.Count(mt, "/") != 1 {
			return ""
		}
	}
	return strings.ToLower(mt)
}
