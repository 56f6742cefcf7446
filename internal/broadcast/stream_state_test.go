package broadcast_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/broadcasttest"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// waitStream waits (at most ten seconds, for the streamer's goroutine to get there) until
// the cluster's stream state satisfies ok, and returns it.
func waitStream(t *testing.T, s *broadcast.Service, cluster int64, ok func(broadcast.StreamState, bool) bool) broadcast.StreamState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, known := s.StreamStates()[cluster]
		if ok(st, known) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream state of cluster %d: %+v (known %v)", cluster, st, known)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Each cluster's live stream says whether it is connected, since when, and its last
// failure: connected once Icecast took the source, lost when the connection drops
// (since then, not since each retry), refused when Icecast says no.
func TestStreamState(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := storetest.OpenDemo(t)
	admin := &auth.Principal{Memberships: []auth.Membership{{UnitID: d.Unit, Role: auth.RoleUnitAdmin}}}
	s := &broadcast.Service{Store: d.Store}
	east, err := s.CreateCluster(ctx, admin, d.Unit, "thon-dong", "Thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	if s.Streaming() || len(s.StreamStates()) != 0 {
		t.Fatal("a stream state before any stream")
	}
	ic := broadcasttest.NewIcecast(t, http.StatusOK)
	done := make(chan struct{})
	go func() { defer close(done); s.StreamClusters(ctx, d.Unit, ic.URL, "secret", nil, time.Hour) }()
	defer func() { cancel(); <-done }()
	<-ic.Got // the first audio arrived: the source was taken before
	before := time.Now()
	st := s.StreamStates()[east.ID]
	if !s.Streaming() || !st.Connected || st.Since.IsZero() || st.Since.After(before) {
		t.Fatalf("connected: %+v", st)
	}
	ic.Drop()
	lost := waitStream(t, s, east.ID, func(st broadcast.StreamState, _ bool) bool { return !st.Connected })
	if lost.Since.Before(st.Since) || lost.LastError == "" || lost.Refused {
		t.Fatalf("lost: %+v", lost)
	}
	// It comes back (the streamer retries after 5 s).
	<-ic.Got
	back := s.StreamStates()[east.ID]
	if !back.Connected || !back.Since.After(lost.Since) {
		t.Fatalf("back: %+v", back)
	}

	// Refused by Icecast (a wrong password, or another source on the mount).
	refusing := broadcasttest.NewIcecast(t, http.StatusUnauthorized)
	s2 := &broadcast.Service{Store: d.Store}
	ctx2, cancel2 := context.WithCancel(ctx)
	done2 := make(chan struct{})
	go func() { defer close(done2); s2.StreamClusters(ctx2, d.Unit, refusing.URL, "wrong", nil, time.Hour) }()
	defer func() { cancel2(); <-done2 }()
	<-refusing.Got
	refused := waitStream(t, s2, east.ID, func(st broadcast.StreamState, known bool) bool { return known })
	if refused.Connected || !refused.Refused || !strings.Contains(refused.LastError, "401") {
		t.Fatalf("refused: %+v", refused)
	}
}
