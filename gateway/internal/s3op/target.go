package s3op

import (
	"net"
	"net/http"
	"strings"
)

// Target is what a request addresses.
type Target struct {
	Bucket  string // "" for a service-level request (ListBuckets)
	Key     string // "" for a bucket-level request
	Virtual bool   // the bucket came from the Host header
}

// LocalhostDomain is always accepted for virtual-hosted requests: browsers,
// curl and systemd-resolved map every *.localhost name to the loopback
// address, so bucket.localhost:port works without DNS set-up.
const LocalhostDomain = "localhost"

// Addressing tells virtual-hosted requests (Host: bucket.domain) from
// path-style ones (/bucket/key): a Host that is a sub-domain of one of
// Domains, or of LocalhostDomain, names the bucket.
type Addressing struct {
	Domains []string // lower-case host names without port, e.g. s3.example.com
}

// TargetOf reads bucket and key from the Host header (virtual-hosted
// addressing) or from the path (path-style), as S3 does. The key is the
// decoded path.
func (a Addressing) TargetOf(r *http.Request) Target {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := a.bucketFromHost(r.Host); b != "" {
		return Target{Bucket: b, Key: path, Virtual: true}
	}
	bucket, key, _ := strings.Cut(path, "/")
	return Target{Bucket: bucket, Key: key}
}

// bucketFromHost returns the bucket of a virtual-hosted Host header
// ("b.localhost:8080" → "b"), or "" for any other host.
func (a Addressing) bucketFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range append([]string{LocalhostDomain}, a.Domains...) {
		if b, ok := strings.CutSuffix(host, "."+d); ok && b != "" {
			return b
		}
	}
	return ""
}
