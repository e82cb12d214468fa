package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/telemetry"
)

// usageError makes the CLI exit with status 2.
type usageError struct{ error }

func (usageError) ExitCode() int { return 2 }

// loadConfig parses args with the config flags (plus extra ones the
// caller defined on fs) and returns the validated effective config.
func loadConfig(fs *flag.FlagSet, args []string, stdout io.Writer, paths ...string) (config.Config, error) {
	fs.SetOutput(stdout)
	file := fs.String("config", "", "JSON config file (or SWITCHBOARD_CONFIG)")
	config.RegisterFlags(fs, paths...)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config.Config{}, err
		}
		return config.Config{}, usageError{err}
	}
	if fs.NArg() > 0 {
		return config.Config{}, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	cfg, err := config.Load(config.LoadArgs{File: *file, Env: os.Environ(), Flags: fs})
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// ServeCommand runs `switchboard serve`.
func ServeCommand(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), args, stdout)
	if err != nil {
		return helpIsNil(err)
	}
	logger, err := telemetry.NewLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		return err
	}
	tuneGC()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another process using it? pick one with --addr)", cfg.Addr, err)
	}
	defer ln.Close()
	cfg.PublicURL = withActualPort(cfg.PublicURL, ln.Addr())
	s, err := New(ctx, cfg, logger, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	data, where := cfg.DataDir, "--data-dir "+cfg.DataDir
	if cfg.DatabaseURL != "" { // the URL may hold a password: never print it
		data, where = "PostgreSQL, master key in "+cfg.DataDir, "--database-url URL (the same database URL)"
	}
	fmt.Fprintf(stdout, "Switchboard %s listening on http://%s (data: %s)\n", Version, ln.Addr(), data)
	if need, err := s.needsBootstrap(ctx); err == nil && need {
		fmt.Fprintf(stdout, "No users yet. Create the first admin and its API token with:\n"+
			"  switchboard admin bootstrap --email you@example.com %s\n", where)
	}
	return s.Serve(ctx, ln)
}

// MigrateCommand runs `switchboard migrate`: it opens the store, which
// applies pending migrations, and exits.
func MigrateCommand(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	cfg, err := loadConfig(flag.NewFlagSet("migrate", flag.ContinueOnError), args, stdout, "data_dir", "database_url")
	if err != nil {
		return helpIsNil(err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Database is up to date.")
	return st.Close()
}

// BootstrapCommand runs `switchboard admin bootstrap --email E`.
func BootstrapCommand(ctx context.Context, args []string, stdin io.Reader, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("admin bootstrap", flag.ContinueOnError)
	email := fs.String("email", "", "email of the first admin (required)")
	pwStdin := fs.Bool("password-stdin", false, "read a password for browser sign-in from stdin")
	cfg, err := loadConfig(fs, args, stdout, "data_dir", "database_url")
	if err != nil {
		return helpIsNil(err)
	}
	if *email == "" {
		return usageError{errors.New("--email is required, e.g. --email admin@example.com")}
	}
	password, err := readBootstrapPassword(stdin, *pwStdin)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, token, err := identity.Bootstrap(ctx, st, *email, time.Now().UTC())
	if err != nil {
		return err
	}
	if err := setBootstrapPassword(ctx, st, u.ID, password, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created admin %s (%s).\n\nAPI token (shown once, store it now):\n\n  %s\n\n"+
		"Use it with the CLI:\n  export SWITCHBOARD_TOKEN=%s\n", u.Email, u.ID, token, token)
	return nil
}

// ConfigShowCommand prints the effective config with secrets redacted.
func ConfigShowCommand(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	cfg, err := loadConfig(flag.NewFlagSet("config show", flag.ContinueOnError), args, stdout)
	if err != nil {
		return helpIsNil(err)
	}
	b, err := cfg.Show()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

func helpIsNil(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// gcPercent is the GOGC that serve uses unless GOGC is set. The MCP SDK
// allocates a 32 KiB decode buffer per JSON message, so the default of 100
// spends a third of a proxied call's CPU in the collector; 400 roughly
// halves that for a few MiB of extra heap (BenchmarkToolCall).
const gcPercent = 400

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// withActualPort replaces port 0 in a public URL derived from --addr
// 127.0.0.1:0 with the port the listener got, so that endpoint URLs and
// resource metadata point somewhere real.
func withActualPort(public string, addr net.Addr) string {
	u, err := url.Parse(public)
	tcp, ok := addr.(*net.TCPAddr)
	if err != nil || !ok || u.Port() != "0" {
		return public
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(tcp.Port))
	return u.String()
}
