package cluster

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Header carries the MAC of a call forwarded between replicas.
const Header = "X-Objectlambda-Gateway-Forwarded"

// MaxSkew is how far the clocks of two replicas may differ for a
// forwarded call to be accepted.
const MaxSkew = 5 * time.Minute

const (
	routePrefix = "io-"
	macLen      = 10 // bytes of the route's MAC: 80 bits
)

var enc = base32.StdEncoding.WithPadding(base32.NoPadding)

// Errors of Verify.
var (
	ErrMalformed = errors.New("cluster: malformed forwarding header")
	ErrStale     = errors.New("cluster: forwarding header too old or from the future")
	ErrForged    = errors.New("cluster: forwarding header does not match")
)

// Cluster is one replica's view: the shared key and its own address.
type Cluster struct {
	key   []byte
	self  netip.AddrPort
	route string
}

// New returns the cluster of the replica at self, with the shared key.
func New(key []byte, self netip.AddrPort) *Cluster {
	c := &Cluster{key: append([]byte(nil), key...), self: self}
	c.route = c.mint(self)
	return c
}

// Self is this replica's address.
func (c *Cluster) Self() netip.AddrPort { return c.self }

// Route is the outputRoute of the events this replica sends.
func (c *Cluster) Route() string { return c.route }

func (c *Cluster) mint(a netip.AddrPort) string {
	b := addrBytes(a)
	return routePrefix + strings.ToLower(enc.EncodeToString(append(b, c.mac(b)...)))
}

func addrBytes(a netip.AddrPort) []byte {
	ip := a.Addr().Unmap()
	b := ip.AsSlice()
	return binary.BigEndian.AppendUint16(b, a.Port())
}

func (c *Cluster) mac(addr []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("objectlambda-gateway route v1\x00"))
	m.Write(addr)
	return m.Sum(nil)[:macLen]
}

// Resolve returns the address of the replica that minted route, or false
// for a route no replica of this cluster minted.
func (c *Cluster) Resolve(route string) (netip.AddrPort, bool) {
	rest, ok := strings.CutPrefix(route, routePrefix)
	if !ok || len(rest) > 63 {
		return netip.AddrPort{}, false
	}
	raw, err := enc.DecodeString(strings.ToUpper(rest))
	if err != nil || (len(raw) != 4+2+macLen && len(raw) != 16+2+macLen) {
		return netip.AddrPort{}, false
	}
	addr, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, c.mac(addr)) {
		return netip.AddrPort{}, false
	}
	ip, _ := netip.AddrFromSlice(addr[:len(addr)-2])
	return netip.AddrPortFrom(ip, binary.BigEndian.Uint16(addr[len(addr)-2:])), true
}

// IsSelf reports whether a is this replica.
func (c *Cluster) IsSelf(a netip.AddrPort) bool {
	return a.Addr().Unmap() == c.self.Addr().Unmap() && a.Port() == c.self.Port()
}

// Sign returns the Header value of a call for route and token forwarded
// at now.
func (c *Cluster) Sign(route, token string, now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return ts + "." + hex.EncodeToString(c.forwardMAC(ts, route, token))
}

// Verify checks a Header value for route and token at now.
func (c *Cluster) Verify(v, route, token string, now time.Time) error {
	ts, sum, ok := strings.Cut(v, ".")
	if !ok {
		return ErrMalformed
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrMalformed
	}
	got, err := hex.DecodeString(sum)
	if err != nil {
		return ErrMalformed
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	if !hmac.Equal(got, c.forwardMAC(ts, route, token)) {
		return ErrForged
	}
	return nil
}

func (c *Cluster) forwardMAC(ts, route, token string) []byte {
	tok := sha256.Sum256([]byte(token))
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("objectlambda-gateway forward v1\x00"))
	m.Write([]byte(ts + "\x00" + route + "\x00"))
	m.Write(tok[:])
	return m.Sum(nil)
}
