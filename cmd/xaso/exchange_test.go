package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// The exchange `xaso serve` runs: none by default; in --demo a local platform for both
// demo units; with --exchange-url, the unit of --exchange-organ, which must exist.
func TestExchangeSetup(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{Exchange: true}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Defaults()
	if p, units, stop, err := exchangeSetup(ctx, cfg, st, log); err != nil || p != nil || units != nil {
		t.Fatalf("default: %v %v %v", p, units, err)
	} else {
		stop()
	}
	cfg.Demo = true
	p, units, stop, err := exchangeSetup(ctx, cfg, st, log)
	if err != nil || p == nil || len(units) != 2 {
		t.Fatalf("demo: %v %v %v", p, units, err)
	}
	// The local platform answers: nothing waits for the commune.
	if got, err := p.Receive(ctx, demo.CommuneOrgan, 10); err != nil || len(got) != 0 {
		t.Fatalf("demo platform: %v %v", got, err)
	}
	stop()
	cfg.Demo, cfg.ExchangeURL, cfg.ExchangeOrgan = false, "https://lgsp.example.vn", demo.CommuneOrgan
	if p, units, _, err := exchangeSetup(ctx, cfg, st, log); err != nil || p == nil || len(units) != 1 {
		t.Fatalf("configured: %v %v %v", p, units, err)
	}
	cfg.ExchangeOrgan = "000.99.99.H45"
	if _, _, _, err := exchangeSetup(ctx, cfg, st, log); err == nil || !strings.Contains(err.Error(), "--exchange-organ") {
		t.Fatalf("unknown organ: %v", err)
	}
}
