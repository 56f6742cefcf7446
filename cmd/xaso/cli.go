package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"runtime/debug"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/store"
)

// stdio is a command's environment: tests run commands in-process with buffers.
type stdio struct {
	in     io.Reader
	out    io.Writer // the result alone, for scripts
	err    io.Writer // logs and messages
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	name     string
	synopsis string // flags before arguments
	summary  string // one line for `xaso help`
	help     string // plain words for `xaso help CMD`
	// setup registers the command's flags on fs (cfg already holds the defaults and the
	// XASO_* environment) and returns what runs once they are parsed.
	setup func(fs *flag.FlagSet, cfg *config.Config) runner
	// defaultSub, for a command group, is the sub that arguments beginning with a flag
	// go to.
	defaultSub string
}

type runner func(ctx context.Context, sio stdio, args []string) error

// commands lists every subcommand; `xaso help` prints them in this order.
func commands() []*command {
	return []*command{serveCmd(), migrateCmd(), userCmd(), tokenCmd(), unitCmd(), importCmd(), reportCmd(), auditCmd(), backupCmd(),
		lunarCmd(), holidaysCmd(), deadlineCmd(), vietqrCmd(), signCmd(), verifyCmd(), demoCACmd(), trustCmd(), signkeyCmd(), receiptkeyCmd(), edxmlCmd(), speakCmd(), formsCmd(), telehealthCmd(), versionCmd()}
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// errUsage marks a usage error (exit 2); its message is printed with the usage.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usagef(format string, a ...any) error { return errUsage{fmt.Sprintf(format, a...)} }

// run executes the command line and returns the exit code: 0 on success, 1 when the
// command failed, 2 for a usage error.
func run(ctx context.Context, args []string, sio stdio) int {
	if len(args) == 0 {
		printHelp(sio.err)
		return 2
	}
	name, rest := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		if len(rest) == 0 {
			printHelp(sio.out)
			return 0
		}
		name, rest = rest[0], []string{"-h"}
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(sio.err, "xaso: không có lệnh %q (unknown command); xem: xaso help\n", name)
		return 2
	}
	err := c.execute(ctx, sio, rest)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var u errUsage
	if errors.As(err, &u) {
		fmt.Fprintf(sio.err, "xaso %s: %s\nCách dùng (usage): xaso %s\n", c.name, u.msg, c.synopsis)
		return 2
	}
	fmt.Fprintf(sio.err, "xaso %s: %s\n", c.name, describe(err))
	return 1
}

func (c *command) execute(ctx context.Context, sio stdio, args []string) error {
	if c.defaultSub != "" && len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		args = append([]string{c.defaultSub}, args...)
	}
	cfg := config.Defaults()
	if err := cfg.FromEnv(sio.getenv); err != nil {
		return usagef("%v", err)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r := c.setup(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(sio.out)
			return err
		}
		return usagef("%v", err)
	}
	return r(ctx, sio, fs.Args())
}

// describe gives the one-line message of a failed command: the Vietnamese message of an
// apperr with its cause in brackets, or the error as it is.
func describe(err error) string {
	msg := err.Error()
	var e *apperr.Error
	if errors.As(err, &e) && e == err {
		msg = e.Message
		if e.Err != nil {
			msg = fmt.Sprintf("%s (%v)", e.Message, e.Err)
		}
	}
	// One line, so that scripts and log collectors see one message.
	return strings.Join(strings.Fields(msg), " ")
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `xaso — Xã số: phần mềm một cửa điện tử và cổng dịch vụ công của xã.

Cách dùng (usage): xaso LỆNH [cờ] [tham số]

Lệnh (commands):
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
"xaso help LỆNH" hoặc "xaso LỆNH -h" giải thích từng lệnh.
Cấu hình qua cờ hoặc biến môi trường XASO_* (ví dụ XASO_DB, XASO_ADDR); cờ được ưu tiên.
Kết quả in ra stdout; nhật ký và thông báo in ra stderr.
`)
}

func (c *command) printHelp(w io.Writer) {
	fmt.Fprintf(w, "Cách dùng (usage): xaso %s\n\n%s\n", c.synopsis, strings.TrimSpace(c.help))
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	cfg := config.Defaults()
	c.setup(fs, &cfg)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nCờ (flags):")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// openData validates the configuration, prepares the directories and opens the
// database, migrating it.
func openData(ctx context.Context, cfg config.Config) (*store.Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.PrepareDirs(); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			return nil, fmt.Errorf("không kết nối được cơ sở dữ liệu %s (cannot reach the database): kiểm tra --db hoặc XASO_DB: %w",
				config.MaskDSN(cfg.DB), errors.Unwrap(err))
		}
		return nil, err
	}
	return st, nil
}

// newHasher returns the password hasher configured by cfg.
func newHasher(cfg config.Config, concurrent int) *auth.Hasher {
	return auth.NewHasher(auth.Params{Memory: uint32(cfg.PasswordMemoryKiB), Time: uint32(cfg.PasswordTime), Threads: 2}, concurrent)
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.SlogLevel()}))
}

// cliActor names the operating-system user in the audit log.
func cliActor(ctx context.Context) context.Context {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return audit.WithActor(ctx, "cli:"+name)
}

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func versionString() string {
	v := version
	bi, ok := debug.ReadBuildInfo()
	if v == "" && ok {
		v = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	goVersion := "unknown"
	if ok {
		goVersion = bi.GoVersion
	}
	return fmt.Sprintf("xaso %s (%s)", v, goVersion)
}

func versionCmd() *command {
	return &command{name: "version", synopsis: "version", summary: "in phiên bản (print the version)",
		help: "In phiên bản của xaso và của Go đã dùng để biên dịch.",
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) > 0 {
					return usagef("lệnh version không nhận tham số")
				}
				fmt.Fprintln(sio.out, versionString())
				return nil
			}
		}}
}
