// Package webtest builds the whole web server on a fresh database with the demo commune,
// wired as `xaso serve --demo` wires it, for tests of internal/web and the browser tests
// of internal/e2e: one place to change when the server gains a dependency.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xaso-vn/xaso/internal/app"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/web"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// New returns a server on a fresh database (SQLite, or PostgreSQL with
// XASO_TEST_POSTGRES) loaded with the demo commune, and its store. Passwords use cheap
// argon2id costs.
func New(t testing.TB) (*web.Server, *store.Store) {
	t.Helper()
	return NewWith(t, demo.Options{})
}

// NewWith is New with a choice of what the demo loads (the browser tests take its
// payments, as `xaso serve --demo` does; the statistics tests its 2021 history).
func NewWith(t testing.TB, opt demo.Options) (*web.Server, *store.Store) {
	t.Helper()
	return NewClocked(t, opt, time.Now)
}

// NewClocked is NewWith whose throttles of guessing (wrong passwords per account and per
// address, wrong signing passphrases) read the time from now, so that a test can let a
// delay pass without sleeping.
func NewClocked(t testing.TB, opt demo.Options, now func() time.Time) (*web.Server, *store.Store) {
	t.Helper()
	d := Deps(t, opt, now)
	srv, err := app.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return srv, d.Store
}

// Deps is what NewClocked builds the server of, for a test that adds to it before
// app.New (the browser tests' notifications, on the local fakes, as the demo's).
func Deps(t testing.TB, opt demo.Options, now func() time.Time) web.Deps {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	hasher := auth.NewHasher(auth.TestParams, 2)
	// Receipts are signed as in a deployment, with a throw-away key; set before the demo
	// loads, since its payments issue a receipt.
	signer, err := xmldsig.Ephemeral("Xã Yên Từ (kiểm thử)", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The demo commune gets its own receipt key from the demo CA, sealed with the demo's
	// key-encryption key, as `xaso serve --demo` does.
	payments := &payment.Service{Store: st, Now: time.Now, Signer: signer, KEK: demo.ReceiptKEK()}
	opt.PaymentService = payments
	if _, err := demo.LoadWith(ctx, st, hasher, opt); err != nil {
		t.Fatal(err)
	}
	home, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	cals := workcal.New(st)
	return web.Deps{
		Store: st,
		Auth: auth.NewService(st, hasher, ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(now),
			ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(now)),
		LoginAddresses: ratelimit.NewBackoff(ratelimit.PerAddress).WithClock(now),
		Calendars:      cals,
		Dossiers:       &dossier.Service{Store: st, Calendars: cals, Now: time.Now, Fees: payments, SignNeedsResult: true},
		Payments:       payments,
		HomeUnitID:     home.ID,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:        prometheus.NewRegistry(),
		SiteName:       home.Name,
		SessionLife:    time.Hour,
		Blobs:          blobs,
	}
}

// Bearer makes an API token of the user named and returns it.
func Bearer(t testing.TB, st *store.Store, username string) string {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	plain, hash := auth.NewToken()
	if _, err := st.CreateToken(context.Background(), u.ID, "test", hash); err != nil {
		t.Fatal(err)
	}
	return plain
}
