package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/xaso-vn/xaso/internal/app"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/web"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func serveCmd() *command {
	return &command{name: "serve", synopsis: "serve [--addr HOST:PORT] [--db DSN] [--data-dir DIR] [--demo]",
		summary: "chạy máy chủ web (run the web server)",
		help: `Chạy máy chủ web của xaso: cổng dịch vụ công cho người dân, trang làm việc cho cán bộ và API JSON.
Cơ sở dữ liệu được nâng cấp (migrate) tự động khi khởi động.
Với --demo, một cơ sở dữ liệu trống được nạp dữ liệu mẫu: Xã Yên Từ (Ninh Bình), 12 thôn và một tài khoản
cho mỗi vai trò, mật khẩu "xaso-demo".
Dừng bằng Ctrl+C (SIGINT) hoặc SIGTERM: các yêu cầu đang xử lý được hoàn tất trước khi tắt.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			cfg.ServeFlags(fs)
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) > 0 {
					return usagef("lệnh serve không nhận tham số: %v", args)
				}
				return serve(ctx, sio, *cfg)
			}
		}}
}

func serve(ctx context.Context, sio stdio, cfg config.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(sio.err, cfg)
	started := time.Now()
	log.Info("xaso starting", "version", versionString(), "config", cfg)

	// Listen before opening the database: a port in use is the commonest mistake, and it
	// should fail at once with a clear message.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cổng %s đang được dùng (address in use): dừng chương trình kia hoặc chọn --addr khác", cfg.Addr)
		}
		return fmt.Errorf("không mở được %s (cannot listen): %w", cfg.Addr, err)
	}
	defer ln.Close()

	st, err := openData(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	signer, err := receiptSigner(cfg, log, time.Now())
	if err != nil {
		return err
	}
	kek, err := receiptKEK(cfg, log)
	if err != nil {
		return err
	}
	// Receipts are signed, in the transaction that issues them, with the unit's own key
	// (opened with the KEK), else the deployment's key.
	payments := &payment.Service{Store: st, Now: time.Now, KEK: kek}
	if signer != nil {
		payments.Signer = signer
	}
	hasher := newHasher(cfg, 2)
	if cfg.Demo {
		loaded, err := demo.LoadWith(ctx, st, hasher, demo.Options{History: true, Payments: true, Signing: true, Exchange: true,
			PaymentService: payments})
		if err != nil {
			return err
		}
		printDemoUsers(sio, loaded)
	}
	home, err := homeUnit(ctx, st)
	if err != nil {
		return err
	}
	blobs, err := blob.OpenLocal(cfg.DataDir)
	if err != nil {
		return err
	}
	defer blobs.Close()
	cals := workcal.New(st)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	deps := web.Deps{
		Store:         st,
		Auth:          auth.NewService(st, hasher, ratelimit.NewBackoff(ratelimit.PerAccount), ratelimit.NewBackoff(ratelimit.PerAccount)),
		Calendars:     cals,
		Dossiers:      &dossier.Service{Store: st, Calendars: cals, Now: time.Now, Fees: payments, SignNeedsResult: true},
		Payments:      payments,
		HomeUnitID:    home.ID,
		Log:           log,
		Metrics:       reg,
		SiteName:      home.Name,
		SecureCookies: cfg.SecureCookies(),
		BaseURL:       cfg.BaseURL,
		TSAURL:        cfg.TSAURL,
		TrustProxy:    cfg.TrustProxy,
		SessionLife:   cfg.SessionLifetime,
		Blobs:         blobs,
		FileLimit:     int64(cfg.MaxUploadMB) << 20,
		Speech:        voice(log),
	}
	// Documents go to and come from other bodies through the exchange platform.
	platform, exchangeUnits, stopPlatform, err := exchangeSetup(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer stopPlatform()
	exch, exchAdapter := app.WireExchange(&deps, platform)
	srv, err := app.New(deps)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads of scanned papers on a slow line
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	bg, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr)
		if err != nil {
			return err
		}
		defer stopDebug()
		log.Info("profiler listening", "addr", cfg.DebugAddr)
	}
	go srv.CleanSessions(bg, time.Hour)
	var sender notify.Sender = notify.LogSender{Log: log}
	if cfg.SMTPAddr != "" {
		sender = notify.SMTPSender{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword}
	}
	// Ticket slips addressed to a kiosk's printer (escpos://host:port) go to the printer.
	sender = queue.PrinterSender{Next: sender}
	go (&notify.Worker{Store: st, Sender: sender, Log: log, Interval: 10 * time.Second, Now: time.Now}).Run(bg)
	if platform != nil {
		go runExchange(bg, log, cfg.ExchangeInterval, exch, exchAdapter, exchangeUnits)
	}
	go (&report.RollupJob{Store: st, Log: log, Interval: 5 * time.Minute, Now: time.Now}).Run(bg)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("xaso ready", "url", "http://"+ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("xaso stopping")
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// voice is the hall screen's voice: espeak-ng when installed; without it the screen
// shows the calls silently, which the log says once at start.
func voice(log *slog.Logger) speech.Synthesizer {
	e, err := speech.FindESpeak()
	if err != nil {
		log.Warn("màn hình gọi số sẽ không đọc số (no voice for the calling screen): apt-get install espeak-ng", "err", err)
		return nil
	}
	return e
}

// homeUnit is the unit the portal serves by default (its name heads every page, its
// catalog is the public one): the first commune in force, or else the first unit.
func homeUnit(ctx context.Context, st interface {
	Units(context.Context, int, int) ([]unit.Unit, int, error)
}) (unit.Unit, error) {
	us, _, err := st.Units(ctx, 500, 0)
	if err != nil {
		return unit.Unit{}, err
	}
	for _, u := range us {
		if u.Level == unit.Commune && u.ValidTo == "" {
			return u, nil
		}
	}
	if len(us) > 0 {
		return us[0], nil
	}
	return unit.Unit{}, nil
}

func printDemoUsers(sio stdio, loaded bool) {
	if loaded {
		fmt.Fprintln(sio.err, "Đã nạp dữ liệu mẫu Xã Yên Từ (demo data loaded).")
	}
	fmt.Fprintf(sio.err, "Tài khoản mẫu (demo logins), mật khẩu %q:\n", demo.Password)
	for _, u := range demo.Users {
		fmt.Fprintf(sio.err, "  %-11s %s\n", u.Username, u.Role.Label())
	}
	for _, u := range demo.ExchangeUsers {
		fmt.Fprintf(sio.err, "  %-11s %s (Tỉnh Ninh Bình, trao đổi văn bản với xã)\n", u.Username, u.Role.Label())
	}
}

// serveDebug serves Go's profiler on its own address and mux, never on the public one.
func serveDebug(addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("không mở được --debug-addr %s (cannot listen): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ds := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go ds.Serve(ln)
	return func() { ds.Close() }, nil
}
