package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/store"
)

// exchangeSetup is the document exchange platform `xaso serve` works with and the units
// it exchanges for: the configured platform (--exchange-url) for the unit of
// --exchange-organ; in --demo without one, a local platform (exchange.Fake) on a
// loopback port of this process for every unit with an organ id, so the demo commune
// and the province exchange documents. Nil platform: no exchange (stop is still
// callable).
func exchangeSetup(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (p exchange.Platform, units []int64, stop func(), err error) {
	stop = func() {}
	if cfg.ExchangeURL == "" && !cfg.Demo {
		return nil, nil, stop, nil
	}
	us, _, err := st.Units(ctx, 1000, 0)
	if err != nil {
		return nil, nil, stop, err
	}
	if cfg.ExchangeURL != "" {
		for _, u := range us {
			if u.IdentCode == cfg.ExchangeOrgan {
				units = append(units, u.ID)
			}
		}
		if len(units) == 0 {
			return nil, nil, stop, fmt.Errorf("--exchange-organ %s: không đơn vị nào có mã định danh này (no unit has this identification code)", cfg.ExchangeOrgan)
		}
		return &exchange.Client{BaseURL: cfg.ExchangeURL, Token: cfg.ExchangeToken}, units, stop, nil
	}
	for _, u := range us {
		if edxml.ValidOrganID(u.IdentCode) && u.ValidTo == "" {
			units = append(units, u.ID)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, stop, fmt.Errorf("trục liên thông mẫu (demo exchange platform): %w", err)
	}
	hs := &http.Server{Handler: exchange.NewFake(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo exchange platform stopped", "err", err)
		}
	}()
	log.Info("demo exchange platform", "url", "http://"+ln.Addr().String(), "units", len(units))
	return &exchange.Client{BaseURL: "http://" + ln.Addr().String()}, units, func() { hs.Close() }, nil
}

// runExchange sends and fetches documents every interval until ctx ends: the issued
// documents owed to organ ids are queued (the adapter's Dispatch), the exchange's outbox
// is delivered, each unit's messages are fetched and handled, and the statuses they owe
// (01, 03) delivered at once.
func runExchange(ctx context.Context, log *slog.Logger, interval time.Duration, ex *exchange.Service, ad *document.ExchangeAdapter, units []int64) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := ad.Dispatch(ctx); err != nil && ctx.Err() == nil {
			log.Warn("exchange dispatch", "err", err)
		}
		if _, err := ex.Deliver(ctx); err != nil && ctx.Err() == nil {
			log.Warn("exchange delivery", "err", err)
		}
		received := 0
		for _, u := range units {
			n, err := ex.Poll(ctx, u)
			if err != nil && ctx.Err() == nil {
				log.Warn("exchange poll", "unit_id", u, "err", err)
			}
			received += n
		}
		if received > 0 {
			if _, err := ex.Deliver(ctx); err != nil && ctx.Err() == nil {
				log.Warn("exchange delivery", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
