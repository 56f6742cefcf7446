package config

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestEnvThenFlags(t *testing.T) {
	env := map[string]string{
		"XASO_DB":               "postgres://xaso:secret@db/xaso",
		"XASO_ADDR":             "0.0.0.0:9000",
		"XASO_DEMO":             "true",
		"XASO_SESSION_LIFETIME": "2h",
	}
	c := Defaults()
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:8081"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8081" {
		t.Errorf("flag must win over env: Addr = %q", c.Addr)
	}
	if c.DB != env["XASO_DB"] || !c.Demo || c.SessionLifetime != 2*time.Hour {
		t.Errorf("env not applied: %+v", c)
	}
	if c.Engine() != "postgres" {
		t.Errorf("Engine = %q", c.Engine())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestFromEnvRejectsBadValues(t *testing.T) {
	c := Defaults()
	err := c.FromEnv(func(k string) string {
		return map[string]string{"XASO_DEMO": "maybe", "XASO_SESSION_LIFETIME": "forever"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "XASO_DEMO") || !strings.Contains(err.Error(), "XASO_SESSION_LIFETIME") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"bad db scheme", func(c *Config) { c.DB = "mysql://x" }, "--db"},
		{"empty sqlite path", func(c *Config) { c.DB = "sqlite:" }, "--db"},
		{"bad addr", func(c *Config) { c.Addr = "8080" }, "--addr"},
		{"bad debug addr", func(c *Config) { c.DebugAddr = "6060" }, "--debug-addr"},
		{"bad base url", func(c *Config) { c.BaseURL = "motcua.vn" }, "--base-url"},
		{"bad tsa url", func(c *Config) { c.TSAURL = "tsa.example.vn" }, "--tsa-url"},
		{"bad log level", func(c *Config) { c.LogLevel = "loud" }, "--log-level"},
		{"short session", func(c *Config) { c.SessionLifetime = time.Second }, "--session-lifetime"},
		{"empty data dir", func(c *Config) { c.DataDir = "" }, "--data-dir"},
		{"tiny password memory", func(c *Config) { c.PasswordMemoryKiB = 8 }, "--password-memory"},
		{"zero password time", func(c *Config) { c.PasswordTime = 0 }, "--password-time"},
		{"upload limit zero", func(c *Config) { c.MaxUploadMB = 0 }, "--max-upload-mb"},
		{"smtp without port", func(c *Config) { c.SMTPAddr, c.SMTPFrom = "smtp.example.vn", "a@example.vn" }, "--smtp-addr"},
		{"smtp without sender", func(c *Config) { c.SMTPAddr = "smtp.example.vn:587" }, "--smtp-from"},
		{"smtp security", func(c *Config) { c.SMTPSecurity = "ssl" }, "--smtp-security"},
		{"dkim key missing", func(c *Config) { c.DKIMKey, c.DKIMSelector = "/nonexistent/dkim.pem", "s1" }, "--dkim-key"},
		{"dkim without selector", func(c *Config) { c.DKIMKey = "config_test.go" }, "--dkim-selector"},
		{"imap without port", func(c *Config) { c.IMAPAddr, c.IMAPUser = "mail.example.vn", "vanthu" }, "--imap-addr"},
		{"imap without user", func(c *Config) { c.IMAPAddr = "mail.example.vn:993" }, "--imap-user"},
		{"imap security", func(c *Config) { c.IMAPAddr, c.IMAPUser, c.IMAPSecurity = "mail.example.vn:993", "vt", "ssl" }, "--imap-security"},
		{"imap password file missing", func(c *Config) {
			c.IMAPAddr, c.IMAPUser, c.IMAPPasswordFile = "mail.example.vn:993", "vt", "/nonexistent/pw"
		}, "--imap-password-file"},
		{"icecast", func(c *Config) { c.IcecastURL, c.IcecastPassword = "http://127.0.0.1:8000", "nguon" }, ""},
		{"icecast without port", func(c *Config) { c.IcecastURL, c.IcecastPassword = "http://127.0.0.1", "nguon" }, "--icecast-url"},
		{"icecast with a path", func(c *Config) { c.IcecastURL, c.IcecastPassword = "http://127.0.0.1:8000/live", "nguon" }, "--icecast-url"},
		{"icecast password in the url", func(c *Config) { c.IcecastURL = "http://source:nguon@127.0.0.1:8000" }, "--icecast-url"},
		{"icecast without password", func(c *Config) { c.IcecastURL = "http://127.0.0.1:8000" }, "XASO_ICECAST_PASSWORD"},
		{"icecast password file missing", func(c *Config) {
			c.IcecastURL, c.IcecastPasswordFile = "http://127.0.0.1:8000", "/nonexistent/pw"
		}, "--icecast-password-file"},
		{"receipt key missing", func(c *Config) { c.ReceiptP12 = "/nonexistent/unit.p12" }, "--receipt-p12"},
		{"receipt password without key", func(c *Config) { c.ReceiptP12Password = "x" }, "--receipt-p12"},
		{"receipt KEK too short", func(c *Config) { c.ReceiptKEK = "short" }, "XASO_RECEIPT_KEK"},
		{"exchange", func(c *Config) { c.ExchangeURL, c.ExchangeOrgan = "https://lgsp.ninhbinh.gov.vn/vb", "000.31.37.H45" }, ""},
		{"bad exchange url", func(c *Config) { c.ExchangeURL, c.ExchangeOrgan = "lgsp.ninhbinh.gov.vn", "000.31.37.H45" }, "--exchange-url"},
		{"exchange without organ", func(c *Config) { c.ExchangeURL = "https://lgsp.ninhbinh.gov.vn/vb" }, "--exchange-organ"},
		{"exchange organ lower case", func(c *Config) { c.ExchangeURL, c.ExchangeOrgan = "https://lgsp.ninhbinh.gov.vn", "000.31.37.h45" }, "--exchange-organ"},
		{"exchange every millisecond", func(c *Config) { c.ExchangeInterval = time.Millisecond }, "--exchange-interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %s", err, tt.wantErr)
			}
		})
	}
}

func TestMaskDSN(t *testing.T) {
	tests := map[string]string{
		"postgres://xaso:secret@db:5432/xaso?sslmode=disable": "postgres://xaso:xxxxx@db:5432/xaso?sslmode=disable",
		"postgres://db/xaso?password=secret":                  "postgres://db/xaso?password=xxxxx",
		"postgres://postgres@127.0.0.1/test":                  "postgres://postgres@127.0.0.1/test",
		"sqlite:./xaso-data/xaso.db":                          "sqlite:./xaso-data/xaso.db",
	}
	for in, want := range tests {
		if got := MaskDSN(in); got != want {
			t.Errorf("MaskDSN(%q) = %q, want %q", in, got, want)
		}
	}
	c := Defaults()
	c.DB = "postgres://u:topsecret@h/d"
	c.SMTPPassword = "mailsecret"
	c.IMAPPassword = "imapsecret"
	c.ReceiptP12Password = "p12secret"
	c.ReceiptKEK = "kek-0123456789abcdef0123456789abcdef"
	c.IcecastPassword = "sourcesecret"
	if v := c.LogValue().String(); strings.Contains(v, "topsecret") || strings.Contains(v, "mailsecret") || strings.Contains(v, "imapsecret") || strings.Contains(v, "p12secret") ||
		strings.Contains(v, "kek-0123") || strings.Contains(v, "sourcesecret") {
		t.Error("LogValue leaks the password")
	}
}

func TestSecret(t *testing.T) {
	f := t.TempDir() + "/pw"
	os.WriteFile(f, []byte("mật-khẩu\r\nrest\n"), 0o600)
	if got, err := Secret(f, "env"); err != nil || got != "mật-khẩu" {
		t.Fatalf("file: %q %v", got, err)
	}
	if got, err := Secret("", "env"); err != nil || got != "env" {
		t.Fatalf("env: %q %v", got, err)
	}
	if _, err := Secret(f+"-missing", ""); err == nil {
		t.Fatal("a missing file read")
	}
}

func TestPrepareDirs(t *testing.T) {
	dir := t.TempDir()
	c := Defaults()
	c.DB = "sqlite:" + filepath.Join(dir, "db", "x.db")
	c.DataDir = filepath.Join(dir, "files")
	if err := c.PrepareDirs(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(dir, "db"), c.DataDir} {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Errorf("%s not created", d)
		}
	}
	if runtime.GOOS != "windows" && os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		c.DataDir = ro
		if err := c.PrepareDirs(); err == nil || !strings.Contains(err.Error(), "không ghi được") {
			t.Errorf("read-only dir: err = %v", err)
		}
	}
}

func TestReceiptKeyFromEnvAndFlag(t *testing.T) {
	dir := t.TempDir()
	envFile, flagFile := filepath.Join(dir, "env.p12"), filepath.Join(dir, "flag.p12")
	for _, f := range []string{envFile, flagFile} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := Defaults()
	env := map[string]string{"XASO_RECEIPT_P12": envFile, "XASO_RECEIPT_P12_PASSWORD": "pw"}
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.ReceiptP12 != envFile || c.ReceiptP12Password != "pw" {
		t.Fatalf("env not applied: %q", c.ReceiptP12)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--receipt-p12", flagFile}); err != nil {
		t.Fatal(err)
	}
	if c.ReceiptP12 != flagFile {
		t.Errorf("the flag must win: %q", c.ReceiptP12)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}
