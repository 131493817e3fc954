package objectlambda

import (
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
)

// Conditional requests (If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since) are evaluated by the handler, after the transform
// chain, against the object as the caller is served it: the ETag the chain
// gives it, or the stored ETag when the chain gives none (the object's
// version, which is what a transfer manager holds from a HEAD of the
// supporting access point), and its Last-Modified. They are not sent to S3,
// where they would be evaluated against the stored object before any
// transform had its say: a transform's own ETag could never match, and a
// 412 or 304 from S3 would answer for an object the transform denies.
//
// The rules are RFC 9110 section 13.2.2's, as S3 applies them: If-Match
// (strong comparison), else If-Unmodified-Since, may fail the request with
// 412 PreconditionFailed; then If-None-Match (weak comparison), else
// If-Modified-Since, may answer 304 Not Modified. A date that does not
// parse, or lies in the future, is ignored.

// errPreconditionFailed is the 412 of a failed If-Match or
// If-Unmodified-Since.
var errPreconditionFailed = s3err.New(http.StatusPreconditionFailed, s3err.CodePreconditionFailed,
	"At least one of the pre-conditions you specified did not hold")

// precondition evaluates the request's conditional headers against the
// served headers (stored: the upstream's, for the ETag the chain removed).
// It returns 0 to serve the object, 304 or 412.
func precondition(req, served, stored http.Header, now time.Time) int {
	etag := served.Get("Etag")
	if etag == "" {
		etag = stored.Get("Etag")
	}
	modified, hasDate := lastModified(served, stored)
	if v := req.Get("If-Match"); v != "" {
		if !etagListMatches(v, etag, true) {
			return http.StatusPreconditionFailed
		}
	} else if since, ok := requestDate(req.Get("If-Unmodified-Since"), now); ok && hasDate && modified.After(since) {
		return http.StatusPreconditionFailed
	}
	if v := req.Get("If-None-Match"); v != "" {
		if etagListMatches(v, etag, false) {
			return http.StatusNotModified
		}
	} else if since, ok := requestDate(req.Get("If-Modified-Since"), now); ok && hasDate && !modified.After(since) {
		return http.StatusNotModified
	}
	return 0
}

func lastModified(served, stored http.Header) (time.Time, bool) {
	v := served.Get("Last-Modified")
	if v == "" {
		v = stored.Get("Last-Modified")
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// requestDate parses a conditional date; a date in the future is ignored.
func requestDate(v string, now time.Time) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	if err != nil || t.After(now) {
		return time.Time{}, false
	}
	return t, true
}

// etagListMatches reports whether the header value (a list of entity tags,
// or "*") matches etag. A strong comparison never matches weak tags.
func etagListMatches(list, etag string, strong bool) bool {
	if strings.TrimSpace(list) == "*" {
		return true // the object exists: this is a GET or HEAD of it
	}
	if etag == "" {
		return false
	}
	want, wantWeak := opaqueTag(etag)
	for _, candidate := range strings.Split(list, ",") {
		tag, weak := opaqueTag(strings.TrimSpace(candidate))
		if tag == "" || (strong && (weak || wantWeak)) {
			continue
		}
		if tag == want {
			return true
		}
	}
	return false
}

// opaqueTag returns an entity tag without its weakness prefix and quotes.
func opaqueTag(t string) (tag string, weak bool) {
	if rest, ok := strings.CutPrefix(t, "W/"); ok {
		t, weak = rest, true
	}
	return strings.Trim(t, `"`), weak
}
