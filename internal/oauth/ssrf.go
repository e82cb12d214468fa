package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Limits of fetching a URL a client gave us (a client ID metadata
// document).
const (
	fetchTimeout  = 5 * time.Second
	maxFetchBytes = 64 << 10
)

// errForbiddenAddress is a dial refused by the SSRF guard.
var errForbiddenAddress = errors.New("address not allowed: private, loopback, link-local, multicast or reserved")

// forbiddenPrefixes are the ranges, besides what netip's predicates
// name, that a client-supplied URL must never reach: "this network",
// carrier-grade NAT, IETF protocol assignments, documentation and
// benchmarking ranges, 6to4 relays, NAT64 and discard-only.
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// forbiddenAddr reports whether ip is not a public unicast address.
func forbiddenAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || ip.IsLinkLocalMulticast() {
		return true
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ssrfGuard checks every address the fetch client dials, after DNS
// resolution, so a name that resolves (or re-resolves) to an internal
// address is refused too.
type ssrfGuard struct {
	// allow, set only by tests, lets through addresses the guard would
	// refuse (an httptest server on loopback).
	allow func(netip.Addr) bool
}

// control is a net.Dialer Control function.
func (g *ssrfGuard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("ssrf guard: %w", err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("ssrf guard: %w", err)
	}
	if g.allow != nil && g.allow(ip) {
		return nil
	}
	if forbiddenAddr(ip) {
		return fmt.Errorf("ssrf guard: %s: %w", ip, errForbiddenAddress)
	}
	return nil
}

// newFetchClient returns the HTTP client for client-supplied URLs: the
// guard at dial time, no proxy (a proxy would dial for us, unguarded),
// no redirects, a 5 s timeout for the whole exchange.
func newFetchClient(g *ssrfGuard) (*http.Client, *http.Transport) {
	d := &net.Dialer{Timeout: fetchTimeout, Control: g.control}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:    fetchTimeout,
		ResponseHeaderTimeout:  fetchTimeout,
		MaxResponseHeaderBytes: 16 << 10,
		MaxIdleConns:           10,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	c := &http.Client{Transport: tr, Timeout: fetchTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, tr
}
