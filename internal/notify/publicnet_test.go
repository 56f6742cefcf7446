package notify_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/notify"
)

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"142.250.66.10": true, "2404:6800:4005:80d::200a": true, "203.113.131.1": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.9": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::": false, "fd00::1": false,
		"fe80::1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "::ffff:192.168.0.1": false,
	} {
		if got := notify.Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestPublicClientRefusesInnerAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	// A loopback server (as the office's own services would be) is refused at dialling.
	_, err := notify.PublicClient(5*time.Second).Post(srv.URL+"/push/x", "application/octet-stream", nil)
	if !errors.Is(err, notify.ErrInnerAddress) {
		t.Fatalf("posting to %s: err = %v, want ErrInnerAddress", host, err)
	}
	// A name that resolves to loopback is refused the same: the check is on the address.
	port := host[strings.LastIndex(host, ":"):]
	if _, err = notify.PublicClient(5*time.Second).Post("http://localhost"+port+"/push/x", "application/octet-stream", nil); !errors.Is(err, notify.ErrInnerAddress) {
		t.Fatalf("posting to localhost: err = %v, want ErrInnerAddress", err)
	}
	if hits != 0 {
		t.Fatalf("the inner server was reached %d times", hits)
	}

	// The demo's fake, allowed by its address, is reached; a redirect is not followed.
	c := notify.PublicClient(5*time.Second, host)
	resp, err := c.Post(srv.URL+"/push/x", "application/octet-stream", nil)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("allowed fake: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = c.Get(srv.URL + "/redirect")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %v %v, want the 302 itself", resp, err)
	}
	resp.Body.Close()
	if hits != 2 {
		t.Fatalf("the fake was reached %d times, want 2 (the redirect not followed)", hits)
	}
}
