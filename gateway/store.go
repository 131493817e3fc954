package gateway

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/objectlambda/sdk-go/gateway/config"
)

// store is an S3-compatible store as the gateway reaches it.
type store struct {
	name      string
	region    string
	aws       aws.Config // credentials (and region, endpoint) for callers of Store
	base      *url.URL   // scheme://host[:port]
	pathStyle bool
	// amazon: the store is Amazon S3, which functions reach and trust
	// themselves: their inputS3Url points at it directly. Any other store is
	// read through the gateway (inputS3Url on the gateway, checked and
	// fetched by it), since a function trusts one endpoint besides AWS's
	// own hosts and may not reach the store at all.
	amazon bool
}

// buildStores reads each store's credentials.
func (g *Gateway) buildStores(ctx context.Context, src config.Source) []error {
	var errs []error
	for i := range g.cfg.Stores {
		s := &g.cfg.Stores[i]
		ac, err := awsConfig(ctx, s.Region, s.Endpoint, s.Credentials, fmt.Sprintf("Stores[%d].Credentials", i), src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		st := &store{name: s.Name, region: s.Region, aws: ac, pathStyle: s.UsePathStyle}
		endpoint := s.Endpoint
		if endpoint == "" {
			st.amazon = true
			endpoint = amazonS3Endpoint(s.Region)
		}
		if st.base, err = url.Parse(strings.TrimSuffix(endpoint, "/")); err != nil {
			errs = append(errs, fmt.Errorf("Stores[%d].Endpoint: %w", i, err))
			continue
		}
		g.stores[s.Name] = st
	}
	return errs
}

// amazonS3Endpoint is Amazon S3's regional endpoint.
func amazonS3Endpoint(region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://s3." + region + "." + suffix
}

// credentials are the store's current credentials (cached by the SDK's
// provider when they expire).
func (s *store) credentials(ctx context.Context) (aws.Credentials, error) {
	if s.aws.Credentials == nil {
		return aws.Credentials{}, fmt.Errorf("store %s has no credentials", s.name)
	}
	return s.aws.Credentials.Retrieve(ctx)
}

// location is where bucket and escaped key ("" for the bucket itself) are
// on the store: its host and escaped path, path-style or virtual-hosted.
func (s *store) location(bucket, escapedKey string) (host, rawPath string) {
	if !s.pathStyle {
		return bucket + "." + s.base.Host, "/" + escapedKey
	}
	rawPath = "/" + escapeKey(bucket)
	if escapedKey != "" {
		rawPath += "/" + escapedKey
	}
	return s.base.Host, rawPath
}

// newRequest is a request to the store for bucket and escaped key, with
// body (nil for none), to be signed by sign.
func (s *store) newRequest(ctx context.Context, method, bucket, escapedKey, rawQuery string, body io.Reader) (*http.Request, error) {
	host, rawPath := s.location(bucket, escapedKey)
	req, err := http.NewRequestWithContext(ctx, method, s.base.Scheme+"://"+host+"/", body)
	if err != nil {
		return nil, err
	}
	req.URL.RawPath = rawPath
	if req.URL.Path, err = url.PathUnescape(rawPath); err != nil {
		return nil, err
	}
	req.URL.RawQuery = rawQuery
	return req, nil
}

// sign signs req with the store's credentials (header authentication).
func (s *store) sign(ctx context.Context, req *http.Request, payloadHash string) error {
	creds, err := s.credentials(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	return signer.SignHTTP(ctx, creds, req, payloadHash, "s3", s.region, time.Now().UTC())
}

// escapeKey percent-encodes an object key for a URL path the way S3's
// canonical URI does: everything but unreserved characters and '/'.
func escapeKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
