package gateway

import (
	"errors"
	"io"
	"net/http"
	"net/netip"
	"time"

	"github.com/objectlambda/sdk-go/gateway/internal/cluster"
)

// hopByHop are headers of one connection, never forwarded.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Expect"}

// forward streams a WriteGetObjectResponse call to the replica at addr,
// which holds the caller: headers (the function's signature among them)
// and body as they came, plus the cluster's MAC over route and token, and
// the peer's answer back to the function. The body is streamed, never
// buffered: the caller's connection paces the function.
func (g *Gateway) forward(c *wgorRequest, addr netip.AddrPort) {
	r := c.r
	c.call.Forwarded = true
	scheme := "http://"
	if g.tls != nil {
		scheme = "https://"
	}
	var body io.Reader = r.Body
	if r.ContentLength == 0 {
		body = http.NoBody
	}
	out, err := http.NewRequestWithContext(r.Context(), http.MethodPost, scheme+addr.String()+"/", body)
	if err != nil {
		c.reject(refuse(http.StatusInternalServerError, "InternalError", msgInternal), err)
		return
	}
	// The path as it came (the function signed it), in origin form: an
	// absolute URI would make the peer see its own address as the Host.
	out.URL.Path, out.URL.RawPath, out.URL.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	out.Host = r.Host // the function signed it
	out.ContentLength = r.ContentLength
	out.Header = r.Header.Clone()
	for _, h := range hopByHop {
		out.Header.Del(h)
	}
	out.Header.Set(cluster.Header, g.cluster.Sign(c.route, c.token, time.Now()))
	resp, err := g.peers.Do(out)
	if err != nil {
		g.log.Warn("objectlambda-gateway: the replica holding the caller is unreachable", "requestId", c.reqID, "replica", addr.String(), "err", err)
		c.reject(refuse(http.StatusServiceUnavailable, "ServiceUnavailable", "The request could not be delivered; retry."), err)
		return
	}
	defer resp.Body.Close()
	c.call.Response = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		c.call.Err = errors.New("the replica holding the caller refused the call")
	}
	c.finish()
	for k, vs := range resp.Header {
		c.w.Header()[k] = vs
	}
	for _, h := range hopByHop {
		c.w.Header().Del(h)
	}
	c.w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(c.w, resp.Body)
}
