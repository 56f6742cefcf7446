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
	netmail "net/mail"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/xaso-vn/xaso/internal/app"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/telehealth"
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
			Telehealth: true, PaymentService: payments})
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
	qrFiles, err := qrFormFiles(cfg)
	if err != nil {
		return err
	}
	defer qrFiles.Close()
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
		Speech:        voice(cfg, log),
		QRFormFiles:   qrFiles,
	}
	// Documents go to and come from other bodies through the exchange platform.
	platform, exchangeUnits, stopPlatform, err := exchangeSetup(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer stopPlatform()
	exch, exchAdapter := app.WireExchange(&deps, platform)
	deps.Broadcast = app.NewBroadcast(deps)
	// The loudspeakers report to the province's source information system.
	sourceSys, stopSource, err := sourceSetup(cfg, log)
	if err != nil {
		return err
	}
	defer stopSource()
	// Notifications reach citizens on their channels (docs/NOTIFY.md).
	deps.Notify = app.NewNotify(deps)
	gateways, stopNotify, err := notifySetup(ctx, cfg, log, deps.Notify, kek, "http://"+ln.Addr().String())
	if err != nil {
		return err
	}
	defer stopNotify()
	srv, err := app.New(deps)
	if err != nil {
		return err
	}
	if sourceSys != nil && srv.Broadcast != nil {
		srv.Broadcast.Source = true
		srv.Broadcast.UnitCode = func(ctx context.Context, id int64) (string, error) {
			u, err := st.UnitByID(ctx, id)
			return u.Code, err
		}
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
	// Tele-health's video rooms are on the configured server; what a booking no longer
	// needs (its reason a day after the slot, the contacts thirty days) is blanked every
	// few minutes (docs/TELEHEALTH.md).
	if srv.Telehealth != nil {
		srv.Telehealth.VideoURL = cfg.TelehealthVideoURL
		go purgeTelehealth(bg, srv.Telehealth, log, 5*time.Minute)
	}
	var sender notify.Sender = notify.LogSender{Log: log}
	if cfg.SMTPAddr != "" {
		sender = notify.SMTPSender{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword}
	}
	// Ticket slips addressed to a kiosk's printer (escpos://host:port) go to the printer.
	sender = queue.PrinterSender{Next: sender}
	go (&notify.Worker{Store: st, Sender: sender, Gateways: gateways, ASCII: cfg.SMSASCII, Log: log,
		Interval: 10 * time.Second, Now: time.Now, Timeout: 30 * time.Second}).Run(bg)
	if platform != nil {
		go runExchange(bg, log, cfg.ExchangeInterval, exch, exchAdapter, exchangeUnits)
	}
	if sourceSys != nil && srv.Broadcast != nil {
		go runSource(bg, log, time.Minute, st, srv.Broadcast, &source.Worker{Store: st, System: sourceSys, Log: log, Now: time.Now})
	}
	if err := officialMail(bg, cfg, log, st, blobs, home); err != nil {
		return err
	}
	if err := liveStreams(bg, cfg, log, deps.Broadcast, home); err != nil {
		return err
	}
	go runQRFormPurge(bg, log, 5*time.Minute, st, qrFiles)
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

// liveStreams starts each cluster's live stream of the loudspeakers on Icecast (issue 22)
// when --icecast-url is set: clusters of the home unit, listed again every minute.
func liveStreams(ctx context.Context, cfg config.Config, log *slog.Logger, svc *broadcast.Service, home unit.Unit) error {
	if cfg.IcecastURL == "" || home.ID == 0 {
		return nil
	}
	pass, err := config.Secret(cfg.IcecastPasswordFile, cfg.IcecastPassword)
	if err != nil {
		return err
	}
	go svc.StreamClusters(ctx, home.ID, strings.TrimSuffix(cfg.IcecastURL, "/"), pass, log, time.Minute)
	log.Info("loudspeakers: each cluster's live stream goes to Icecast", "icecast", cfg.IcecastURL)
	return nil
}

// officialMail starts the official e-mail's loops (issue 19): issued documents sent to
// their e-mail recipients through the SMTP server (when --smtp-addr is set), and the
// official mailbox fetched into the clerk's list of the home unit (when --imap-addr is).
func officialMail(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.Store, blobs blob.Store, home unit.Unit) error {
	if cfg.SMTPAddr != "" {
		pass, err := config.Secret(cfg.SMTPPasswordFile, cfg.SMTPPassword)
		if err != nil {
			return err
		}
		sender := &mail.Sender{Addr: cfg.SMTPAddr, Security: mail.Security(cfg.SMTPSecurity), Username: cfg.SMTPUser,
			Password: pass, From: cfg.SMTPFrom}
		if cfg.DKIMKey != "" {
			pemBytes, err := os.ReadFile(cfg.DKIMKey)
			if err != nil {
				return fmt.Errorf("--dkim-key: %w", err)
			}
			key, err := mail.LoadDKIMKey(pemBytes)
			if err != nil {
				return fmt.Errorf("--dkim-key %s: %w", cfg.DKIMKey, err)
			}
			sender.DKIM = &mail.DKIM{Domain: mailDomain(cfg.SMTPFrom), Selector: cfg.DKIMSelector, Key: key}
		}
		go (&document.MailDispatcher{Store: st, Blobs: blobs, Mailer: sender, Domain: mailDomain(cfg.SMTPFrom), Log: log,
			Interval: 30 * time.Second, Now: time.Now, UnitName: func(ctx context.Context, id int64) (string, error) {
				u, err := st.UnitByID(ctx, id)
				return unitCommittee(u), err
			}}).Run(ctx)
		log.Info("official e-mail: issued documents go to e-mail recipients", "smtp", cfg.SMTPAddr, "dkim", cfg.DKIMKey != "")
	}
	if cfg.IMAPAddr == "" || home.ID == 0 {
		return nil
	}
	pass, err := config.Secret(cfg.IMAPPasswordFile, cfg.IMAPPassword)
	if err != nil {
		return err
	}
	box := &mail.IMAP{Addr: cfg.IMAPAddr, Security: mail.Security(cfg.IMAPSecurity), Username: cfg.IMAPUser, Password: pass,
		Mailbox: cfg.IMAPMailbox, Limits: mail.DefaultLimits}
	svc := &mail.Service{Store: st, Limits: mail.DefaultLimits, Now: time.Now}
	go func() {
		t := time.NewTicker(cfg.MailFetchInterval)
		defer t.Stop()
		for {
			if n, err := svc.Fetch(ctx, home.ID, box); err != nil && ctx.Err() == nil {
				log.Warn("official mailbox not fetched", "imap", cfg.IMAPAddr, "err", err)
			} else if n > 0 {
				log.Info("official mailbox fetched", "messages", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	log.Info("official mailbox fetched into the clerk's list", "imap", cfg.IMAPAddr, "every", cfg.MailFetchInterval)
	return nil
}

// mailDomain is the domain of an address ("UBND <vanthu@yentu.gov.vn>" → yentu.gov.vn).
func mailDomain(addr string) string {
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return "localhost"
	}
	return a.Address[strings.LastIndexByte(a.Address, '@')+1:]
}

// unitCommittee is the People's Committee of a unit, as a letter names its sender.
func unitCommittee(u unit.Unit) string { return "Ủy ban nhân dân " + lowerUnitLevel(u.Name) }

// lowerUnitLevel writes "Xã Yên Từ" as "xã Yên Từ" after "Ủy ban nhân dân".
func lowerUnitLevel(name string) string {
	for _, l := range []string{"Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(name, l); ok {
			return strings.ToLower(l) + rest
		}
	}
	return name
}

// voice is the hall screen's and the loudspeakers' voice: the administrator's
// --voice-command when set, else espeak-ng when installed; without either the screen
// shows the calls silently, which the log says once at start.
func voice(cfg config.Config, log *slog.Logger) speech.Synthesizer {
	if cfg.VoiceCommand != "" {
		c, err := speech.ParseCommand(cfg.VoiceCommand)
		if err == nil {
			return c
		}
		log.Warn("không dùng được --voice-command, dùng espeak-ng (voice command unusable)", "err", err)
	}
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

// purgeTelehealth blanks what tele-health bookings no longer need, now and every interval
// until ctx ends.
func purgeTelehealth(ctx context.Context, svc *telehealth.Service, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := svc.Purge(ctx); err != nil && ctx.Err() == nil {
			log.Warn("tele-health purge", "err", err)
		} else if n > 0 {
			log.Info("tele-health purge", "bookings", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
