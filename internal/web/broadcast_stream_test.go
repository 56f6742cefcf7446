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
	"github.com/xaso-vn/xaso/internal/broadcast/source"
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

// With the source system on, the page shows its outbox: how many wait, went, failed, and
// the latest messages.
func TestBroadcastOutboxSection(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	culture, _ := e.login(t, "vanhoa", demo.Password)
	if _, page := get(t, culture, e.ts.URL+"/office/truyen-thanh"); has(t, page, "#he-thong-nguon") {
		t.Fatal("the outbox shown without the source system")
	}
	e.srv.Broadcast.Source = true
	if err := e.st.EnqueueSource(ctx, []source.Message{{UnitID: u.ID, MessageID: "m-1", Kind: source.KindBulletin, BulletinID: 41, Payload: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	_, page := get(t, culture, e.ts.URL+"/office/truyen-thanh")
	if got := textAt(t, page, "#outbox-summary"); got != "Đã gửi 0 · đang chờ gửi 1 · không gửi được 0" {
		t.Fatalf("summary %q", got)
	}
	if row := textOf(one(t, page, `section[aria-labelledby="he-thong-nguon"] tbody tr`)); !strings.Contains(row, "Thông tin bản tin") ||
		!strings.Contains(row, "Bản tin số 41") || !strings.Contains(row, "Đang chờ gửi") {
		t.Fatalf("row %q", row)
	}
}
