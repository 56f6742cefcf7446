package store_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/store"
)

// TestOfficialKeysReplaceAndWithdraw: the account service's key of a kind in a unit
// replaces the one before in one transaction; the list gives the public facts; a
// withdrawal deletes the keys of a kind and says how many; both are audited on the
// unit's chain.
func TestOfficialKeysReplaceAndWithdraw(t *testing.T) {
	ctx := context.Background()
	e := newDemoEnv(t)
	s := e.s
	ca, err := democa.New("Test CA", true)
	if err != nil {
		t.Fatal(err)
	}
	leader, err := s.UserByUsername(ctx, "lanhdao")
	if err != nil {
		t.Fatal(err)
	}
	// The demo gave the leader a key already: start from none.
	if _, err := s.WithdrawOfficialKeys(ctx, leader.ID, e.unit, "personal"); err != nil {
		t.Fatal(err)
	}
	put := func(name, kind string, image []byte) int64 {
		t.Helper()
		cert, _, err := ca.Issue(democa.CertOptions{CommonName: name, ECDSA: true})
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.ReplaceOfficialKey(ctx, account.OfficialKey{UserID: leader.ID, UnitID: e.unit, Kind: kind, Cert: cert,
			Sealed: []byte("sealed"), Image: image})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	sig, _, err := democa.Images()
	if err != nil {
		t.Fatal(err)
	}
	first := put("Nguyễn Văn Dũng", "personal", sig)
	second := put("Nguyễn Văn Dũng", "personal", nil)
	seal := put("Ủy ban nhân dân xã", "seal", nil)
	keys, err := s.OfficialKeys(ctx, leader.ID)
	if err != nil || len(keys) != 2 || keys[0].ID != seal || keys[1].ID != second || keys[1].HasImage || keys[1].Kind != "personal" ||
		keys[1].UnitID != e.unit || keys[1].UnitCode == "" || keys[1].NotAfter.IsZero() || keys[1].Serial == "" {
		t.Fatalf("OfficialKeys = %+v, %v", keys, err)
	}
	if _, err := s.SigningKey(ctx, first); err != store.ErrSigningKeyNotFound {
		t.Fatalf("the replaced key: %v", err)
	}
	if n, err := s.WithdrawOfficialKeys(ctx, leader.ID, e.unit, "seal"); err != nil || n != 1 {
		t.Fatalf("withdraw seal = %d, %v", n, err)
	}
	if n, err := s.WithdrawOfficialKeys(ctx, leader.ID, e.unit, "seal"); err != nil || n != 0 {
		t.Fatalf("withdraw again = %d, %v", n, err)
	}
	if keys, _ := s.OfficialKeys(ctx, leader.ID); len(keys) != 1 || keys[0].ID != second {
		t.Fatalf("after the withdrawal: %+v", keys)
	}
	recs, _, err := s.AuditRecords(ctx, e.unit, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	withdrawn := map[string]bool{}
	for _, r := range recs {
		if r.Event.Action == "signing_key.withdraw" {
			withdrawn[r.Event.ObjectID] = true
		}
	}
	if !withdrawn[strconv.FormatInt(first, 10)] || !withdrawn[strconv.FormatInt(seal, 10)] {
		t.Errorf("withdrawals audited: %v", withdrawn)
	}
}
