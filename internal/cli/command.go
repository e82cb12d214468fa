package cli

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
)

// command is one node of the tree: a group (subs), a local command (local)
// or an API command (setup).
type command struct {
	name    string
	aliases []string
	summary string // one line, no final period for commands
	args    string // usage after the command path, e.g. "NAME --url URL [flags]"
	long    string // optional paragraphs after the usage
	example string // one command per line, without a prompt
	subs    []*command
	local   string // key in Run's local map
	// setup defines the command's flags on fs and returns its action.
	setup func(fs *flag.FlagSet) action
	// refused maps flag names to the reason they are not accepted, so a
	// user reaching for --secret learns where secrets go instead.
	refused map[string]string
	parent  *command
}

// action runs a parsed command with its positional arguments.
type action func(ctx context.Context, s *session, args []string) error

func (c *command) isGroup() bool { return len(c.subs) > 0 }

func (c *command) link(parent *command) {
	c.parent = parent
	for _, s := range c.subs {
		s.link(c)
	}
}

// path is the full command line up to this command, e.g. "switchboard server add".
func (c *command) path() string {
	if c.parent == nil {
		return c.name
	}
	return c.parent.path() + " " + c.name
}

func (c *command) find(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
		for _, a := range s.aliases {
			if a == name {
				return s
			}
		}
	}
	return nil
}

// runner carries what every command of one Run shares.
type runner struct {
	io    IO
	local map[string]LocalFunc
	root  *command
}

func (r *runner) run(ctx context.Context, args []string) int {
	cmd := r.root
	for i := 0; ; i++ {
		if !cmd.isGroup() {
			return r.runCommand(ctx, cmd, args[i:])
		}
		if i == len(args) {
			r.printHelp(ctx, r.io.Err, cmd)
			return ExitUsage
		}
		a := args[i]
		switch {
		case isHelpFlag(a):
			r.printHelp(ctx, r.io.Out, cmd)
			return ExitOK
		case a == "help":
			return r.helpFor(ctx, cmd, args[i+1:])
		case cmd == r.root && (a == "--version" || a == "-version"):
			return r.run(ctx, []string{"version"})
		case strings.HasPrefix(a, "-"):
			return r.report(ctx, cmd, nil, usageErrorf("unknown flag %s for %q: give a command first", a, cmd.path()))
		}
		sub := cmd.find(a)
		if sub == nil {
			r.unknownCommand(cmd, a)
			return ExitUsage
		}
		cmd = sub
	}
}

// helpFor answers "switchboard [group…] help [command…]".
func (r *runner) helpFor(ctx context.Context, cmd *command, names []string) int {
	for _, n := range names {
		if isHelpFlag(n) {
			break
		}
		sub := cmd.find(n)
		if sub == nil {
			r.unknownCommand(cmd, n)
			return ExitUsage
		}
		cmd = sub
	}
	r.printHelp(ctx, r.io.Out, cmd)
	return ExitOK
}

func (r *runner) runCommand(ctx context.Context, cmd *command, args []string) int {
	if cmd.local != "" {
		return r.runLocal(ctx, cmd, args)
	}
	fs := newFlagSet(cmd)
	act := cmd.setup(fs)
	if err := refusedFlag(cmd, args); err != nil {
		return r.report(ctx, cmd, nil, err)
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		r.printHelp(ctx, r.io.Out, cmd)
		return ExitOK
	}
	if err != nil {
		return r.report(ctx, cmd, nil, flagError(err))
	}
	s := &session{io: r.io}
	return r.report(ctx, cmd, s, act(ctx, s, pos))
}

func (r *runner) runLocal(ctx context.Context, cmd *command, args []string) int {
	if hasHelpFlag(args) {
		r.printHelp(ctx, r.io.Out, cmd)
		return ExitOK
	}
	fn := r.local[cmd.local]
	if fn == nil {
		return r.report(ctx, cmd, nil, errorf("%q is not available in this build", cmd.path()))
	}
	return r.report(ctx, cmd, nil, fn(ctx, args, r.io.In, r.io.Out, r.io.Err))
}

func newFlagSet(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.path(), flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by the runner
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses flags that come before, between or after the
// positional arguments ("server add NAME --url U"), until a "--".
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// refusedFlag finds a flag the command refuses, before the flag package
// would call it merely undefined. The message never echoes the value.
func refusedFlag(cmd *command, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if why, ok := cmd.refused[name]; ok {
			return usageErrorf("--%s is not accepted: %s", name, why)
		}
	}
	return nil
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func hasHelpFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// flagError rewords the flag package's errors in the --name spelling
// that the help uses.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return usageErrorf("unknown flag --%s", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return usageErrorf("flag --%s needs a value", name)
	}
	return usageErrorf("%s", strings.Replace(msg, " flag -", " flag --", 1))
}

// noArgs, oneArg and minArgs check positional arguments.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usageErrorf("unexpected argument %q", args[0])
	}
	return nil
}

func oneArg(args []string, name string) (string, error) {
	switch {
	case len(args) == 0:
		return "", usageErrorf("missing %s", name)
	case len(args) > 1:
		return "", usageErrorf("unexpected argument %q after %s", args[1], name)
	}
	return args[0], nil
}
