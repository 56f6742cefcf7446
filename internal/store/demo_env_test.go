package store_test

import (
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
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
	d := storetest.OpenDemo(t)
	return &demoEnv{s: d.Store, unit: d.Unit, dossiers: d.Counter, accountant: d.Accountant}
}
