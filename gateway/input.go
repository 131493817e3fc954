package gateway

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/gateway/internal/s3xml"
	"github.com/objectlambda/sdk-go/gateway/internal/sigv4"
)

// inputStore returns the store whose credentials presigned r (an
// inputS3Url the gateway issued for a store other than Amazon S3), or nil.
func (g *Gateway) inputStore(r *http.Request) *store {
	q := r.URL.Query()
	cred := q.Get(sigv4.QueryCredential)
	if cred == "" || q.Get(sigv4.QuerySignature) == "" {
		return nil
	}
	ak, _, _ := strings.Cut(cred, "/")
	for _, st := range g.stores {
		if st.amazon {
			continue
		}
		if c, err := st.credentials(r.Context()); err == nil && c.AccessKeyID == ak {
			return st
		}
	}
	return nil
}

func (g *Gateway) isInput(r *http.Request) bool { return g.inputStore(r) != nil }

// Headers a function may add to an inputS3Url request without their being
// signed: S3 accepts these unsigned in presigned requests, and the
// function needs them for ranges and conditions.
var inputUnsigned = []string{"Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}

// serveInput serves an inputS3Url the gateway presigned: it checks the
// signature as the store would (the method, the key or listing, the signed
// headers, the expiry), refuses x-amz-* headers that were not signed, and
// fetches the same request from the store, signed anew, streaming the
// answer back. A function can read nothing else with it.
func (g *Gateway) serveInput(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Amz-Request-Id", reqID)
	st := g.inputStore(r)
	secretOf := func(ak string) (string, bool) {
		c, err := st.credentials(r.Context())
		if err != nil || c.AccessKeyID != ak {
			return "", false
		}
		return c.SecretAccessKey, true
	}
	now := time.Now()
	p, err := sigv4.VerifyQuery(r, secretOf, "s3", st.region, now)
	if err != nil {
		g.log.Info("objectlambda-gateway: inputS3Url refused", "requestId", reqID, "err", err)
		authError(err, true, p.AccessKeyID, r, now).write(w, r, reqID)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// The gateway presigns reads only; whoever signed this holds the
		// store's keys and can ask the store itself.
		writeError(w, r, http.StatusForbidden, "AccessDenied", msgAccessDenied, reqID)
		return
	}
	if unsigned := unsignedAmzHeaders(r, p.SignedHeaders); len(unsigned) > 0 {
		refuse(http.StatusForbidden, "AccessDenied", "There were headers present in the request which were not signed",
			s3xml.Elem{Name: "HeadersNotSigned", Value: strings.Join(unsigned, ", ")}).write(w, r, reqID)
		return
	}
	path, _, _ := strings.Cut(r.RequestURI, "?")
	escapedBucket, escapedKey, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	bucket, err := url.PathUnescape(escapedBucket)
	if err != nil || bucket == "" {
		writeError(w, r, http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.", reqID)
		return
	}
	out, err := st.newRequest(r.Context(), r.Method, bucket, escapedKey, withoutAuth(r.URL.Query()), nil)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.", reqID)
		return
	}
	for _, name := range p.SignedHeaders {
		if name != "host" {
			out.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}
	for _, h := range inputUnsigned {
		if v := r.Header.Values(h); len(v) > 0 {
			out.Header[h] = v
		}
	}
	g.fetch(w, r, st, out, "UNSIGNED-PAYLOAD", reqID)
}

// fetch sends out to the store, signed with the store's credentials for
// payloadHash, and streams the answer to w.
func (g *Gateway) fetch(w http.ResponseWriter, r *http.Request, st *store, out *http.Request, payloadHash, reqID string) {
	if err := st.sign(r.Context(), out, payloadHash); err != nil {
		g.log.Warn("objectlambda-gateway: cannot sign for the store", "requestId", reqID, "store", st.name, "err", err)
		writeError(w, r, http.StatusInternalServerError, "InternalError", msgInternal, reqID)
		return
	}
	resp, err := g.hc.Do(out)
	if err != nil {
		g.log.Warn("objectlambda-gateway: store unreachable", "requestId", reqID, "store", st.name, "err", err)
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", "The store behind the access point is unreachable.", reqID)
		return
	}
	copyStoreHeaders(w.Header(), resp.Header)
	if resp.Header.Get("X-Amz-Bucket-Region") != "" {
		// The caller signs for the gateway's region, whatever the store's.
		w.Header().Set("X-Amz-Bucket-Region", g.cfg.Region)
	}
	w.Header().Set("X-Amz-Request-Id", reqID)
	if bt, ok := w.(bodyTaker); ok && r.Method != http.MethodHead {
		// An in-process reader takes the store's body as it is: no copy.
		bt.takeBody(resp.StatusCode, resp.Body)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := g.copyFlush(w, resp.Body); err != nil {
		// The body broke after the status went out: abort the connection so
		// the reader sees a broken transfer, never a short success.
		panic(http.ErrAbortHandler)
	}
}

// unsignedAmzHeaders lists the x-amz-* headers of r that signed does not
// name.
func unsignedAmzHeaders(r *http.Request, signed []string) []string {
	var out []string
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !slices.Contains(signed, lk) {
			out = append(out, lk)
		}
	}
	slices.Sort(out)
	return out
}

// withoutAuth is the query without SigV4 query authentication, encoded
// for S3 (spaces as %20).
func withoutAuth(q url.Values) string {
	out := url.Values{}
	for k, vs := range q {
		if !isAuthParam(k) {
			out[k] = vs
		}
	}
	return strings.ReplaceAll(out.Encode(), "+", "%20")
}

// copyStoreHeaders copies the store's answer headers, minus those of the
// connection.
func copyStoreHeaders(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = vs
	}
	for _, h := range hopByHop {
		dst.Del(h)
	}
}
