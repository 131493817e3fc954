package presign

import (
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const q = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"

func TestPolicyCheckDefaultAccepts(t *testing.T) {
	p := NewPolicy()
	for _, raw := range []string{
		"https://s3.amazonaws.com/bucket/key",
		"https://bucket.s3.amazonaws.com/key",
		"https://s3-external-1.amazonaws.com/bucket/key",
		"https://bucket.s3-external-1.amazonaws.com/key",
		"https://s3-us-west-2.amazonaws.com/bucket/key",
		"https://s3.us-east-1.amazonaws.com/bucket/key",
		"https://bucket.s3.eu-central-1.amazonaws.com/key",
		"https://my.dotted.bucket.s3.us-west-2.amazonaws.com/key",
		"https://0xn--0.s3.amazonaws.com/key", // "xn--" inside a label is not punycode
		"https://s3-fips.us-east-1.amazonaws.com/bucket/key",
		"https://bucket.s3-fips.us-east-2.amazonaws.com/key",
		"https://s3.dualstack.ap-southeast-2.amazonaws.com/bucket/key",
		"https://bucket.s3-fips.dualstack.us-east-1.amazonaws.com/key",
		"https://my-s3-ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/example" + q,
		"https://myap-123412341234.s3-accesspoint.us-east-1.amazonaws.com/s3.txt" + q,
		"https://myap-111122223333.s3-accesspoint-fips.us-east-1.amazonaws.com/k",
		"https://myap-111122223333.s3-accesspoint.dualstack.eu-west-1.amazonaws.com/k",
		"https://myap-111122223333.s3-accesspoint-fips.dualstack.us-west-2.amazonaws.com/k",
		"https://s3.cn-north-1.amazonaws.com.cn/bucket/key",
		"https://bucket.s3.cn-northwest-1.amazonaws.com.cn/key",
		"https://myap-111122223333.s3-accesspoint.cn-north-1.amazonaws.com.cn/k",
		"https://s3.us-gov-west-1.amazonaws.com/bucket/key",
		"https://s3-fips.us-gov-east-1.amazonaws.com/bucket/key",
		"https://myap-111122223333.s3-accesspoint-fips.us-gov-west-1.amazonaws.com/k",
		"https://bucket.s3.us-east-1.amazonaws.com:443/key",
		"https://s3.us-east-1.amazonaws.com/",
		"https://s3.amazonaws.com:/key", // empty port means the default port
	} {
		t.Run(raw, func(t *testing.T) {
			u, err := url.Parse(raw)
			require.NoError(t, err)
			assert.NoError(t, p.Check(u))
		})
	}
}

// hostileURLs are refused by the default policy (and by a policy that also
// trusts http://127.0.0.1:7070). The SSRF test reuses them.
var hostileURLs = []string{
	"http://s3.amazonaws.com/bucket/key",                                  // not https
	"ftp://s3.amazonaws.com/bucket/key",                                   // scheme
	"https://s3.amazonaws.com.evil.com/bucket/key",                        // suffix look-alike
	"https://s3.us-east-1.amazonaws.com.evil.com/key",                     // suffix look-alike
	"https://amazonaws.com@evil.com/key",                                  // userinfo trick
	"https://user:pw@s3.amazonaws.com/key",                                // userinfo
	"https://evil.com#@s3.amazonaws.com/key",                              // fragment trick
	"https://evil.com?.s3.amazonaws.com/key",                              // query trick
	"https://evilamazonaws.com/key",                                       // no label boundary
	"https://s3.evilamazonaws.com/key",                                    // no label boundary
	"https://amazonaws.com/key",                                           // bare suffix
	"https://ec2.us-east-1.amazonaws.com/",                                // other service
	"https://sts.amazonaws.com/",                                          // other service
	"https://s3-object-lambda.us-east-1.amazonaws.com/",                   // not a fetch target
	"https://s3.amazonaws.com./bucket/key",                                // trailing dot
	"https://S3.AMAZONAWS.COM/bucket/key",                                 // upper case
	"https://s3.amazonaws.co%6D/bucket",                                   // percent escape
	"https://s3.xn--amazonaws-xyz.com/key",                                // punycode
	"https://xn--s3-abc.s3.amazonaws.com/key",                             // punycode bucket
	"https://s3.amazonaws.сom/key",                                        // Cyrillic es
	"https://s3.amazonaws.com:8443/key",                                   // port
	"https://s3.amazonaws.com:80/key",                                     // port
	"https://127.0.0.1/key",                                               // IP literal
	"https://127.0.0.1:7071/key",                                          // IP literal, other port
	"https://2130706433/key",                                              // decimal IP
	"https://0x7f000001/key",                                              // hex IP
	"https://0177.0.0.1/key",                                              // octal IP
	"https://[::1]/key",                                                   // IPv6 loopback
	"https://[::ffff:169.254.169.254]/latest/meta-data/",                  // mapped metadata
	"https://169.254.169.254/latest/meta-data/",                           // metadata
	"http://169.254.169.254/latest/meta-data/",                            // metadata, http
	"https://[fd00:ec2::254]/latest/meta-data/",                           // IPv6 metadata
	"https://localhost/key",                                               // loopback name
	"https://localhost.s3.amazonaws.com.localhost/key",                    // look-alike
	"https://s3.us-east-1.amazonaws.com.cn/key",                           // wrong region for cn
	"https://s3.cn-north-1.amazonaws.com/key",                             // cn region on .com
	"https://s3-accesspoint.us-east-1.amazonaws.com/key",                  // access point without name
	"https://ap-1234.s3-accesspoint.us-east-1.amazonaws.com/key",          // bad account
	"https://a.b-111122223333.s3-accesspoint.us-east-1.amazonaws.com/key", // two labels
	"https://bucket.s3-website-us-east-1.amazonaws.com/key",               // website endpoint
	"https://bucket.s3.us-east-1.amazonaws.com\\@evil.com/key",            // backslash
	"https://-bucket.s3.amazonaws.com/key",                                // bad label
	"https://127.0.0.1.s3.amazonaws.com/key",                              // IP-shaped bucket
	"https://bucket.s3.us-east-1.amazonaws.com%2f.evil.com/key",           // escaped slash
	"https:///s3.amazonaws.com/key",                                       // empty host
	"https:s3.amazonaws.com/key",                                          // opaque
	"//s3.amazonaws.com/key",                                              // no scheme
	"https://bucket.s3.dualstack.amazonaws.com/key",                       // dualstack without region
	"https://bucket.s3.fips.us-east-1.amazonaws.com/key",                  // fips label misuse
	"https://s3.us-east-1.amazonaws.com\x00.evil.com/key",                 // NUL
	"http://127.0.0.1:7070.evil.com/key",                                  // endpoint look-alike
	"https://127.0.0.1:7070/key",                                          // endpoint with wrong scheme
	"http://localhost:7070/key",                                           // endpoint by another name
	"http://[::1]:7070/key",                                               // endpoint by another address
	"https://bucket.s3.us-east-1.amazonaws.com.:443/key",                  // trailing dot with port
	"https://bucket.s3.us-east-1.amazonaws.com:0443/key",                  // odd port
}

func TestPolicyCheckRefuses(t *testing.T) {
	p := NewPolicy(WithTrustedEndpoint("http://127.0.0.1:7070"))
	require.NoError(t, p.Err())
	for _, raw := range hostileURLs {
		t.Run(raw, func(t *testing.T) {
			u, err := url.Parse(raw)
			if err != nil {
				return // Go refuses it already; Fetch maps that to ErrUntrustedURL too
			}
			err = p.Check(u)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrUntrustedURL)
			var ue *UntrustedURLError
			require.True(t, errors.As(err, &ue))
			assert.NotContains(t, err.Error(), "X-Amz-Signature")
		})
	}
}

func TestPolicyEndpoints(t *testing.T) {
	p := NewPolicy(
		WithTrustedEndpoint("http://127.0.0.1:7070"),
		WithTrustedEndpoint("https://S3.Example.Internal"),
		WithTrustedEndpoint("http://[::1]:9000/"),
	)
	require.NoError(t, p.Err())
	assert.Equal(t, []string{"http://127.0.0.1:7070", "https://s3.example.internal:443", "http://[::1]:9000"}, p.Endpoints())
	cases := []struct {
		raw string
		ok  bool
	}{
		{"http://127.0.0.1:7070/bucket/key" + q, true},
		{"http://127.0.0.1:7070/", true},
		{"https://127.0.0.1:7070/bucket/key", false},
		{"http://127.0.0.1:7071/bucket/key", false},
		{"http://127.0.0.1/bucket/key", false},
		{"https://s3.example.internal/bucket/key", true},
		{"https://s3.example.internal:443/bucket/key", true},
		{"https://S3.EXAMPLE.INTERNAL/bucket/key", true},
		{"http://s3.example.internal/bucket/key", false},
		{"https://bucket.s3.example.internal/key", false},
		{"https://s3.example.internal.evil.com/key", false},
		{"http://[::1]:9000/bucket/key", true},
		{"http://[::ffff:127.0.0.1]:7070/bucket/key", true}, // same address
		{"http://user@127.0.0.1:7070/bucket/key", false},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			if tc.ok {
				assert.NoError(t, p.Check(u))
			} else {
				assert.ErrorIs(t, p.Check(u), ErrUntrustedURL)
			}
		})
	}
	assert.True(t, p.trustedDial("127.0.0.1:7070"))
	assert.True(t, p.trustedDial("[::1]:9000"))
	assert.True(t, p.trustedDial("s3.example.internal:443"))
	assert.False(t, p.trustedDial("127.0.0.1:7071"))
	assert.False(t, p.trustedDial("localhost:7070"))
	assert.False(t, p.trustedDial("garbage"))
}

func TestPolicyEnv(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"none", nil, []string{}},
		{"s3 wins", map[string]string{EnvEndpointS3: "http://127.0.0.1:7070", EnvEndpoint: "http://127.0.0.1:8080"}, []string{"http://127.0.0.1:7070"}},
		{"generic", map[string]string{EnvEndpoint: "http://127.0.0.1:8080"}, []string{"http://127.0.0.1:8080"}},
		{"empty s3 falls back", map[string]string{EnvEndpointS3: " ", EnvEndpoint: "https://s3.local"}, []string{"https://s3.local:443"}},
		{"list", map[string]string{EnvTrustedEndpoints: "http://a.test:1, ,https://b.test"}, []string{"http://a.test:1", "https://b.test:443"}},
		{"both", map[string]string{EnvEndpoint: "http://x.test", EnvTrustedEndpoints: "http://y.test:2"}, []string{"http://x.test:80", "http://y.test:2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPolicy(WithEndpointsFromEnv(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }))
			require.NoError(t, p.Err())
			assert.Equal(t, tc.want, p.Endpoints())
		})
	}
}

func TestPolicyMisconfiguredFailsClosed(t *testing.T) {
	aws, _ := url.Parse("https://s3.us-east-1.amazonaws.com/b/k")
	for name, opt := range map[string]PolicyOption{
		"bad scheme":      WithTrustedEndpoint("ftp://x"),
		"no host":         WithTrustedEndpoint("http://"),
		"userinfo":        WithTrustedEndpoint("http://u:p@x.test"),
		"bad port":        WithTrustedEndpoint("http://x.test:99999"),
		"not a url":       WithTrustedEndpoint("http://[::1"),
		"unknown part":    WithPartitions("aws-iso"),
		"bad region":      WithRegion("Mars-1"),
		"bad prefix":      WithAllowedAddresses(netip.Prefix{}),
		"env with gunk":   WithEndpointsFromEnv(func(string) (string, bool) { return "::not a url", true }),
		"trailing dot ep": WithTrustedEndpoint("http://x.test.:80"),
	} {
		t.Run(name, func(t *testing.T) {
			p := NewPolicy(opt)
			require.Error(t, p.Err())
			err := p.Check(aws)
			assert.ErrorIs(t, err, ErrUntrustedURL)
			assert.Contains(t, err.Error(), "misconfigured")
		})
	}
}

func TestPolicyPartitionsAndRegion(t *testing.T) {
	cases := []struct {
		name string
		opts []PolicyOption
		raw  string
		ok   bool
	}{
		{"aws only refuses cn", []PolicyOption{WithPartitions(PartitionAWS)}, "https://s3.cn-north-1.amazonaws.com.cn/b", false},
		{"aws only refuses gov", []PolicyOption{WithPartitions(PartitionAWS)}, "https://s3.us-gov-west-1.amazonaws.com/b", false},
		{"aws only accepts aws", []PolicyOption{WithPartitions(PartitionAWS)}, "https://s3.us-west-2.amazonaws.com/b", true},
		{"gov only", []PolicyOption{WithPartitions(PartitionAWSGov)}, "https://s3.us-gov-west-1.amazonaws.com/b", true},
		{"gov only refuses aws", []PolicyOption{WithPartitions(PartitionAWSGov)}, "https://s3.amazonaws.com/b", false},
		{"no partitions", []PolicyOption{WithPartitions()}, "https://s3.amazonaws.com/b", false},
		{"region match", []PolicyOption{WithRegion("eu-west-1")}, "https://myap-111122223333.s3-accesspoint.eu-west-1.amazonaws.com/k", true},
		{"region mismatch", []PolicyOption{WithRegion("eu-west-1")}, "https://myap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/k", false},
		{"global is us-east-1", []PolicyOption{WithRegion("us-east-1")}, "https://bucket.s3.amazonaws.com/k", true},
		{"global not eu", []PolicyOption{WithRegion("eu-west-1")}, "https://bucket.s3.amazonaws.com/k", false},
		{"legacy dash region", []PolicyOption{WithRegion("us-west-2")}, "https://s3-us-west-2.amazonaws.com/b", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPolicy(tc.opts...)
			require.NoError(t, p.Err())
			u, err := url.Parse(tc.raw)
			require.NoError(t, err)
			if tc.ok {
				assert.NoError(t, p.Check(u))
			} else {
				assert.ErrorIs(t, p.Check(u), ErrUntrustedURL)
			}
		})
	}
}

func TestPolicyNilAndZero(t *testing.T) {
	u, _ := url.Parse("https://s3.amazonaws.com/b/k")
	bad, _ := url.Parse("https://evil.com/b/k")
	var nilP *Policy
	assert.NoError(t, nilP.Check(u))
	assert.ErrorIs(t, nilP.Check(bad), ErrUntrustedURL)
	assert.NoError(t, (&Policy{}).Check(u))
	assert.ErrorIs(t, NewPolicy().Check(nil), ErrUntrustedURL)
	assert.NoError(t, nilP.Err())
	assert.Nil(t, nilP.Endpoints())
}

func TestCheckAddr(t *testing.T) {
	p := NewPolicy()
	for _, a := range []string{
		"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
		"0.0.0.0", "0.1.2.3", "100.64.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "198.18.0.1",
		"::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
		"::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "fec0::1", "::127.0.0.1",
		// IPv4-translated (RFC 2765 SIIT): ::ffff:0:a.b.c.d embeds any IPv4.
		"::ffff:0:127.0.0.1", "::ffff:0:169.254.169.254", "::ffff:0:10.0.0.1",
		// Outside IPv6 global unicast (2000::/3): reserved, never an S3 host.
		"4000::1", "e000::1", "0100::1", "1::1", "64:ff9b:1::a9fe:a9fe",
	} {
		t.Run(a, func(t *testing.T) {
			assert.ErrorIs(t, p.checkAddr(netip.MustParseAddr(a)), ErrForbiddenAddress)
		})
	}
	for _, a := range []string{"52.216.0.1", "3.5.0.1", "2600:1f18::1", "54.231.0.1"} {
		t.Run(a, func(t *testing.T) {
			assert.NoError(t, p.checkAddr(netip.MustParseAddr(a)))
		})
	}
	vpc := NewPolicy(WithAllowedAddresses(netip.MustParsePrefix("10.0.0.0/16")))
	assert.NoError(t, vpc.checkAddr(netip.MustParseAddr("10.0.3.4")))
	assert.ErrorIs(t, vpc.checkAddr(netip.MustParseAddr("10.1.3.4")), ErrForbiddenAddress)
	assert.ErrorIs(t, vpc.checkAddr(netip.MustParseAddr("169.254.169.254")), ErrForbiddenAddress)
}
