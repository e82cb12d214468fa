package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// Version is the build's version, set at link time with
// -ldflags "-X github.com/switchboard-mcp/switchboard/internal/cli.Version=v1.2.3".
var Version = "dev"

// DefaultURL is where the CLI looks for Switchboard when SWITCHBOARD_URL
// is unset.
const DefaultURL = "http://127.0.0.1:8080"

// Exit codes of Run.
const (
	ExitOK          = 0
	ExitError       = 1   // the command failed
	ExitUsage       = 2   // the command line was wrong
	ExitInterrupted = 130 // SIGINT or SIGTERM
)

// Keys of Run's local map: the commands that work on the store directly.
const (
	LocalServe      = "serve"
	LocalMigrate    = "migrate"
	LocalBootstrap  = "admin bootstrap"
	LocalConfigShow = "config show"
)

// IO is the process's environment as the commands see it.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	Now    func() time.Time // optional; time.Now when nil
	// ConfigDir is where `switchboard login` keeps its credentials
	// (<dir>/switchboard/credentials.json); os.UserConfigDir when nil.
	ConfigDir func() (string, error)
	// OpenBrowser shows the browser sign-in page; when nil the CLI tries
	// the desktop's opener, and it always prints the address too.
	OpenBrowser func(url string) error
}

// LocalFunc runs a local command with the arguments that follow its name.
//
// When the arguments hold -h or --help, the CLI first prints the command's
// summary, usage and examples, then calls the LocalFunc with exactly
// ["--help"]: it should print only its flags (flag.FlagSet.PrintDefaults)
// to stdout and return nil or flag.ErrHelp. An error is printed as
// "error: …" with exit code 1, unless it has an ExitCode() int method
// (for example 2 for a bad flag).
type LocalFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// Run runs the command line args (without the program name) and returns
// the exit code.
func Run(ctx context.Context, args []string, stdio IO, local map[string]LocalFunc) int {
	r := &runner{io: stdio.withDefaults(), local: local, root: newRoot()}
	return r.run(ctx, args)
}

func (o IO) withDefaults() IO {
	if o.In == nil {
		o.In = eofReader{}
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Err == nil {
		o.Err = io.Discard
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ConfigDir == nil {
		o.ConfigDir = os.UserConfigDir
	}
	if o.OpenBrowser == nil {
		o.OpenBrowser = openBrowser
	}
	return o
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// newRoot builds the command tree.
func newRoot() *command {
	root := &command{
		name:    "switchboard",
		summary: "Switchboard is a governed gateway between AI clients and MCP servers.",
		args:    "<command> [flags]",
		long: "Commands other than serve, migrate, admin and config talk to a running Switchboard\n" +
			"through its API. They read the environment:\n" +
			"  SWITCHBOARD_URL    the server's address (default " + DefaultURL + ")\n" +
			"  SWITCHBOARD_TOKEN  an API token (switchboard admin bootstrap, switchboard token create);\n" +
			"                     when unset, the token saved by `switchboard login` for SWITCHBOARD_URL",
		example: "switchboard serve\n" +
			"export SWITCHBOARD_TOKEN=sbt_…\n" +
			"switchboard server add github --url https://api.githubcopilot.com/mcp/ --auth bearer --secret-env GITHUB_PAT\n" +
			"switchboard endpoint create dev --server github\n" +
			"switchboard endpoint tools enable dev github/search_issues",
		subs: []*command{
			serveCmd(), migrateCmd(), adminCmd(), configCmd(),
			serverCmd(), endpointCmd(), tokenCmd(), userCmd(), groupCmd(), roleCmd(), serviceAccountCmd(), grantCmd(), policyCmd(), whoamiCmd(), auditCmd(),
			loginCmd(), logoutCmd(), clientCmd(), vaultCmd(), connectCmd(), connectionsCmd(),
			versionCmd(),
		},
	}
	root.link(nil)
	return root
}

func versionCmd() *command {
	return &command{
		name:    "version",
		summary: "Print the version of this binary",
		example: "switchboard version",
		setup: func(fs *flag.FlagSet) action {
			return func(_ context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				_, err := fmt.Fprintf(s.io.Out, "switchboard %s\n", Version)
				return err
			}
		},
	}
}
