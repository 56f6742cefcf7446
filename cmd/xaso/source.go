package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
)

// sourceSetup is the province's source information system `xaso serve` reports the
// loudspeakers to (docs/BROADCAST.md): the configured one (--source-url, its token from
// XASO_SOURCE_TOKEN); in --demo without one, a local fake (source.Fake) on a loopback
// port of this process. Nil: nothing is reported (stop is still callable).
func sourceSetup(cfg config.Config, log *slog.Logger) (sys source.System, stop func(), err error) {
	stop = func() {}
	if cfg.SourceURL != "" {
		return &source.Client{URL: cfg.SourceURL, Token: cfg.SourceToken}, stop, nil
	}
	if !cfg.Demo {
		return nil, stop, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, stop, fmt.Errorf("hệ thống thông tin nguồn mẫu (demo source system): %w", err)
	}
	hs := &http.Server{Handler: &source.Fake{}, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo source system stopped", "err", err)
		}
	}()
	log.Info("demo source system", "url", "http://"+ln.Addr().String())
	return &source.Client{URL: "http://" + ln.Addr().String()}, func() { hs.Close() }, nil
}

// runSource reports to the source system until ctx ends: once a day (and at start) each
// unit's play logs of the day before are queued — queuing a day again queues nothing
// new — and every interval the outbox is delivered.
func runSource(ctx context.Context, log *slog.Logger, interval time.Duration, st *store.Store, b *broadcast.Service, w *source.Worker) {
	t := time.NewTicker(interval)
	defer t.Stop()
	queued := ""
	for {
		today := time.Now().In(locale.Zone)
		if day := today.Format(time.DateOnly); day != queued {
			yesterday := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, locale.Zone).AddDate(0, 0, -1)
			us, _, err := st.Units(ctx, 1000, 0)
			for _, u := range us {
				if _, err := b.QueueDailyLogs(ctx, u.ID, yesterday); err != nil && ctx.Err() == nil {
					log.Warn("source system: play logs not queued", "unit_id", u.ID, "err", err)
				}
			}
			if err == nil {
				queued = day
			}
		}
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil {
			log.Warn("source system delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
