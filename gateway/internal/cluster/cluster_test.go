package cluster

import (
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var hostLabel = regexp.MustCompile(`^[a-z0-9-]{1,63}$`)

func TestRoutes(t *testing.T) {
	key := []byte("a cluster key of at least 32 bytes....")
	for _, self := range []string{"127.0.0.1:8080", "10.1.2.3:443", "[fd00::1:2]:65535", "[::ffff:10.0.0.1]:80"} {
		t.Run(self, func(t *testing.T) {
			c := New(key, netip.MustParseAddrPort(self))
			peer := New(key, netip.MustParseAddrPort("10.9.9.9:8080"))
			require.Regexp(t, hostLabel, c.Route(), "WriteGetObjectResponse needs a host label")
			got, ok := peer.Resolve(c.Route())
			require.True(t, ok, "another replica resolves the route")
			assert.True(t, c.IsSelf(got))
			assert.Equal(t, netip.MustParseAddrPort(self).Addr().Unmap(), got.Addr())
			self2, ok := c.Resolve(c.Route())
			require.True(t, ok)
			assert.True(t, c.IsSelf(self2))
			assert.False(t, peer.IsSelf(got))
		})
	}
}

func TestRouteForgery(t *testing.T) {
	c := New([]byte("the cluster key........................."), netip.MustParseAddrPort("10.0.0.1:8080"))
	other := New([]byte("another cluster's key..................."), netip.MustParseAddrPort("169.254.169.254:80"))
	flip := []byte(c.Route())
	flip[5] ^= 1
	for name, route := range map[string]string{
		"another key's route": other.Route(),
		"altered":             string(flip),
		"AWS-style":           "io-use1-001",
		"empty":               "",
		"no prefix":           c.Route()[3:],
		"too long":            c.Route() + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"not base32":          "io-!!!!",
	} {
		_, ok := c.Resolve(route)
		assert.False(t, ok, name)
	}
}

func TestForwardMAC(t *testing.T) {
	key := []byte("the cluster key.........................")
	a := New(key, netip.MustParseAddrPort("10.0.0.1:8080"))
	b := New(key, netip.MustParseAddrPort("10.0.0.2:8080"))
	now := time.Unix(1_800_000_000, 0)
	v := a.Sign(b.Route(), "tok", now)
	require.NoError(t, b.Verify(v, b.Route(), "tok", now.Add(time.Second)))
	assert.ErrorIs(t, b.Verify(v, b.Route(), "other-token", now), ErrForged)
	assert.ErrorIs(t, b.Verify(v, a.Route(), "tok", now), ErrForged)
	assert.ErrorIs(t, b.Verify(v, b.Route(), "tok", now.Add(MaxSkew+time.Second)), ErrStale)
	assert.ErrorIs(t, b.Verify("nope", b.Route(), "tok", now), ErrMalformed)
	assert.ErrorIs(t, b.Verify("12.zz", b.Route(), "tok", now), ErrMalformed)
	stranger := New([]byte("not the cluster key....................."), netip.MustParseAddrPort("10.0.0.3:8080"))
	assert.ErrorIs(t, b.Verify(stranger.Sign(b.Route(), "tok", now), b.Route(), "tok", now), ErrForged)
}

func FuzzResolve(f *testing.F) {
	c := New([]byte("the cluster key........................."), netip.MustParseAddrPort("10.0.0.1:8080"))
	f.Add(c.Route())
	f.Add("io-use1-001")
	f.Add("io-")
	f.Fuzz(func(t *testing.T, route string) {
		a, ok := c.Resolve(route)
		if ok && !c.IsSelf(a) {
			t.Fatalf("%q resolved to %v without being minted", route, a)
		}
	})
}
