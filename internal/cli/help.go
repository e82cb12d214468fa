package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// printHelp writes a command's help: summary, usage, commands or flags,
// and examples.
func (r *runner) printHelp(ctx context.Context, w io.Writer, c *command) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n", sentence(c.summary), usageLine(c))
	if c.long != "" {
		fmt.Fprintf(w, "\n%s\n", c.long)
	}
	switch {
	case c == r.root:
		fmt.Fprintln(w, "\nCommands:")
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		listLeaves(tw, c)
		tw.Flush()
	case c.isGroup():
		fmt.Fprintln(w, "\nCommands:")
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		for _, s := range c.subs {
			fmt.Fprintf(tw, "  %s\t%s\n", s.name, s.summary)
		}
		tw.Flush()
	case c.local != "":
		fmt.Fprintln(w, "\nFlags:")
		if fn := r.local[c.local]; fn != nil {
			_ = fn(ctx, []string{"--help"}, eofReader{}, w, w)
		}
	default:
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, c)
	}
	if c.example != "" {
		fmt.Fprintln(w, "\nExamples:")
		for line := range strings.SplitSeq(c.example, "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if c.isGroup() {
		fmt.Fprintf(w, "\nRun '%s <command> --help' for details on a command.\n", c.path())
	}
}

func usageLine(c *command) string {
	switch {
	case c.args != "":
		return c.path() + " " + c.args
	case c.isGroup():
		return c.path() + " <command> [flags]"
	}
	return c.path() + " [flags]"
}

// listLeaves lists every runnable command under c with its full path.
func listLeaves(w io.Writer, c *command) {
	for _, s := range c.subs {
		if s.isGroup() {
			listLeaves(w, s)
			continue
		}
		fmt.Fprintf(w, "  %s\t%s\n", strings.TrimPrefix(s.path(), "switchboard "), s.summary)
	}
}

// printFlags lists a command's flags as "--name VALUE  usage (default x)".
func printFlags(w io.Writer, c *command) {
	fs := newFlagSet(c)
	c.setup(fs)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		valueName, usage := flag.UnquoteUsage(f)
		spec := "--" + f.Name
		if !isBoolFlag(f) && valueName != "" {
			spec += " " + valueName
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", spec, usage)
	})
	fmt.Fprintf(tw, "  -h, --help\tshow this help\n")
	tw.Flush()
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// sentence ends a summary with a period.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
