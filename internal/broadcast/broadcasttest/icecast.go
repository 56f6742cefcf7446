// Package broadcasttest holds a fake Icecast server for the live streams' tests (the
// real one is tested in internal/broadcast with .ci/icecast.sh).
package broadcasttest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
)

// Icecast is a fake Icecast that takes sources over HTTP PUT: it answers Status (200 by
// default) and reads what the source sends. Got is told once per connection when the
// first bytes of audio arrive (or, refused, when the answer was written and the
// connection closed).
type Icecast struct {
	URL    string
	Status int
	Got    chan struct{}

	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

// NewIcecast listens on a free local port until the test ends.
func NewIcecast(t testing.TB, status int) *Icecast {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ic := &Icecast{URL: "http://" + ln.Addr().String(), Status: status, Got: make(chan struct{}, 16), ln: ln}
	t.Cleanup(ic.Close)
	go ic.serve()
	return ic
}

func (ic *Icecast) serve() {
	for {
		c, err := ic.ln.Accept()
		if err != nil {
			return
		}
		ic.mu.Lock()
		ic.conns = append(ic.conns, c)
		ic.mu.Unlock()
		go func() {
			br := bufio.NewReader(c)
			req, err := http.ReadRequest(br)
			if err != nil || req.Method != http.MethodPut {
				c.Close()
				return
			}
			fmt.Fprintf(c, "HTTP/1.0 %d %s\r\nServer: Icecast 2.4.4\r\n\r\n", ic.Status, http.StatusText(ic.Status))
			if ic.Status != http.StatusOK {
				c.Close()
				ic.Got <- struct{}{}
				return
			}
			buf := make([]byte, 4096)
			first := true
			for {
				if _, err := br.Read(buf); err != nil {
					return
				}
				if first {
					first = false
					ic.Got <- struct{}{}
				}
			}
		}()
	}
}

// Drop closes the sources' connections (the server is lost) but keeps listening.
func (ic *Icecast) Drop() {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	for _, c := range ic.conns {
		c.Close()
	}
	ic.conns = nil
}

// Close stops listening and drops every connection.
func (ic *Icecast) Close() {
	ic.ln.Close()
	ic.Drop()
}
