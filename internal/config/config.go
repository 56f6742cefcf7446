// Package config holds xaso's configuration: one struct, its defaults, how flags and XASO_*
// environment variables fill it, and its validation. Every subcommand that touches data
// shares the same --db and --data-dir flags through Register.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one xaso process.
type Config struct {
	DB      string // "sqlite:PATH" or a postgres:// URL
	DataDir string // attachments and other files
	Addr    string // HTTP listen address
	// DebugAddr serves Go's profiler (/debug/pprof/) on a second address, for measuring a
	// running server; empty (the default): not served. Bind it to localhost.
	DebugAddr string
	Demo      bool   // load the demo commune into an empty database
	LogLevel  string // debug, info, warn, error
	// BaseURL is the public address (https://… behind a TLS proxy); it decides whether
	// cookies are marked Secure.
	BaseURL string
	// TrustProxy makes the server take the client address from X-Forwarded-For, for rate
	// limits behind a reverse proxy. Off by default: a forged header must not dodge limits.
	TrustProxy      bool
	SessionLifetime time.Duration
	ShutdownTimeout time.Duration
	// PasswordMemoryKiB and PasswordTime are the argon2id costs of new password hashes.
	// A PC with little memory may lower the memory; existing hashes keep their own costs
	// and are upgraded at the next login.
	PasswordMemoryKiB uint
	PasswordTime      uint
	// SMTP delivers the messages owed to citizens; without SMTPAddr they go to the log.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUser     string
	SMTPPassword string // environment only (XASO_SMTP_PASSWORD): never on a command line
	// The commune's official e-mail (issue 19): documents issued to recipients written as
	// an e-mail address go out through the SMTP server above with SMTPSecurity, signed
	// with DKIM when DKIMKey is set; the official mailbox (IMAP) is fetched every
	// MailFetchInterval into the clerk's list when IMAPAddr is set.
	SMTPSecurity      string // starttls (port 587) or tls (port 465)
	SMTPPasswordFile  string // the SMTP password in a file (instead of XASO_SMTP_PASSWORD)
	DKIMKey           string // PEM file of the RSA key
	DKIMSelector      string
	IMAPAddr          string
	IMAPSecurity      string // tls (port 993), starttls (143), none (loopback only)
	IMAPUser          string
	IMAPPassword      string // environment only (XASO_IMAP_PASSWORD)
	IMAPPasswordFile  string
	IMAPMailbox       string
	MailFetchInterval time.Duration
	// IcecastURL is the Icecast server (http://host:port) that carries each cluster's
	// live stream of the loudspeakers; empty: no stream.
	IcecastURL          string
	IcecastPassword     string // the source password; environment only (XASO_ICECAST_PASSWORD)
	IcecastPasswordFile string
	// MaxUploadMB is the largest attachment accepted, in MiB.
	MaxUploadMB uint
	// ReceiptP12 is the PKCS #12 file (.p12, .pfx) of the key and certificate that sign
	// the electronic fee receipts and their daily summaries (XML-DSig); empty: receipts
	// are issued unsigned, except in --demo, which signs with a throw-away key.
	ReceiptP12 string
	// ReceiptP12Password opens it; environment only (XASO_RECEIPT_P12_PASSWORD).
	ReceiptP12Password string
	// TSAURL is an RFC 3161 timestamp authority: signatures made on the office pages get
	// its timestamp (PAdES B-T); empty: B-B, the signer's claimed time.
	TSAURL string
	// ReceiptKEK is the server's key-encryption key, which seals each unit's own receipt
	// key in the database (xaso receiptkey add) and opens it when a receipt is issued
	// without a human (the bank's notification): at least 32 characters, e.g.
	// `openssl rand -hex 32`. Environment only (XASO_RECEIPT_KEK), never logged; keep it
	// apart from the database's backups. Empty: units' own keys cannot be installed or
	// used (their receipts wait), except in --demo, which uses a published demo KEK.
	ReceiptKEK string
	// ExchangeURL is the province's document exchange platform (LGSP/VDXP adapter,
	// docs/EXCHANGE.md); empty: documents are not exchanged electronically (in --demo a
	// local platform runs in the process). ExchangeOrgan is the organ id of the unit
	// this installation exchanges for (its identification code, e.g. 000.31.37.H45);
	// ExchangeToken its credential there, environment only (XASO_EXCHANGE_TOKEN).
	ExchangeURL      string
	ExchangeOrgan    string
	ExchangeToken    string
	ExchangeInterval time.Duration
	// VoiceCommand is a better Vietnamese voice than espeak-ng's (a piper or vietTTS
	// install): a command line that reads the text on standard input and writes WAV on
	// standard output; empty: espeak-ng (docs/ADMIN.md).
	VoiceCommand string
	// SourceURL is the province's source information system the loudspeakers report to
	// (docs/BROADCAST.md); empty: nothing is reported (in --demo a local fake runs in the
	// process). SourceToken its credential there, environment only (XASO_SOURCE_TOKEN).
	SourceURL   string
	SourceToken string
	// Notifications (docs/NOTIFY.md). SMSURL is the SMS HTTP gateway (its token from
	// XASO_SMS_TOKEN; SMSBrand the brand name it sends under; SMSASCII strips Vietnamese
	// marks for gateways that take only GSM-7); ZNSURL the Zalo OA's API (its token from
	// XASO_ZNS_TOKEN); Push turns on Web Push (the VAPID key is made once and kept). The
	// gateways' webhooks are verified with XASO_SMS_WEBHOOK_SECRET and
	// XASO_ZALO_WEBHOOK_SECRET. Empty: the channel is off (in --demo local fakes run in
	// the process).
	SMSURL            string
	SMSToken          string
	SMSBrand          string
	SMSASCII          bool
	ZNSURL            string
	ZNSToken          string
	Push              bool
	SMSWebhookSecret  string
	ZaloWebhookSecret string

	// TelehealthVideoURL is the Jitsi-compatible server tele-health's video rooms are made
	// on (docs/TELEHEALTH.md): https://meet.jit.si by default, the province's own in
	// production.
	TelehealthVideoURL string
}

// exchangeOrganRE is an organ id's form (Decision 20/2020/QĐ-TTg; edxml.ValidOrganID).
var exchangeOrganRE = regexp.MustCompile(`^[0-9A-Z.]{1,35}$`)

// Defaults returns the configuration a commune PC runs with when nothing is set.
func Defaults() Config {
	return Config{
		DB:              "sqlite:./xaso-data/xaso.db",
		DataDir:         "./xaso-data/files",
		Addr:            "localhost:8080",
		LogLevel:        "info",
		SessionLifetime: 12 * time.Hour,
		ShutdownTimeout: 15 * time.Second,
		// RFC 9106's second recommendation (64 MiB) with two passes: about a tenth of a
		// second per login on an old two-core PC.
		PasswordMemoryKiB: 64 * 1024,
		PasswordTime:      2,
		MaxUploadMB:       10,
		SMTPSecurity:      "starttls",
		IMAPSecurity:      "tls",
		IMAPMailbox:       "INBOX",
		MailFetchInterval: time.Minute,
		ExchangeInterval:  time.Minute,

		// Tele-health's video rooms (docs/TELEHEALTH.md).
		TelehealthVideoURL: "https://meet.jit.si",
	}
}

// DataFlags registers --db and --data-dir, the flags every data subcommand shares.
func (c *Config) DataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:PATH or postgres://USER@HOST/DB (env XASO_DB)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for attachments (env XASO_DATA_DIR)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env XASO_LOG_LEVEL)")
	fs.UintVar(&c.PasswordMemoryKiB, "password-memory", c.PasswordMemoryKiB, "argon2id memory per password hash, KiB (env XASO_PASSWORD_MEMORY)")
	fs.UintVar(&c.PasswordTime, "password-time", c.PasswordTime, "argon2id passes per password hash (env XASO_PASSWORD_TIME)")
}

// ServeFlags registers the flags of the serve subcommand.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DataFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (env XASO_ADDR)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "create the demo commune Yên Từ in an empty database (env XASO_DEMO)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL, e.g. https://motcua.example.vn (env XASO_BASE_URL)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "take client addresses from X-Forwarded-For (env XASO_TRUST_PROXY)")
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", c.SessionLifetime, "how long a login lasts (env XASO_SESSION_LIFETIME)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", c.SMTPAddr, "SMTP server host:port for e-mail to citizens; empty: messages go to the log (env XASO_SMTP_ADDR)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", c.SMTPFrom, "sender address of e-mail (env XASO_SMTP_FROM)")
	fs.StringVar(&c.SMTPUser, "smtp-user", c.SMTPUser, "SMTP user; the password comes from XASO_SMTP_PASSWORD (env XASO_SMTP_USER)")
	fs.StringVar(&c.SMTPSecurity, "smtp-security", c.SMTPSecurity, "starttls (port 587) or tls (port 465) for the official e-mail (env XASO_SMTP_SECURITY)")
	fs.StringVar(&c.SMTPPasswordFile, "smtp-password-file", c.SMTPPasswordFile, "file holding the SMTP password, instead of XASO_SMTP_PASSWORD (env XASO_SMTP_PASSWORD_FILE)")
	fs.StringVar(&c.DKIMKey, "dkim-key", c.DKIMKey, "PEM file of the RSA key signing the official e-mail (DKIM); empty: unsigned (env XASO_DKIM_KEY)")
	fs.StringVar(&c.DKIMSelector, "dkim-selector", c.DKIMSelector, "DKIM selector published in DNS, with --dkim-key (env XASO_DKIM_SELECTOR)")
	fs.StringVar(&c.IMAPAddr, "imap-addr", c.IMAPAddr, "official mailbox's IMAP server host:port; empty: not fetched (env XASO_IMAP_ADDR)")
	fs.StringVar(&c.IMAPSecurity, "imap-security", c.IMAPSecurity, "tls (port 993), starttls (143) or none (loopback only) (env XASO_IMAP_SECURITY)")
	fs.StringVar(&c.IMAPUser, "imap-user", c.IMAPUser, "official mailbox's user; the password comes from XASO_IMAP_PASSWORD or --imap-password-file (env XASO_IMAP_USER)")
	fs.StringVar(&c.IMAPPasswordFile, "imap-password-file", c.IMAPPasswordFile, "file holding the IMAP password (env XASO_IMAP_PASSWORD_FILE)")
	fs.StringVar(&c.IMAPMailbox, "imap-mailbox", c.IMAPMailbox, "folder fetched (env XASO_IMAP_MAILBOX)")
	fs.StringVar(&c.IcecastURL, "icecast-url", c.IcecastURL, "Icecast server http://host:port carrying each cluster's live stream of the loudspeakers; empty: no stream (env XASO_ICECAST_URL)")
	fs.StringVar(&c.IcecastPasswordFile, "icecast-password-file", c.IcecastPasswordFile, "file holding Icecast's source password, instead of XASO_ICECAST_PASSWORD (env XASO_ICECAST_PASSWORD_FILE)")
	fs.DurationVar(&c.MailFetchInterval, "mail-fetch-interval", c.MailFetchInterval, "how often the official mailbox is fetched (env XASO_MAIL_FETCH_INTERVAL)")
	fs.UintVar(&c.MaxUploadMB, "max-upload-mb", c.MaxUploadMB, "largest attachment, MiB (env XASO_MAX_UPLOAD_MB)")
	fs.StringVar(&c.ReceiptP12, "receipt-p12", c.ReceiptP12, "PKCS #12 file signing fee receipts; its password comes from XASO_RECEIPT_P12_PASSWORD (env XASO_RECEIPT_P12)")
	fs.StringVar(&c.TSAURL, "tsa-url", c.TSAURL, "RFC 3161 timestamp authority for PDF signatures made on the office pages (PAdES B-T) (env XASO_TSA_URL)")
	fs.StringVar(&c.ExchangeURL, "exchange-url", c.ExchangeURL, "document exchange platform (LGSP) base URL; its token comes from XASO_EXCHANGE_TOKEN (env XASO_EXCHANGE_URL)")
	fs.StringVar(&c.ExchangeOrgan, "exchange-organ", c.ExchangeOrgan, "organ id of the unit exchanging documents, e.g. 000.31.37.H45 (env XASO_EXCHANGE_ORGAN)")
	fs.DurationVar(&c.ExchangeInterval, "exchange-interval", c.ExchangeInterval, "how often documents are sent to and fetched from the exchange platform (env XASO_EXCHANGE_INTERVAL)")
	fs.StringVar(&c.SourceURL, "source-url", c.SourceURL, "province's source information system (loudspeaker reports) base URL; its token comes from XASO_SOURCE_TOKEN (env XASO_SOURCE_URL)")
	fs.StringVar(&c.SMSURL, "sms-url", c.SMSURL, "SMS HTTP gateway base URL for notifications and one-time codes; its token comes from XASO_SMS_TOKEN (env XASO_SMS_URL)")
	fs.StringVar(&c.TelehealthVideoURL, "telehealth-video-url", c.TelehealthVideoURL, "Jitsi-compatible server of tele-health video rooms, e.g. https://meet.jit.si (env XASO_TELEHEALTH_VIDEO_URL)")
	fs.StringVar(&c.SMSBrand, "sms-brand", c.SMSBrand, "brand name SMS are sent under (env XASO_SMS_BRAND)")
	fs.BoolVar(&c.SMSASCII, "sms-ascii", c.SMSASCII, "send SMS without Vietnamese marks (GSM-7 gateways) (env XASO_SMS_ASCII)")
	fs.StringVar(&c.ZNSURL, "zns-url", c.ZNSURL, "Zalo OA API base URL for ZNS template messages; its token comes from XASO_ZNS_TOKEN (env XASO_ZNS_URL)")
	fs.BoolVar(&c.Push, "push", c.Push, "send Web Push notifications to citizens' subscribed browsers (VAPID key made once) (env XASO_PUSH)")
	fs.StringVar(&c.VoiceCommand, "voice-command", c.VoiceCommand, "program (with arguments) reading Vietnamese text on stdin and writing WAV on stdout, used instead of espeak-ng (env XASO_VOICE_COMMAND)")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "serve Go's profiler (/debug/pprof/) on this host:port, e.g. 127.0.0.1:6060; empty: off (env XASO_DEBUG_ADDR)")
}

// FromEnv overlays XASO_* environment variables; flags parsed afterwards win over them.
func (c *Config) FromEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("XASO_DB", &c.DB)
	str("XASO_DATA_DIR", &c.DataDir)
	str("XASO_ADDR", &c.Addr)
	str("XASO_DEBUG_ADDR", &c.DebugAddr)
	str("XASO_LOG_LEVEL", &c.LogLevel)
	str("XASO_BASE_URL", &c.BaseURL)
	str("XASO_SMTP_ADDR", &c.SMTPAddr)
	str("XASO_SMTP_FROM", &c.SMTPFrom)
	str("XASO_SMTP_USER", &c.SMTPUser)
	str("XASO_SMTP_PASSWORD", &c.SMTPPassword)
	str("XASO_SMTP_SECURITY", &c.SMTPSecurity)
	str("XASO_SMTP_PASSWORD_FILE", &c.SMTPPasswordFile)
	str("XASO_DKIM_KEY", &c.DKIMKey)
	str("XASO_DKIM_SELECTOR", &c.DKIMSelector)
	str("XASO_IMAP_ADDR", &c.IMAPAddr)
	str("XASO_IMAP_SECURITY", &c.IMAPSecurity)
	str("XASO_IMAP_USER", &c.IMAPUser)
	str("XASO_IMAP_PASSWORD", &c.IMAPPassword)
	str("XASO_IMAP_PASSWORD_FILE", &c.IMAPPasswordFile)
	str("XASO_IMAP_MAILBOX", &c.IMAPMailbox)
	str("XASO_ICECAST_URL", &c.IcecastURL)
	str("XASO_ICECAST_PASSWORD", &c.IcecastPassword)
	str("XASO_ICECAST_PASSWORD_FILE", &c.IcecastPasswordFile)
	if v := getenv("XASO_MAIL_FETCH_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("XASO_MAIL_FETCH_INTERVAL %q: %w", v, err)
		}
		c.MailFetchInterval = d
	}
	str("XASO_RECEIPT_P12", &c.ReceiptP12)
	str("XASO_RECEIPT_P12_PASSWORD", &c.ReceiptP12Password)
	str("XASO_TSA_URL", &c.TSAURL)
	str("XASO_RECEIPT_KEK", &c.ReceiptKEK)
	str("XASO_EXCHANGE_URL", &c.ExchangeURL)
	str("XASO_EXCHANGE_ORGAN", &c.ExchangeOrgan)
	str("XASO_EXCHANGE_TOKEN", &c.ExchangeToken)
	str("XASO_VOICE_COMMAND", &c.VoiceCommand)
	str("XASO_SOURCE_URL", &c.SourceURL)
	str("XASO_SOURCE_TOKEN", &c.SourceToken)
	str("XASO_TELEHEALTH_VIDEO_URL", &c.TelehealthVideoURL)
	str("XASO_SMS_URL", &c.SMSURL)
	str("XASO_SMS_TOKEN", &c.SMSToken)
	str("XASO_SMS_BRAND", &c.SMSBrand)
	str("XASO_ZNS_URL", &c.ZNSURL)
	str("XASO_ZNS_TOKEN", &c.ZNSToken)
	str("XASO_SMS_WEBHOOK_SECRET", &c.SMSWebhookSecret)
	str("XASO_ZALO_WEBHOOK_SECRET", &c.ZaloWebhookSecret)
	if v := getenv("XASO_EXCHANGE_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("XASO_EXCHANGE_INTERVAL=%q: cần một khoảng thời gian, ví dụ 1m (want a duration)", v)
		}
		c.ExchangeInterval = d
	}
	var errs []error
	for name, dst := range map[string]*bool{"XASO_DEMO": &c.Demo, "XASO_TRUST_PROXY": &c.TrustProxy,
		"XASO_SMS_ASCII": &c.SMSASCII, "XASO_PUSH": &c.Push} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: cần true hoặc false (want true or false)", name, v))
			}
			*dst = b
		}
	}
	for name, dst := range map[string]*uint{"XASO_PASSWORD_MEMORY": &c.PasswordMemoryKiB, "XASO_PASSWORD_TIME": &c.PasswordTime,
		"XASO_MAX_UPLOAD_MB": &c.MaxUploadMB} {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: cần một số nguyên dương (want a positive integer)", name, v))
			}
			*dst = uint(n)
		}
	}
	if v := getenv("XASO_SESSION_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("XASO_SESSION_LIFETIME=%q: cần dạng 12h (want a duration like 12h)", v))
		}
		c.SessionLifetime = d
	}
	return errors.Join(errs...)
}

// Engine names the database engine of c.DB: "sqlite" or "postgres".
func (c Config) Engine() string {
	if strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// SQLitePath returns the file path of a sqlite: DSN.
func (c Config) SQLitePath() string { return strings.TrimPrefix(c.DB, "sqlite:") }

// Validate checks what can be checked without side effects. Messages are Vietnamese
// with the English in brackets and say how to fix the problem.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.Engine() == "postgres":
		if _, err := url.Parse(c.DB); err != nil {
			errs = append(errs, fmt.Errorf("--db: địa chỉ PostgreSQL không hợp lệ (invalid postgres URL): %v", redactErr(err)))
		}
	case strings.HasPrefix(c.DB, "sqlite:") && c.SQLitePath() != "":
	default:
		errs = append(errs, fmt.Errorf("--db %q: cần sqlite:ĐƯỜNG_DẪN hoặc postgres://… (want sqlite:PATH or postgres://…)", MaskDSN(c.DB)))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data-dir: không được để trống (must not be empty)"))
	}
	if c.DebugAddr != "" {
		if _, _, err := net.SplitHostPort(c.DebugAddr); err != nil {
			errs = append(errs, fmt.Errorf("--debug-addr %q: cần dạng máy:cổng, ví dụ 127.0.0.1:6060 (want host:port)", c.DebugAddr))
		}
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("--addr %q: cần dạng máy:cổng, ví dụ localhost:8080 (want host:port)", c.Addr))
		}
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url %q: cần dạng https://tên-miền (want an absolute http(s) URL)", c.BaseURL))
		}
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: cần debug, info, warn hoặc error", c.LogLevel))
	}
	if c.PasswordMemoryKiB < 1024 || c.PasswordMemoryKiB > 1<<21 {
		errs = append(errs, fmt.Errorf("--password-memory %d: từ 1024 đến 2097152 KiB", c.PasswordMemoryKiB))
	}
	if c.PasswordTime < 1 || c.PasswordTime > 16 {
		errs = append(errs, fmt.Errorf("--password-time %d: từ 1 đến 16", c.PasswordTime))
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-addr %q: cần dạng máy:cổng, ví dụ smtp.example.vn:587", c.SMTPAddr))
		}
		if !strings.Contains(c.SMTPFrom, "@") {
			errs = append(errs, errors.New("--smtp-from: cần địa chỉ thư người gửi khi có --smtp-addr"))
		}
	}
	if c.SMTPSecurity != "starttls" && c.SMTPSecurity != "tls" {
		errs = append(errs, fmt.Errorf("--smtp-security %q: cần starttls hoặc tls", c.SMTPSecurity))
	}
	readable := func(flag, path, what string) {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() {
			errs = append(errs, fmt.Errorf("--%s %s: không đọc được %s (cannot read the file)", flag, path, what))
		}
	}
	if c.SMTPPasswordFile != "" {
		readable("smtp-password-file", c.SMTPPasswordFile, "tệp mật khẩu SMTP")
	}
	if c.DKIMKey != "" {
		readable("dkim-key", c.DKIMKey, "khóa DKIM")
		if c.DKIMSelector == "" {
			errs = append(errs, errors.New("--dkim-selector: cần selector DKIM (bản ghi DNS) khi có --dkim-key"))
		}
	}
	if c.IcecastURL != "" {
		if u, err := url.Parse(c.IcecastURL); err != nil || u.Scheme != "http" || u.Port() == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
			errs = append(errs, fmt.Errorf("--icecast-url %q: cần dạng http://máy:cổng, ví dụ http://127.0.0.1:8000 (mật khẩu nguồn qua XASO_ICECAST_PASSWORD hoặc --icecast-password-file)", c.IcecastURL))
		}
		if c.IcecastPasswordFile != "" {
			readable("icecast-password-file", c.IcecastPasswordFile, "tệp mật khẩu nguồn Icecast")
		} else if c.IcecastPassword == "" {
			errs = append(errs, errors.New("--icecast-url: cần mật khẩu nguồn Icecast (XASO_ICECAST_PASSWORD hoặc --icecast-password-file)"))
		}
	}
	if c.IMAPAddr != "" {
		if _, _, err := net.SplitHostPort(c.IMAPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--imap-addr %q: cần dạng máy:cổng, ví dụ mail.example.vn:993", c.IMAPAddr))
		}
		if c.IMAPUser == "" {
			errs = append(errs, errors.New("--imap-user: cần tài khoản hộp thư công vụ khi có --imap-addr"))
		}
		if c.IMAPPasswordFile != "" {
			readable("imap-password-file", c.IMAPPasswordFile, "tệp mật khẩu IMAP")
		}
		switch c.IMAPSecurity {
		case "tls", "starttls", "none":
		default:
			errs = append(errs, fmt.Errorf("--imap-security %q: cần tls, starttls hoặc none", c.IMAPSecurity))
		}
		if c.MailFetchInterval < 10*time.Second {
			errs = append(errs, fmt.Errorf("--mail-fetch-interval %v: tối thiểu 10 giây", c.MailFetchInterval))
		}
	}
	if c.TSAURL != "" {
		if u, err := url.Parse(c.TSAURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--tsa-url %q: cần dạng http(s)://máy-chủ/đường-dẫn (want an absolute http(s) URL)", c.TSAURL))
		}
	}
	if u, err := url.Parse(c.TelehealthVideoURL); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("--telehealth-video-url %q: cần dạng https://máy-chủ-jitsi (want an absolute https URL without query)", c.TelehealthVideoURL))
	}
	for flag, v := range map[string]string{"--sms-url": c.SMSURL, "--zns-url": c.ZNSURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q: cần dạng http(s)://máy-chủ/đường-dẫn (want an absolute http(s) URL)", flag, v))
		}
	}
	if c.SourceURL != "" {
		if u, err := url.Parse(c.SourceURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--source-url %q: cần dạng http(s)://máy-chủ/đường-dẫn (want an absolute http(s) URL)", c.SourceURL))
		}
	}
	if c.ExchangeURL != "" {
		if u, err := url.Parse(c.ExchangeURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--exchange-url %q: cần dạng http(s)://máy-chủ/đường-dẫn (want an absolute http(s) URL)", c.ExchangeURL))
		}
		if !exchangeOrganRE.MatchString(c.ExchangeOrgan) {
			errs = append(errs, fmt.Errorf("--exchange-organ %q: cần mã định danh cơ quan (0-9, A-Z, dấu chấm), ví dụ 000.31.37.H45", c.ExchangeOrgan))
		}
	}
	if c.ExchangeInterval < time.Second || c.ExchangeInterval > time.Hour {
		errs = append(errs, fmt.Errorf("--exchange-interval %s: từ 1s đến 1h", c.ExchangeInterval))
	}
	if c.ReceiptP12 != "" {
		if fi, err := os.Stat(c.ReceiptP12); err != nil || fi.IsDir() {
			errs = append(errs, fmt.Errorf("--receipt-p12 %s: không đọc được tệp khóa ký biên lai (cannot read the PKCS #12 file)", c.ReceiptP12))
		}
	} else if c.ReceiptP12Password != "" {
		errs = append(errs, errors.New("XASO_RECEIPT_P12_PASSWORD được đặt nhưng thiếu --receipt-p12 (a password without its PKCS #12 file)"))
	}
	if c.ReceiptKEK != "" && len(c.ReceiptKEK) < 32 {
		errs = append(errs, errors.New("XASO_RECEIPT_KEK: cần ít nhất 32 ký tự, ví dụ kết quả của openssl rand -hex 32 (at least 32 characters)"))
	}
	if c.MaxUploadMB < 1 || c.MaxUploadMB > 200 {
		errs = append(errs, fmt.Errorf("--max-upload-mb %d: từ 1 đến 200", c.MaxUploadMB))
	}
	if c.SessionLifetime < time.Minute {
		errs = append(errs, fmt.Errorf("--session-lifetime %v: tối thiểu 1 phút (at least 1m)", c.SessionLifetime))
	}
	return errors.Join(errs...)
}

// Secret is a password given in a file (its first line) or else directly.
func Secret(file, value string) (string, error) {
	if file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("không đọc được tệp mật khẩu %s: %w", file, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// SlogLevel returns the parsed log level (info when invalid; Validate reports that).
func (c Config) SlogLevel() slog.Level {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return slog.LevelInfo
	}
	return lvl
}

// SecureCookies reports whether cookies must carry the Secure attribute.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// PrepareDirs creates the data directory and the SQLite file's directory and proves they
// are writable, so a read-only disk fails at start with a clear message, not at the first
// upload.
func (c Config) PrepareDirs() error {
	dirs := []string{c.DataDir}
	if c.Engine() == "sqlite" {
		dirs = append(dirs, filepath.Dir(c.SQLitePath()))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("không tạo được thư mục %s (cannot create directory): %w; chọn thư mục khác bằng --data-dir/--db", d, err)
		}
		f, err := os.CreateTemp(d, ".write-test-*")
		if err != nil {
			return fmt.Errorf("thư mục %s không ghi được (directory not writable): %w; kiểm tra quyền hoặc chọn thư mục khác", d, err)
		}
		f.Close()
		os.Remove(f.Name())
	}
	return nil
}

// LogValue prints the configuration with secrets masked, for the start-up log line.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("db", MaskDSN(c.DB)),
		slog.String("data_dir", c.DataDir),
		slog.String("addr", c.Addr),
		slog.Bool("demo", c.Demo),
		slog.String("log_level", c.LogLevel),
		slog.String("base_url", c.BaseURL),
		slog.String("tsa_url", c.TSAURL),
		slog.Bool("trust_proxy", c.TrustProxy),
		slog.Duration("session_lifetime", c.SessionLifetime),
		slog.Uint64("password_memory_kib", uint64(c.PasswordMemoryKiB)),
		slog.Uint64("password_time", uint64(c.PasswordTime)),
		slog.String("smtp_addr", c.SMTPAddr),
		slog.String("smtp_from", c.SMTPFrom),
		slog.String("smtp_user", c.SMTPUser),
		slog.Bool("smtp_password_set", c.SMTPPassword != ""),
		slog.String("smtp_security", c.SMTPSecurity),
		slog.String("smtp_password_file", c.SMTPPasswordFile),
		slog.String("dkim_key", c.DKIMKey),
		slog.String("dkim_selector", c.DKIMSelector),
		slog.String("imap_addr", c.IMAPAddr),
		slog.String("imap_security", c.IMAPSecurity),
		slog.String("imap_user", c.IMAPUser),
		slog.Bool("imap_password_set", c.IMAPPassword != ""),
		slog.String("imap_password_file", c.IMAPPasswordFile),
		slog.String("imap_mailbox", c.IMAPMailbox),
		slog.Duration("mail_fetch_interval", c.MailFetchInterval),
		slog.String("icecast_url", c.IcecastURL),
		slog.Bool("icecast_password_set", c.IcecastPassword != ""),
		slog.String("icecast_password_file", c.IcecastPasswordFile),
		slog.Uint64("max_upload_mb", uint64(c.MaxUploadMB)),
		slog.String("receipt_p12", c.ReceiptP12),
		slog.Bool("receipt_p12_password_set", c.ReceiptP12Password != ""),
		slog.Bool("receipt_kek_set", c.ReceiptKEK != ""),
		slog.String("exchange_url", c.ExchangeURL),
		slog.String("exchange_organ", c.ExchangeOrgan),
		slog.Bool("exchange_token_set", c.ExchangeToken != ""),
		slog.Duration("exchange_interval", c.ExchangeInterval),
		slog.String("source_url", c.SourceURL),
		slog.Bool("source_token_set", c.SourceToken != ""),
		slog.Bool("voice_command_set", c.VoiceCommand != ""),
		slog.String("telehealth_video_url", c.TelehealthVideoURL),
		slog.String("sms_url", c.SMSURL),
		slog.Bool("sms_token_set", c.SMSToken != ""),
		slog.String("sms_brand", c.SMSBrand),
		slog.Bool("sms_ascii", c.SMSASCII),
		slog.String("zns_url", c.ZNSURL),
		slog.Bool("zns_token_set", c.ZNSToken != ""),
		slog.Bool("push", c.Push),
		slog.Bool("sms_webhook_secret_set", c.SMSWebhookSecret != ""),
		slog.Bool("zalo_webhook_secret_set", c.ZaloWebhookSecret != ""),
	)
}

// MaskDSN hides the password of a database URL (and of a password= parameter).
func MaskDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "sqlite" || u.Scheme == "" {
		if err != nil {
			return "(không đọc được địa chỉ)"
		}
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redactErr keeps url.Parse errors from echoing the DSN (and its password) into logs.
func redactErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "không đọc được"
}
