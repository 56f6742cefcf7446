package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/broadcasttest"
	"github.com/xaso-vn/xaso/internal/demo"
)

// The operator's page says, per cluster, whether its live stream is on Icecast: "Đang
// phát trực tiếp", then "Mất kết nối từ HH:MM" when the server is lost.
func TestBroadcastStreamState(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := e.st.CreateCluster(ctx, broadcast.Cluster{UnitID: u.ID, Code: "thon-dong", Name: "Thôn Đông"})
	if err != nil {
		t.Fatal(err)
	}
	culture, _ := e.login(t, "vanhoa", demo.Password)
	state := func() string {
		t.Helper()
		resp, page := get(t, culture, e.ts.URL+"/office/truyen-thanh")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page: %d", resp.StatusCode)
		}
		if !has(t, page, "#stream-"+strconv.FormatInt(cl.ID, 10)) {
			return ""
		}
		return textAt(t, page, "#stream-"+strconv.FormatInt(cl.ID, 10))
	}
	if got := state(); got != "" {
		t.Fatalf("a stream state without streams: %q", got)
	}
	ic := broadcasttest.NewIcecast(t, http.StatusOK)
	done := make(chan struct{})
	go func() { defer close(done); e.srv.Broadcast.StreamClusters(ctx, u.ID, ic.URL, "secret", nil, time.Hour) }()
	defer func() { cancel(); <-done }()
	<-ic.Got
	if got := state(); !strings.Contains(got, "Đang phát trực tiếp") || !strings.Contains(got, "/thon-dong.mp3") {
		t.Fatalf("connected: %q", got)
	}
	ic.Close() // lost, and not coming back
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st := e.srv.Broadcast.StreamStates()[cl.ID]; !st.Connected {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stream was not seen lost")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := state(); !strings.Contains(got, "Mất kết nối từ ") || !strings.Contains(got, "đang thử lại") {
		t.Fatalf("lost: %q", got)
	}
}
