package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// demoEnv is the demo commune on a fresh database: its counter dossiers by code and
// its accountant.
type demoEnv struct {
	s          *store.Store
	unit       int64
	dossiers   []dossier.Dossier
	accountant auth.User
}

func newDemoEnv(t *testing.T) *demoEnv {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t)
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
	e := &demoEnv{s: s, unit: u.ID}
	for _, d := range all {
		if d.Channel == dossier.ChannelCounter {
			e.dossiers = append(e.dossiers, d)
		}
	}
	slices.SortFunc(e.dossiers, func(a, b dossier.Dossier) int { return strings.Compare(a.Code, b.Code) })
	if e.accountant, err = s.UserByUsername(ctx, "ketoan"); err != nil {
		t.Fatal(err)
	}
	return e
}
