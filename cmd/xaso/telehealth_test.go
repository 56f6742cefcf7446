package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// `xaso telehealth purge` runs the purge on the database and prints how many bookings it
// changed; a second run finds nothing more.
func TestTelehealthPurgeCommand(t *testing.T) {
	dsn := storetest.DSN(t)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadWith(context.Background(), st, auth.NewHasher(auth.TestParams, 1), demo.Options{Telehealth: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := map[string]string{"XASO_DB": dsn}
	r := xaso(t, env, "", "telehealth", "purge")
	if r.code != 0 {
		t.Fatalf("purge: %+v", r)
	}
	if _, err := strconv.Atoi(strings.TrimSpace(r.out)); err != nil {
		t.Fatalf("purge printed %q", r.out)
	}
	if r := xaso(t, env, "", "telehealth", "purge"); r.code != 0 || strings.TrimSpace(r.out) != "0" {
		t.Fatalf("second purge: %+v", r)
	}
	if r := xaso(t, env, "", "telehealth", "purge", "x"); r.code == 0 {
		t.Fatal("purge with an argument succeeded")
	}
}
