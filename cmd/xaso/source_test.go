package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/config"
)

// TestSourceSetup: no source system unless configured; the configured one with its
// token; in --demo, a local fake that takes a message.
func TestSourceSetup(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Defaults()
	sys, stop, err := sourceSetup(cfg, log)
	stop()
	if err != nil || sys != nil {
		t.Fatalf("not configured: %v, %v", sys, err)
	}
	cfg.SourceURL, cfg.SourceToken = "https://ttn.example.gov.vn/api", "bi-mat"
	sys, stop, err = sourceSetup(cfg, log)
	stop()
	if c, ok := sys.(*source.Client); err != nil || !ok || c.URL != cfg.SourceURL || c.Token != "bi-mat" {
		t.Fatalf("configured: %#v, %v", sys, err)
	}
	cfg = config.Defaults()
	cfg.Demo = true
	sys, stop, err = sourceSetup(cfg, log)
	if err != nil || sys == nil {
		t.Fatalf("demo: %v", err)
	}
	defer stop()
	if err := sys.Send(context.Background(), source.Message{MessageID: "m1", Kind: source.KindBulletin, Payload: []byte(`{"bulletin":1}`)}); err != nil {
		t.Fatalf("the demo's fake refused: %v", err)
	}
}
