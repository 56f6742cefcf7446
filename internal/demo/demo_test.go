package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestDemo2021 checks that the demo reproduces the pilot commune's 2021 figures from the
// dossiers themselves: 2,094 received, 547 online, 919 early (240 online), 1,175 on time
// (307 online), none late, all received and returned within 2021.
func TestDemo2021(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	start := time.Now()
	loaded, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1))
	if err != nil || !loaded {
		t.Fatal(loaded, err)
	}
	t.Logf("demo loaded in %v", time.Since(start))
	if again, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); again || err != nil {
		t.Fatalf("the demo loaded twice: %v %v", again, err)
	}
	var all []dossier.Dossier
	for offset := 0; ; offset += 500 {
		ds, total, err := st.Dossiers(ctx, store.DossierQuery{Limit: 500, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ds...)
		if offset+500 >= total {
			break
		}
	}
	var received, online, early, earlyOnline, onTime, onTimeOnline, late int
	states := map[dossier.Status]int{}
	for _, d := range all {
		if d.ReceivedAt.Year() != 2021 && d.SubmittedAt.Year() != 2021 {
			states[d.Status]++
			continue
		}
		received++
		if d.ResolvedAt.Year() != 2021 || d.EndedAt.Year() != 2021 || d.Status != dossier.StatusReturned {
			t.Fatalf("2021 dossier %s not resolved and returned within the year", d.Code)
		}
		e := d.Channel.Electronic()
		if e {
			online++
		}
		switch d.Timeliness {
		case dossier.Early:
			early++
			if e {
				earlyOnline++
			}
		case dossier.OnTime:
			onTime++
			if e {
				onTimeOnline++
			}
		default:
			late++
		}
	}
	got := []int{received, online, early, earlyOnline, onTime, onTimeOnline, late}
	want := []int{2094, 547, 919, 240, 1175, 307, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("received, online, early, early online, on time, on time online, late = %v, want %v", got, want)
		}
	}
	for _, s := range []dossier.Status{dossier.StatusSubmitted, dossier.StatusReceived, dossier.StatusProcessing, dossier.StatusSupplementRequested,
		dossier.StatusResolved, dossier.StatusReturned, dossier.StatusRefused, dossier.StatusStopped, dossier.StatusWithdrawn} {
		if states[s] == 0 {
			t.Errorf("no current dossier in state %s (%v)", s, states)
		}
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	commune, _ := st.UnitByCode(ctx, demo.CommuneCode)
	if acct, err := st.PaymentAccount(ctx, commune.ID); err != nil || acct.BIN != "970405" {
		t.Fatalf("the demo's collection account: %+v %v", acct, err)
	}
}

// TestDemoDocuments: the demo's registers hold three incoming documents (the hỏa tốc one
// listed first, one directed to the specialist) and two outgoing ones numbered 01 and 02.
func TestDemoDocuments(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{Documents: true}); err != nil {
		t.Fatal(err)
	}
	commune, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	in, total, err := st.Documents(ctx, document.Query{UnitID: commune.ID, Direction: document.Incoming, Limit: 10})
	if err != nil || total != 3 || in[0].Urgency != document.HoaToc || in[2].ArrivalNumber != 1 {
		t.Fatalf("incoming: %d %v", total, err)
	}
	if in[2].Status != document.Directed || in[2].Deadline == "" {
		t.Fatalf("the first incoming document is not directed: %+v", in[2])
	}
	out, _, err := st.Documents(ctx, document.Query{UnitID: commune.ID, Direction: document.Outgoing, Status: document.Issued, Limit: 10})
	if err != nil || len(out) != 2 || out[0].NumberNotation != "02/UBND-VP" || out[1].NumberNotation != "01/QĐ-UBND" {
		t.Fatalf("outgoing: %+v %v", out, err)
	}
}
