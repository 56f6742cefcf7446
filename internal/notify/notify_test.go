package notify_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
)

type flaky struct {
	mu    sync.Mutex
	fails int // fail this many times, then succeed
	sent  []notify.Message
}

func (f *flaky) Send(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("connection refused")
	}
	f.sent = append(f.sent, m)
	return nil
}

func newStore(t *testing.T) (*store.Store, int64) {
	st := storetest.Open(t)
	id, err := st.CreateUnit(context.Background(), unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return st, id
}

func TestWorkerRetriesUntilDelivered(t *testing.T) {
	ctx := context.Background()
	st, unitID := newStore(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return now })
	sender := &flaky{fails: 2}
	w := &notify.Worker{Store: st, Sender: sender, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	if err := st.Enqueue(ctx, notify.Message{UnitID: unitID, To: "an@example.vn", Subject: "Giấy tiếp nhận", Body: "…", Ref: "H45-260302-0001"}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{0, 0, 1} {
		n, err := w.Deliver(ctx)
		if err != nil || n != want {
			t.Fatalf("attempt %d: sent %d, %v", i+1, n, err)
		}
		if n, _ := w.Deliver(ctx); n != 0 {
			t.Fatal("a message was retried before its delay")
		}
		now = now.Add(notify.Backoff(i+1) + time.Second)
	}
	if len(sender.sent) != 1 || sender.sent[0].Ref != "H45-260302-0001" {
		t.Fatalf("sent %+v", sender.sent)
	}
	counts, err := st.OutboxCounts(ctx)
	if err != nil || counts["sent"] != 1 || counts["pending"] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	if n, _ := w.Deliver(ctx); n != 0 {
		t.Fatal("a sent message was sent again")
	}
}

func TestWorkerGivesUp(t *testing.T) {
	ctx := context.Background()
	st, unitID := newStore(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return now })
	w := &notify.Worker{Store: st, Sender: &flaky{fails: 1000}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	st.Enqueue(ctx, notify.Message{UnitID: unitID, To: "x@example.vn", Subject: "s", Body: "b"})
	for range notify.MaxAttempts + 2 {
		w.Deliver(ctx)
		now = now.Add(7 * time.Hour)
	}
	counts, _ := st.OutboxCounts(ctx)
	if counts["failed"] != 1 || counts["pending"] != 0 {
		t.Fatalf("counts %v", counts)
	}
}

// TestClaimIsExclusive: two workers never hold the same message at once.
func TestClaimIsExclusive(t *testing.T) {
	ctx := context.Background()
	st, unitID := newStore(t)
	for range 30 {
		st.Enqueue(ctx, notify.Message{UnitID: unitID, To: "x@example.vn", Subject: "s", Body: "b"})
	}
	now := time.Now()
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				ps, err := st.ClaimOutbox(ctx, now, time.Minute, 4)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, p := range ps {
					seen[p.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 30 {
		t.Fatalf("claimed %d distinct messages, want 30", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("message %d claimed %d times", id, n)
		}
	}
}

// TestSMTPSender talks to a minimal SMTP server on loopback.
func TestSMTPSender(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { io.WriteString(c, s+"\r\n") }
		say("220 test")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case inData && line == ".\r\n":
				inData = false
				say("250 ok")
				got <- data.String()
			case inData:
				data.WriteString(line)
			case strings.HasPrefix(line, "EHLO"):
				say("250 test")
			case strings.HasPrefix(line, "DATA"):
				inData = true
				say("354 go")
			case strings.HasPrefix(line, "QUIT"):
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	s := notify.SMTPSender{Addr: ln.Addr().String(), From: "motcua@yentu.example.vn"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Send(ctx, notify.Message{To: "an@example.vn", Subject: "Hồ sơ đã có kết quả", Body: "Kính gửi ông An,\n.\nKết quả đã sẵn sàng."}); err != nil {
		t.Fatal(err)
	}
	msg := <-got
	if !strings.Contains(msg, "Subject: =?utf-8?q?") || !strings.Contains(msg, "Kính gửi ông An,\r\n..\r\n") {
		t.Fatalf("message:\n%s", msg)
	}
	if err := s.Send(ctx, notify.Message{To: "a@example.vn\r\nBcc: x@example.vn"}); err == nil {
		t.Fatal("header injection accepted")
	}
}
