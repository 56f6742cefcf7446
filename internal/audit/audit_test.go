package audit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func chain(n int) []Record {
	var rs []Record
	prev := GenesisHash
	at := time.Date(2026, 1, 5, 1, 2, 3, 456789000, time.UTC)
	for i := 1; i <= n; i++ {
		r := Record{ID: int64(100 + i), Chain: 7, Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), Actor: "user:motcua",
			Event: Event{Chain: 7, Action: "user.create", ObjectType: "user", ObjectID: "42", Fields: []string{"username", "full_name"}}, PrevHash: prev}
		r.Hash = Compute(r)
		prev = r.Hash
		rs = append(rs, r)
	}
	return rs
}

func verify(rs []Record, headSeq int64, headHash string) error {
	v := NewVerifier(7)
	for _, r := range rs {
		if err := v.Next(r); err != nil {
			return err
		}
	}
	return v.Head(headSeq, headHash)
}

func TestVerify(t *testing.T) {
	good := chain(5)
	last := good[len(good)-1]
	tests := []struct {
		name    string
		mutate  func([]Record) []Record
		wantSeq int64 // 0 = no break
	}{
		{"intact", func(rs []Record) []Record { return rs }, 0},
		{"field changed", func(rs []Record) []Record { rs[2].Event.ObjectID = "43"; return rs }, 3},
		{"actor changed", func(rs []Record) []Record { rs[1].Actor = "user:admin"; return rs }, 2},
		{"time changed", func(rs []Record) []Record { rs[3].At = rs[3].At.Add(time.Microsecond); return rs }, 4},
		{"record deleted", func(rs []Record) []Record { return append(rs[:1], rs[2:]...) }, 3},
		{"record rehashed", func(rs []Record) []Record { rs[1].Event.Action = "x"; rs[1].Hash = Compute(rs[1]); return rs }, 3},
		{"tail deleted", func(rs []Record) []Record { return rs[:4] }, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := tt.mutate(chain(5))
			err := verify(rs, last.Seq, last.Hash)
			var b *Break
			if tt.wantSeq == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.As(err, &b) || b.Seq != tt.wantSeq {
				t.Fatalf("err = %v, want a break at seq %d", err, tt.wantSeq)
			}
		})
	}
}

func TestComputeIsUnambiguous(t *testing.T) {
	a := chain(1)[0]
	b := a
	b.Event.ObjectType, b.Event.ObjectID = "use", "r42"
	if Compute(a) == Compute(b) {
		t.Fatal("shifting a boundary between fields must change the hash")
	}
}

func TestActor(t *testing.T) {
	if got := ActorFrom(context.Background()); got != "system" {
		t.Errorf("default actor = %q", got)
	}
	if got := ActorFrom(WithActor(context.Background(), "cli:root")); got != "cli:root" {
		t.Errorf("actor = %q", got)
	}
}
