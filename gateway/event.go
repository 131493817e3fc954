package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// ProtocolVersion is the event protocolVersion the gateway sends.
const ProtocolVersion = "1.01"

// Headers signed into inputS3Url when the caller sent them, as AWS signs
// them (kept in X-Amz-SignedHeaders rather than hoisted into the query),
// so that the function must replay them.
var (
	signedForObject = []string{"X-Amz-Checksum-Mode", "X-Amz-Expected-Bucket-Owner", "X-Amz-Request-Payer"}
	signedForList   = []string{"X-Amz-Expected-Bucket-Owner", "X-Amz-Request-Payer"}
)

// inputExpiry is how long an inputS3Url stays valid after the time limit:
// long enough for a function's last Range read, short enough to be of no
// use afterwards.
const inputExpiry = 30 * time.Second

// event builds the event of op for the caller's request, without its
// operation's context (the caller adds it with inputS3Url).
func (g *Gateway) event(r *http.Request, caller *config.Caller, ap *config.AccessPoint, rt config.Route, op, key, reqID string) objectlambda.Event {
	return objectlambda.Event{
		XAmzRequestID: reqID,
		Configuration: objectlambda.Configuration{
			AccessPointARN:           g.cfg.AccessPointARN(ap.Name),
			SupportingAccessPointARN: g.cfg.SupportingAccessPointARN(ap.Name),
			Payload:                  objectlambda.Payload(rt.Payload),
		},
		UserRequest:     objectlambda.UserRequest{URL: g.userRequestURL(r, ap, op, key), Headers: objectlambda.Headers(g.userRequestHeaders(r, ap))},
		UserIdentity:    caller.Identity(),
		ProtocolVersion: ProtocolVersion,
	}
}

// presign builds inputS3Url: the caller's request on the store, presigned
// with the store's credentials for one method (GET, or HEAD for a
// HeadObject) and one key or listing, valid for the time limit and a
// little more, with the caller's x-amz-checksum-mode, expected bucket
// owner and request payer as signed headers. It points at the store when
// direct (Amazon S3, or a function that trusts the store), else at the
// gateway (base), which checks it and fetches.
func (g *Gateway) presign(ctx context.Context, r *http.Request, st *store, bucket, op, key, base string, direct bool) (string, error) {
	method := http.MethodGet
	if op == s3op.HeadObject {
		method = http.MethodHead
	}
	q := url.Values{}
	hdrs := signedForList
	escapedKey := ""
	switch op {
	case s3op.GetObject, s3op.HeadObject:
		escapedKey = escapeKey(key)
		if v := r.URL.Query().Get("versionId"); v != "" {
			q.Set("versionId", v)
		}
		hdrs = signedForObject
	default:
		for k, vs := range r.URL.Query() {
			if !strings.HasPrefix(strings.ToLower(k), "x-amz-") {
				q[k] = vs
			}
		}
	}
	q.Set("X-Amz-Expires", strconv.Itoa(int((g.timeLimit+inputExpiry)/time.Second)))
	var host, rawPath string
	if direct || st.amazon {
		host, rawPath = st.location(bucket, escapedKey)
		base = st.base.Scheme + "://" + host
	} else {
		u, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		host = u.Host
		rawPath = "/" + escapeKey(bucket)
		if op == s3op.GetObject || op == s3op.HeadObject {
			rawPath += "/" + escapedKey
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"/", nil)
	if err != nil {
		return "", err
	}
	req.URL.Opaque = "//" + host + rawPath
	req.URL.RawQuery = q.Encode()
	for _, h := range hdrs {
		if v := r.Header.Values(h); len(v) > 0 {
			req.Header[h] = v
		}
	}
	creds, err := st.credentials(ctx)
	if err != nil {
		return "", err
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableHeaderHoisting = true
		o.DisableURIPathEscaping = true
	})
	signed, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", st.region, time.Now().UTC())
	if err != nil {
		return "", fmt.Errorf("presign: %w", err)
	}
	return signed, nil
}

// virtualHost is the access point's AWS host name, as callers see it on
// AWS.
func (g *Gateway) virtualHost(ap *config.AccessPoint) string {
	return ap.Name + "-" + g.cfg.AccountID + ".s3-object-lambda." + g.cfg.Region + ".amazonaws.com"
}

// userRequestURL is the decoded URL of the caller's request as AWS reports
// it: virtual-hosted, authentication parameters removed.
func (g *Gateway) userRequestURL(r *http.Request, ap *config.AccessPoint, op, key string) string {
	u := "https://" + g.virtualHost(ap) + "/"
	if op == s3op.GetObject || op == s3op.HeadObject {
		u += key
	}
	var parts []string
	for p := range strings.SplitSeq(r.URL.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, v, hasEq := strings.Cut(p, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		if isAuthParam(dk) {
			continue
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		if hasEq {
			parts = append(parts, dk+"="+v)
		} else {
			parts = append(parts, dk)
		}
	}
	if len(parts) > 0 {
		u += "?" + strings.Join(parts, "&")
	}
	return u
}

// isAuthParam reports a query parameter of SigV4 query authentication.
func isAuthParam(k string) bool {
	switch strings.ToLower(k) {
	case "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders",
		"x-amz-signature", "x-amz-security-token":
		return true
	}
	return false
}

// userRequestHeaders are the caller's headers minus authentication,
// repeated values joined with commas, plus the access point's Host.
func (g *Gateway) userRequestHeaders(r *http.Request, ap *config.AccessPoint) map[string]string {
	h := map[string]string{"Host": g.virtualHost(ap)}
	for k, vs := range r.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Amz-Security-Token":
			continue
		}
		h[k] = strings.Join(vs, ",")
	}
	return h
}
