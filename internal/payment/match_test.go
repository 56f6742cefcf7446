package payment

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	ref1, ref2 := mustRef(t, code7, 1), mustRef(t, code7, 2)
	other := "000.31.37.H45-260702-0008"
	refOther := mustRef(t, other, 1)
	mk := func(id int64, ref string, s State, paid int64) Request {
		r := req(s, paid, 0)
		r.ID, r.Reference = id, ref
		if ref == refOther {
			r.DossierCode = other
		}
		return r
	}
	pending := []Request{mk(1, ref1, StatePending, 0), mk(2, refOther, StatePending, 0)}
	certRef, err := CertificationReference(1, "signature", 2026, 12)
	if err != nil {
		t.Fatal(err)
	}
	note := func(desc string, amount int64) Notification {
		return Notification{TransactionID: "FT1", BankBIN: "970415", Account: "113366668888", Amount: amount,
			Description: desc, TransactedAt: now0}
	}
	for _, tc := range []struct {
		name        string
		n           Notification
		cands       []Request
		outcome     Outcome
		id          int64
		expected    int64
		suggestions []int64
	}{
		{"exact", note("MBVCB.1."+ref1+".CT tu 0011", 50000), pending, MatchExact, 1, 50000, nil},
		{"exact, reference mangled", note("le phi "+strings.ToLower(ref1[:8])+"-"+strings.ToLower(ref1[8:]), 50000), pending, MatchExact, 1, 50000, nil},
		{"wrong amount: less", note(ref1, 30000), pending, MatchPartial, 1, 50000, nil},
		{"wrong amount: more", note(ref1, 70000), pending, MatchOver, 1, 50000, nil},
		{"rest of a partial payment", note(ref1, 20000), []Request{mk(1, ref1, StatePending, 30000)}, MatchExact, 1, 20000, nil},
		{"already paid", note(ref1, 50000), []Request{mk(1, ref1, StatePaid, 50000)}, MatchOver, 1, 0, nil},
		{"cancelled", note(ref1, 50000), []Request{mk(1, ref1, StateCancelled, 0)}, MatchClosed, 1, 0, nil},
		{"refunded", note(ref1, 50000), []Request{mk(1, ref1, StateRefunded, 0)}, MatchClosed, 1, 0, nil},
		{"wrong account", Notification{BankBIN: "970415", Account: "999", Amount: 50000, Description: ref1}, pending, MatchWrongAccount, 0, 0, nil},
		{"wrong bank", Notification{BankBIN: "970436", Account: "113366668888", Amount: 50000, Description: ref1}, pending, MatchWrongAccount, 0, 0, nil},
		{"no reference", note("CT tu 0011004 NGUYEN VAN A chuyen tien", 50000), pending, MatchUnknownReference, 0, 0, nil},
		{"reference of no candidate", note(ref2, 50000), pending, MatchUnknownReference, 0, 0, []int64{1}},
		{"typo in the sequence", note(strings.Replace(ref1, "0007", "0001", 1), 50000), pending, MatchUnknownReference, 0, 0, []int64{1}},
		{"dossier code instead of the reference", note("Le phi 000.31.37.H45-260702-0008", 50000), pending, MatchUnknownReference, 0, 0, []int64{2}},
		{"dossier code without punctuation", note("LE PHI 00031 37H452607020008", 50000), pending, MatchUnknownReference, 0, 0, []int64{2}},
		{"two requests named", note(ref1+" "+refOther, 100000), pending, MatchAmbiguous, 0, 0, nil},
		{"one reference on two requests", note(ref1, 50000), []Request{mk(1, ref1, StatePending, 0), mk(3, ref1, StatePending, 0)}, MatchAmbiguous, 0, 0, nil},
		{"the same request listed twice", note(ref1, 50000), []Request{mk(1, ref1, StatePending, 0), mk(1, ref1, StatePending, 0)}, MatchExact, 1, 50000, nil},
		{"a stray reference next to the real one", note(ref1+" "+ref2, 50000), pending, MatchExact, 1, 50000, nil},
		{"no candidates", note(ref1, 50000), nil, MatchUnknownReference, 0, 0, nil},
		{"a certification's fee", note("MBVCB.9.phi chung thuc "+strings.ToLower(certRef)+".CT tu 0011", 50000),
			append(slices.Clone(pending), mk(7, certRef, StatePending, 0)), MatchExact, 7, 50000, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Match(tc.n, account, tc.cands)
			if res.Outcome != tc.outcome || res.RequestID != tc.id || res.Expected != tc.expected ||
				!slices.Equal(res.Suggestions, tc.suggestions) || res.Amount != tc.n.Amount {
				t.Errorf("Match = %+v; want %s request %d expected %d suggestions %v", res, tc.outcome, tc.id, tc.expected, tc.suggestions)
			}
			if (res.Index >= 0) != (tc.id != 0) || (res.Index >= 0 && tc.cands[res.Index].ID != tc.id) {
				t.Errorf("Index = %d", res.Index)
			}
			if res.Outcome.Applies() && res.Index < 0 {
				t.Errorf("outcome %s applies to no request", res.Outcome)
			}
		})
	}
}

// TestWrongAmountFlagged: a transfer of the wrong amount is recorded with a flag and
// does not settle the request when it is short; nothing unmatched is recorded at all.
func TestWrongAmountFlagged(t *testing.T) {
	ref := mustRef(t, code7, 1)
	for _, tc := range []struct {
		name   string
		amount int64
		state  State
		flags  Flags
	}{
		{"short", 30000, StatePending, Flags{Partial: true}},
		{"over", 70000, StatePaid, Flags{Over: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req(StatePending, 0, 0)
			r.Reference = ref
			n := Notification{TransactionID: "FT9", BankBIN: account.BIN, Account: account.Number, Amount: tc.amount,
				Description: "Le phi " + ref, TransactedAt: now0}
			res := Match(n, account, []Request{r})
			if !res.Outcome.Flagged() || !res.Outcome.Applies() {
				t.Fatalf("outcome %s", res.Outcome)
			}
			if _, err := r.Confirm(n.Payment(), now0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if r.State != tc.state || r.Flags != tc.flags || r.Paid != tc.amount {
				t.Errorf("after a %d transfer: %s %+v paid %d", tc.amount, r.State, r.Flags, r.Paid)
			}
		})
	}
	for _, o := range []Outcome{MatchUnknownReference, MatchAmbiguous, MatchClosed, MatchWrongAccount} {
		if o.Applies() || !o.Flagged() {
			t.Errorf("%s: Applies %v, Flagged %v", o, o.Applies(), o.Flagged())
		}
	}
}
