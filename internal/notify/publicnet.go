package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"syscall"
	"time"
)

// A push subscription's endpoint is an address the citizen's browser gave: xaso must
// not be made to post into the network it runs in (the office's router, the database,
// a metadata service). PublicClient's connections are checked when they are dialled,
// after the name is resolved, so a name that resolves to an inner address is refused
// too; redirects are not followed.

// ErrInnerAddress is a connection refused because its address is not on the public
// internet.
var ErrInnerAddress = errors.New("notify: address not on the public internet")

// cgnat is the carrier-grade NAT range (RFC 6598), not public either.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Public reports whether ip is a public unicast address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !cgnat.Contains(ip)
}

// PublicClient is an HTTP client for addresses that come from outside: it connects to
// public addresses only, except to the host:port pairs in allow (the demo's local fake
// push service), and follows no redirect.
func PublicClient(timeout time.Duration, allow ...string) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		if slices.Contains(allow, address) {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !Public(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrInnerAddress, address)
		}
		return nil
	}}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // a proxy would dial for us, past the check
	t.DialContext = d.DialContext
	return &http.Client{Timeout: timeout, Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
