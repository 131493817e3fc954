package objectlambdatest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// ProtocolVersion is the event protocolVersion the access point sends.
const ProtocolVersion = "1.01"

// operation is what the client asked the access point for.
type operation int

const (
	opGetObject operation = iota
	opHeadObject
	opListObjects
	opListObjectsV2
)

func (o operation) String() string {
	return [...]string{"GetObject", "HeadObject", "ListObjects", "ListObjectsV2"}[o]
}

// Event is one event sent to the function: the parsed aws-lambda-go form for
// assertions, and the exact JSON.
type Event struct {
	events.S3ObjectLambdaEvent
	JSON []byte
}

// The event goes out as an objectlambda.Event: the library's own type, which
// carries userIdentity.userName and invokedBy as AWS sends them.

// Headers the access point signs into inputS3Url when the client sent them
// (DisableHeaderHoisting keeps them in X-Amz-SignedHeaders, as AWS does).
var signedForObject = []string{"X-Amz-Checksum-Mode", "X-Amz-Expected-Bucket-Owner", "X-Amz-Request-Payer"}
var signedForList = []string{"X-Amz-Expected-Bucket-Owner", "X-Amz-Request-Payer"}

// presign builds inputS3Url: the same request on the store, reached through
// the access point's proxy, presigned with the store's credentials.
func (ap *AccessPoint) presign(ctx context.Context, r *http.Request, op operation, key string) (string, error) {
	method := http.MethodGet
	if op == opHeadObject {
		method = http.MethodHead
	}
	path := "/" + ap.cfg.bucket
	q := url.Values{}
	hdrs := signedForList
	switch op {
	case opGetObject, opHeadObject:
		path += "/" + escapeKey(key)
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
	q.Set("X-Amz-Expires", strconv.Itoa(int((ap.cfg.timeLimit+time.Minute)/time.Second)))
	host := strings.TrimPrefix(ap.url, "http://")
	req, err := http.NewRequestWithContext(ctx, method, ap.url+"/", nil)
	if err != nil {
		return "", err
	}
	req.URL.Opaque = "//" + host + path
	req.URL.RawQuery = q.Encode()
	for _, h := range hdrs {
		if v := r.Header.Values(h); len(v) > 0 {
			req.Header[h] = v
		}
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableHeaderHoisting = true
		o.DisableURIPathEscaping = true
	})
	creds := aws.Credentials{AccessKeyID: ap.store.accessKey, SecretAccessKey: ap.store.secretKey}
	signed, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", ap.cfg.region, time.Now().UTC())
	if err != nil {
		return "", fmt.Errorf("presign: %w", err)
	}
	return signed, nil
}

// escapeKey percent-encodes an object key for a URL path the way S3's
// canonical URI does: everything but unreserved characters and '/'.
func escapeKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// virtualHost is the access point's AWS host name, as clients see it on AWS.
func (ap *AccessPoint) virtualHost() string {
	return fmt.Sprintf("%s-%s.s3-object-lambda.%s.amazonaws.com", ap.cfg.apName, ap.cfg.account, ap.cfg.region)
}

// userRequestURL is the decoded URL of the client's request as AWS reports
// it: virtual-hosted, auth parameters removed.
func (ap *AccessPoint) userRequestURL(r *http.Request, op operation, key string) string {
	u := "https://" + ap.virtualHost() + "/"
	if op == opGetObject || op == opHeadObject {
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
		if strings.HasPrefix(strings.ToLower(dk), "x-amz-") && isAuthParam(dk) {
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

func isAuthParam(k string) bool {
	switch strings.ToLower(k) {
	case "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders",
		"x-amz-signature", "x-amz-security-token":
		return true
	}
	return false
}

// userRequestHeaders are the client's headers minus authentication, repeated
// values joined with commas, plus the access point's Host.
func (ap *AccessPoint) userRequestHeaders(r *http.Request) map[string]string {
	h := map[string]string{"Host": ap.virtualHost()}
	for k, vs := range r.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Amz-Security-Token":
			continue
		}
		h[k] = strings.Join(vs, ",")
	}
	return h
}

func (c *Caller) identity() objectlambda.UserIdentity {
	id := objectlambda.UserIdentity{
		Type: c.Type, PrincipalID: c.PrincipalID, ARN: c.ARN, AccountID: c.AccountID,
		AccessKeyID: c.AccessKeyID, UserName: c.UserName,
	}
	if c.SessionIssuer != nil || len(c.SessionAttributes) > 0 {
		attrs := make(map[string]string, len(c.SessionAttributes))
		maps.Copy(attrs, c.SessionAttributes)
		id.SessionContext = &objectlambda.SessionContext{Attributes: attrs}
		if si := c.SessionIssuer; si != nil {
			id.SessionContext.SessionIssuer = &objectlambda.SessionIssuer{
				Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN, AccountID: si.AccountID, UserName: si.UserName,
			}
		}
	}
	return id
}
