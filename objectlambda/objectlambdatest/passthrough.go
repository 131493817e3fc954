package objectlambdatest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest/internal/sigv4"
)

// Headers that are not passed to the store: the caller's authentication
// (the request is signed again for the store), and hop-by-hop headers.
var dropOnPassThrough = map[string]bool{
	"Authorization": true, "X-Amz-Date": true, "X-Amz-Security-Token": true, "X-Amz-Content-Sha256": true,
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Content-Length": true,
}

// passThrough sends an authenticated caller's request to the store, as
// Object Lambda sends requests it does not transform to the supporting
// access point: same method, key, query and headers, signed again with the
// store's credentials, body streamed both ways. The caller's declared
// payload hash is kept, so the store still checks a signed body.
func (ap *AccessPoint) passThrough(w http.ResponseWriter, r *http.Request, t target, reqID string) {
	hash := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sigv4.IsPresigned(r.URL.Query()) || hash == "":
		hash = "UNSIGNED-PAYLOAD"
	case strings.HasPrefix(hash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), strings.HasPrefix(hash, "STREAMING-AWS4-ECDSA"):
		// The chunk signatures chain from the caller's signature; the store
		// cannot check them once the request is signed again.
		writeError(w, r, http.StatusNotImplemented, "NotImplemented",
			"objectlambdatest does not pass signed aws-chunked uploads ("+hash+") to the store; send UNSIGNED-PAYLOAD or a payload hash", reqID)
		return
	}
	out, err := ap.storeRequest(r, t, hash)
	if err != nil {
		ap.log.Warn("objectlambdatest: cannot build the store request", "err", err)
		writeError(w, r, http.StatusInternalServerError, "InternalError", "objectlambdatest: cannot pass the request to the store", reqID)
		return
	}
	resp, err := ap.hc.Do(out)
	if err != nil {
		ap.log.Warn("objectlambdatest: store unreachable", "err", err)
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", "the store behind the access point is unreachable", reqID)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		if !dropOnPassThrough[k] || k == "Content-Length" {
			w.Header()[k] = vs
		}
	}
	if resp.Header.Get("X-Amz-Bucket-Region") != "" {
		// The caller signs for the access point's region, whatever the store's.
		w.Header().Set("X-Amz-Bucket-Region", ap.cfg.region)
	}
	w.Header().Set("X-Amz-Request-Id", reqID)
	w.WriteHeader(resp.StatusCode)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := copyFlush(w, resp.Body); err != nil {
		// The body broke after the status went out: abort the connection so
		// the caller sees a broken transfer, never a short success.
		panic(http.ErrAbortHandler)
	}
}

// storeRequest is r addressed to the store (path-style) and signed with the
// store's credentials.
func (ap *AccessPoint) storeRequest(r *http.Request, t target, payloadHash string) (*http.Request, error) {
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if !isAuthParam(k) {
			q[k] = vs
		}
	}
	path := "/" + escapeKey(t.bucket)
	if t.key != "" {
		path += "/" + escapeKey(t.key)
	}
	var body io.ReadCloser
	if r.ContentLength != 0 {
		body = io.NopCloser(r.Body) // the server closes r.Body
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, ap.store.url+"/", body)
	if err != nil {
		return nil, err
	}
	out.URL.Opaque = "//" + out.URL.Host + path
	out.URL.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	out.ContentLength = r.ContentLength
	for k, vs := range r.Header {
		if !dropOnPassThrough[http.CanonicalHeaderKey(k)] {
			out.Header[k] = vs
		}
	}
	out.Header.Set("X-Amz-Content-Sha256", payloadHash)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: ap.store.accessKey, SecretAccessKey: ap.store.secretKey}
	if err := signer.SignHTTP(r.Context(), creds, out, payloadHash, "s3", ap.cfg.region, time.Now().UTC()); err != nil {
		return nil, err
	}
	return out, nil
}
