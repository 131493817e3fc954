package gateway

import (
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/gateway/internal/sigv4"
)

// Headers that are not passed to the store: the caller's authentication
// (the request is signed again for the store), and those of the
// connection.
var dropOnPassThrough = map[string]bool{
	"Authorization": true, "X-Amz-Date": true, "X-Amz-Security-Token": true, "X-Amz-Content-Sha256": true,
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Content-Length": true, "Expect": true,
}

// passThrough sends an authenticated caller's request to the store, as
// Object Lambda sends requests it does not transform to the supporting
// access point: same method, key, query and headers, on the access point's
// bucket, signed again with the store's credentials, body streamed both
// ways. The caller's declared payload hash is kept, so the store still
// checks a signed body.
func (g *Gateway) passThrough(w http.ResponseWriter, r *http.Request, ap *config.AccessPoint, t s3op.Target, reqID string) {
	hash := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sigv4.IsPresigned(r.URL.Query()) || hash == "":
		hash = "UNSIGNED-PAYLOAD"
	case strings.HasPrefix(hash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), strings.HasPrefix(hash, "STREAMING-AWS4-ECDSA"):
		// The chunk signatures chain from the caller's signature; the store
		// cannot check them once the request is signed again.
		writeError(w, r, http.StatusNotImplemented, "NotImplemented",
			"Signed aws-chunked uploads ("+hash+") cannot be passed to the store; send UNSIGNED-PAYLOAD or a payload hash", reqID)
		return
	}
	sap := ap.ObjectLambdaConfiguration.SupportingAccessPoint
	st := g.stores[sap.Store]
	var body io.Reader
	if r.ContentLength != 0 {
		body = io.NopCloser(r.Body) // the server closes r.Body
	}
	escapedKey := ""
	if t.Key != "" {
		escapedKey = escapeKey(t.Key)
	}
	out, err := st.newRequest(r.Context(), r.Method, sap.Bucket, escapedKey, withoutAuth(r.URL.Query()), body)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.", reqID)
		return
	}
	out.ContentLength = r.ContentLength
	for k, vs := range r.Header {
		if !dropOnPassThrough[http.CanonicalHeaderKey(k)] {
			out.Header[k] = vs
		}
	}
	g.fetch(w, r, st, out, hash, reqID)
}
