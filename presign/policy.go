package presign

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// Partition names accepted by [WithPartitions].
const (
	PartitionAWS      = "aws"        // *.amazonaws.com, commercial regions
	PartitionAWSChina = "aws-cn"     // *.amazonaws.com.cn, cn-* regions
	PartitionAWSGov   = "aws-us-gov" // *.amazonaws.com, us-gov-* regions
)

const (
	suffixAWS   = "amazonaws.com"
	suffixChina = "amazonaws.com.cn"
)

var (
	reRegionAWS   = regexp.MustCompile(`^[a-z]{2}-[a-z]+-[0-9]{1,2}$`)
	reRegionGov   = regexp.MustCompile(`^us-gov-[a-z]+-[0-9]{1,2}$`)
	reRegionChina = regexp.MustCompile(`^cn-[a-z]+-[0-9]{1,2}$`)
)

// Policy decides which presigned URLs may be fetched and which addresses may
// be dialled. It is immutable after [NewPolicy] and safe for concurrent use.
//
// The zero value and a nil *Policy behave like NewPolicy(): AWS S3 hosts of the
// three public partitions, https only.
type Policy struct {
	partitions map[string]bool
	region     string
	endpoints  []endpoint
	allowed    []netip.Prefix
	err        error // configuration error: Check then refuses everything
	set        bool  // built by NewPolicy
}

type endpoint struct {
	scheme string // "http" or "https"
	host   string // lower-case hostname or IP literal, no brackets
	port   string // explicit or the scheme's default
}

func (e endpoint) String() string {
	return e.scheme + "://" + net.JoinHostPort(e.host, e.port)
}

// PolicyOption configures a [Policy].
type PolicyOption func(*Policy)

// NewPolicy returns a policy that trusts the S3 hosts of the configured
// partitions (default: aws, aws-cn, aws-us-gov) over https on port 443, plus
// any explicitly configured endpoint.
//
// A malformed option (an unparseable endpoint, an unknown partition, an invalid
// region) does not panic: the policy records it, [Policy.Err] reports it and
// [Policy.Check] refuses every URL, so a misconfiguration fails closed.
func NewPolicy(opts ...PolicyOption) *Policy {
	p := &Policy{
		partitions: map[string]bool{PartitionAWS: true, PartitionAWSChina: true, PartitionAWSGov: true},
		set:        true,
	}
	for _, o := range opts {
		if o != nil {
			o(p)
		}
	}
	return p
}

func (p *Policy) fail(err error) { p.err = errors.Join(p.err, err) }

// WithTrustedEndpoint trusts one more origin, given as scheme://host[:port]
// ("http://127.0.0.1:7070", "https://s3.example.internal"). A URL matches it
// when scheme, host and port are exactly equal (the default port of the scheme
// is filled in); any path is allowed, so path-style bucket URLs work. Plain
// http is allowed here because the endpoint was configured on purpose (local
// test servers). A trusted endpoint may resolve to loopback or private
// addresses; AWS hosts may not. A path in rawURL is ignored.
func WithTrustedEndpoint(rawURL string) PolicyOption {
	return func(p *Policy) {
		ep, err := parseEndpoint(rawURL)
		if err != nil {
			p.fail(err)
			return
		}
		p.endpoints = append(p.endpoints, ep)
	}
}

// Environment variables read by [WithEndpointsFromEnv].
const (
	EnvEndpointS3       = "AWS_ENDPOINT_URL_S3"
	EnvEndpoint         = "AWS_ENDPOINT_URL"
	EnvTrustedEndpoints = "OBJECTLAMBDA_TRUSTED_ENDPOINTS"
)

// WithEndpointsFromEnv trusts the S3 endpoint the AWS SDK would use
// (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL) and every comma-separated entry
// of OBJECTLAMBDA_TRUSTED_ENDPOINTS. Pass os.LookupEnv in production; tests
// pass a map lookup. Unset or empty variables add nothing.
func WithEndpointsFromEnv(lookup func(string) (string, bool)) PolicyOption {
	return func(p *Policy) {
		if lookup == nil {
			return
		}
		if v, ok := lookup(EnvEndpointS3); ok && strings.TrimSpace(v) != "" {
			WithTrustedEndpoint(v)(p)
		} else if v, ok := lookup(EnvEndpoint); ok && strings.TrimSpace(v) != "" {
			WithTrustedEndpoint(v)(p)
		}
		if v, ok := lookup(EnvTrustedEndpoints); ok {
			for _, e := range strings.Split(v, ",") {
				if strings.TrimSpace(e) != "" {
					WithTrustedEndpoint(e)(p)
				}
			}
		}
	}
}

// WithPartitions replaces the set of trusted AWS partitions. Known names are
// [PartitionAWS], [PartitionAWSChina] and [PartitionAWSGov]; an unknown name
// is a configuration error. WithPartitions() with no names trusts no AWS host,
// only explicitly configured endpoints.
func WithPartitions(names ...string) PolicyOption {
	return func(p *Policy) {
		p.partitions = map[string]bool{}
		for _, n := range names {
			switch n {
			case PartitionAWS, PartitionAWSChina, PartitionAWSGov:
				p.partitions[n] = true
			default:
				p.fail(fmt.Errorf("presign: unknown partition %q", n))
			}
		}
	}
}

// WithRegion restricts AWS hosts to one region (for example the region of the
// function's supporting access point). The legacy global hosts
// (s3.amazonaws.com, s3-external-1) count as us-east-1.
func WithRegion(region string) PolicyOption {
	return func(p *Policy) {
		if !reRegionAWS.MatchString(region) && !reRegionGov.MatchString(region) {
			p.fail(fmt.Errorf("presign: invalid region %q", region))
			return
		}
		p.region = region
	}
}

// WithAllowedAddresses lets the client dial addresses in the given prefixes
// although they are private. Use it when S3 is reached through an interface
// VPC endpoint with private DNS (the S3 host names then resolve to addresses
// of your VPC, for example 10.0.0.0/16). Never add 169.254.0.0/16 or
// loopback: that is exactly what the guard exists to block.
func WithAllowedAddresses(prefixes ...netip.Prefix) PolicyOption {
	return func(p *Policy) {
		for _, pf := range prefixes {
			if !pf.IsValid() {
				p.fail(errors.New("presign: invalid address prefix"))
				continue
			}
			p.allowed = append(p.allowed, pf.Masked())
		}
	}
}

// Err reports configuration errors collected by [NewPolicy]. When it is not
// nil, Check refuses every URL.
func (p *Policy) Err() error {
	if p == nil {
		return nil
	}
	return p.err
}

// Endpoints returns the explicitly trusted origins as scheme://host:port.
func (p *Policy) Endpoints() []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(p.endpoints))
	for i, e := range p.endpoints {
		out[i] = e.String()
	}
	return out
}

func (p *Policy) effective() *Policy {
	if p == nil || !p.set {
		return NewPolicy()
	}
	return p
}

// Check reports whether u may be fetched. It does no I/O. A refusal is an
// *[UntrustedURLError] that wraps [ErrUntrustedURL].
//
// Accepted are (a) URLs whose scheme, host and port equal an explicitly
// trusted endpoint, and (b) https URLs on the default port, without userinfo,
// whose host is an S3 host of a trusted partition (and region, if set):
//
//	s3.amazonaws.com, s3-external-1.amazonaws.com, s3-{region}.amazonaws.com   (aws, legacy)
//	s3[-fips][.dualstack].{region}.{suffix}                                   (path style)
//	{bucket}.<any of the above>                                               (virtual-hosted style)
//	{name}-{account}.s3-accesspoint[-fips][.dualstack].{region}.{suffix}     (access points)
//
// Host names must be lower-case ASCII: IDN/punycode labels, IP literals,
// trailing dots, percent-escapes and look-alike suffixes are refused.
func (p *Policy) Check(u *url.URL) error {
	p = p.effective()
	if p.err != nil {
		return &UntrustedURLError{Reason: "policy misconfigured: " + p.err.Error()}
	}
	if u == nil {
		return &UntrustedURLError{Reason: "no URL"}
	}
	host := u.Host
	refuse := func(reason string) error { return &UntrustedURLError{Host: safeHost(host), Reason: reason} }
	switch {
	case u.Opaque != "":
		return refuse("opaque URL")
	case u.User != nil:
		return refuse("userinfo is not allowed")
	case host == "":
		return refuse("no host")
	case !isPrintableASCII(host) || strings.ContainsAny(host, "%@\\ "):
		return refuse("host contains characters a DNS name cannot have")
	}
	hostname, port := u.Hostname(), u.Port()
	if p.matchEndpoint(u.Scheme, hostname, port) {
		return nil
	}
	if u.Scheme != "https" {
		return refuse("scheme must be https")
	}
	if port != "" && port != "443" {
		return refuse("only the default https port is trusted")
	}
	if err := checkDNSName(hostname); err != nil {
		return refuse(err.Error())
	}
	part, region, ok := classifyS3Host(hostname)
	if !ok {
		return refuse("not an Amazon S3 host")
	}
	if !p.partitions[part] {
		return refuse("partition " + part + " is not trusted")
	}
	if p.region != "" && region != p.region {
		return refuse("region " + region + " is not trusted")
	}
	return nil
}

// matchEndpoint finds an explicitly trusted endpoint equal to scheme, host and
// port (port empty means the scheme's default).
func (p *Policy) matchEndpoint(scheme, hostname, port string) bool {
	if port == "" {
		port = defaultPort(scheme)
	}
	if !isPrintableASCII(hostname) {
		return false
	}
	if a, err := netip.ParseAddr(hostname); err == nil {
		hostname = a.Unmap().String()
	}
	hostname = strings.ToLower(hostname)
	for _, e := range p.endpoints {
		if e.scheme == scheme && e.host == hostname && e.port == port {
			return true
		}
	}
	return false
}

// trustedDial reports whether a dial to host:port targets an explicitly
// trusted endpoint, which may live on loopback or private addresses.
func (p *Policy) trustedDial(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || !isPrintableASCII(host) {
		return false
	}
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.Unmap().String()
	}
	host = strings.ToLower(host)
	for _, e := range p.effective().endpoints {
		if e.host == host && e.port == port {
			return true
		}
	}
	return false
}

// checkAddr decides whether a resolved address may be dialled for a host that
// is not an explicitly trusted endpoint.
func (p *Policy) checkAddr(a netip.Addr) error {
	a = a.Unmap()
	for _, pf := range p.effective().allowed {
		if pf.Contains(a) {
			return nil
		}
	}
	if forbiddenAddr(a) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, a)
	}
	return nil
}

var extraForbidden = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: may embed any IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("::/96"),          // IPv4-compatible (deprecated)
	netip.MustParsePrefix("2002::/16"),      // 6to4: may embed any IPv4
	netip.MustParsePrefix("2001::/32"),      // Teredo: may embed any IPv4
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("ff00::/8"),       // multicast (belt and braces)
	netip.MustParsePrefix("255.255.255.255/32"),
}

// ipv6GlobalUnicast is the only IPv6 space IANA hands out for public hosts.
// Everything outside it is special: loopback, unspecified, IPv4-mapped,
// -compatible and -translated forms (::ffff:0:a.b.c.d), NAT64, unique-local,
// link-local, multicast and unassigned space. Refusing by what is allowed,
// not by a list of what is not, closes every embedding of IPv4 we did not
// think of.
var ipv6GlobalUnicast = netip.MustParsePrefix("2000::/3")

func forbiddenAddr(a netip.Addr) bool {
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() ||
		a.IsMulticast() {
		return true
	}
	if a.Is6() && !ipv6GlobalUnicast.Contains(a) {
		return true
	}
	for _, pf := range extraForbidden {
		if pf.Contains(a) {
			return true
		}
	}
	return false
}

func parseEndpoint(raw string) (endpoint, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, fmt.Errorf("presign: trusted endpoint is not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return endpoint{}, fmt.Errorf("presign: trusted endpoint %q: scheme must be http or https", safeHost(u.Host))
	}
	if u.User != nil || u.Opaque != "" || u.Host == "" {
		return endpoint{}, fmt.Errorf("presign: trusted endpoint %q: want scheme://host[:port]", safeHost(u.Host))
	}
	host := u.Hostname()
	if host == "" || !isPrintableASCII(host) || strings.ContainsAny(host, "%@\\ ") || strings.HasSuffix(host, ".") {
		return endpoint{}, fmt.Errorf("presign: trusted endpoint %q: bad host", safeHost(u.Host))
	}
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	if n, ok := atoiPort(port); !ok || n == 0 {
		return endpoint{}, fmt.Errorf("presign: trusted endpoint %q: bad port", safeHost(u.Host))
	}
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.Unmap().String()
	}
	return endpoint{scheme: u.Scheme, host: strings.ToLower(host), port: port}, nil
}

func atoiPort(s string) (int, bool) {
	if s == "" || len(s) > 5 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= 65535
}

func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// safeHost makes a host safe to print in logs and error messages.
func safeHost(h string) string {
	if len(h) > 255 {
		h = h[:255]
	}
	return strings.ToValidUTF8(h, "?")
}

// checkDNSName accepts only lower-case LDH host names without IDN labels.
func checkDNSName(h string) error {
	if len(h) == 0 || len(h) > 253 {
		return errors.New("host name length out of range")
	}
	if strings.HasSuffix(h, ".") {
		return errors.New("trailing dot in host name")
	}
	for _, l := range strings.Split(h, ".") {
		if !validLabel(l) {
			return errors.New("host name label is not lower-case letters, digits and hyphens")
		}
		if strings.HasPrefix(l, "xn--") {
			return errors.New("internationalized (punycode) host names are not trusted")
		}
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return errors.New("IP address literals are not trusted")
	}
	return nil
}

func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// classifyS3Host returns the partition and region of an S3 host name, which
// checkDNSName has already accepted.
func classifyS3Host(h string) (partition, region string, ok bool) {
	var prefix string
	china := false
	switch {
	case strings.HasSuffix(h, "."+suffixChina):
		prefix, china = strings.TrimSuffix(h, "."+suffixChina), true
	case strings.HasSuffix(h, "."+suffixAWS):
		prefix = strings.TrimSuffix(h, "."+suffixAWS)
	default:
		return "", "", false
	}
	labels := strings.Split(prefix, ".")
	last := labels[len(labels)-1]
	var rest []string
	accessPoint := false
	switch {
	case last == "s3" || last == "s3-external-1":
		if china {
			return "", "", false
		}
		region, rest = "us-east-1", labels[:len(labels)-1]
	case strings.HasPrefix(last, "s3-") && reRegionAWS.MatchString(last[3:]):
		// Legacy dash-region host (s3-us-west-2.amazonaws.com).
		region, rest = last[3:], labels[:len(labels)-1]
		if china {
			return "", "", false
		}
	default:
		region = last
		n := len(labels) - 1
		if n >= 1 && labels[n-1] == "dualstack" {
			n--
		}
		if n < 1 {
			return "", "", false
		}
		switch labels[n-1] {
		case "s3", "s3-fips":
		case "s3-accesspoint", "s3-accesspoint-fips":
			accessPoint = true
		default:
			return "", "", false
		}
		rest = labels[:n-1]
	}
	switch {
	case china && reRegionChina.MatchString(region):
		partition = PartitionAWSChina
	case !china && reRegionGov.MatchString(region):
		partition = PartitionAWSGov
	case !china && reRegionAWS.MatchString(region) && !strings.HasPrefix(region, "cn-"):
		partition = PartitionAWS
	default:
		return "", "", false
	}
	if accessPoint {
		if len(rest) != 1 || !validAccessPointLabel(rest[0]) {
			return "", "", false
		}
	} else if len(rest) > 0 && !validBucket(rest) {
		return "", "", false
	}
	return partition, region, true
}

// validAccessPointLabel checks "{name}-{12-digit account}" with a 3-50
// character name.
func validAccessPointLabel(l string) bool {
	if len(l) < 3+13 {
		return false
	}
	name, acct := l[:len(l)-13], l[len(l)-13:]
	if acct[0] != '-' {
		return false
	}
	for _, c := range acct[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(name) >= 3 && len(name) <= 50 && validLabel(name)
}

// validBucket checks the bucket part of a virtual-hosted host name.
func validBucket(labels []string) bool {
	b := strings.Join(labels, ".")
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	if _, err := netip.ParseAddr(b); err == nil {
		return false
	}
	return true
}
