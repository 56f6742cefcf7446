package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

// Demo is the demo commune loaded into a fresh database (Open): its unit, its counter
// dossiers ordered by code, and its accountant.
type Demo struct {
	Store      *store.Store
	Unit       int64
	Counter    []dossier.Dossier
	Accountant auth.User
}

// OpenDemo opens a fresh database and loads the demo commune into it (quick password
// hashing, no options).
func OpenDemo(t *testing.T) Demo {
	t.Helper()
	ctx := context.Background()
	s := Open(t)
	if _, err := demo.LoadWith(ctx, s, auth.NewHasher(auth.TestParams, 1), demo.Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := s.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := s.Dossiers(ctx, store.DossierQuery{UnitID: u.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	d := Demo{Store: s, Unit: u.ID}
	for _, x := range all {
		if x.Channel == dossier.ChannelCounter {
			d.Counter = append(d.Counter, x)
		}
	}
	slices.SortFunc(d.Counter, func(a, b dossier.Dossier) int { return strings.Compare(a.Code, b.Code) })
	if d.Accountant, err = s.UserByUsername(ctx, "ketoan"); err != nil {
		t.Fatal(err)
	}
	return d
}

// Member is a principal of the demo user named, holding role in the demo commune only: a
// service test's caller, without logging in.
func (d Demo) Member(t testing.TB, username string, role auth.Role) *auth.Principal {
	t.Helper()
	u, err := d.Store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Memberships: []auth.Membership{{UnitID: d.Unit, Role: role}}}
}
