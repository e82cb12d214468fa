package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// usageError is a mistake on the command line: exit code 2 and a pointer
// to the command's help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// exitCoder is an error that picks its exit code, such as a LocalFunc's
// flag error (2).
type exitCoder interface {
	error
	ExitCode() int
}

// errorf is fmt.Errorf, named for symmetry with usageErrorf.
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// report prints err, if any, with a hint on what to do next, and returns
// the exit code. s is nil before the command ran.
func (r *runner) report(ctx context.Context, cmd *command, s *session, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	w := r.io.Err
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "error: interrupted")
		return ExitInterrupted
	}
	fmt.Fprintf(w, "error: %s\n", err)
	if _, ok := errors.AsType[*usageError](err); ok {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.path())
		return ExitUsage
	}
	if hint := hintFor(s, err); hint != "" {
		fmt.Fprintf(w, "hint: %s\n", hint)
	}
	if ec, ok := errors.AsType[exitCoder](err); ok && ec.ExitCode() != 0 {
		if ec.ExitCode() == ExitUsage {
			fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.path())
		}
		return ec.ExitCode()
	}
	return ExitError
}

// hintFor suggests the next step for the errors that need one.
func hintFor(s *session, err error) string {
	base := DefaultURL
	if s != nil && s.baseURL != "" {
		base = s.baseURL
	}
	switch apiclient.StatusCode(err) {
	case http.StatusUnauthorized:
		return "the API token was refused: check SWITCHBOARD_TOKEN (it may be expired or revoked)"
	case http.StatusForbidden:
		return "your role does not allow this; ask an admin (see `switchboard whoami`)"
	}
	_, dial := errors.AsType[*net.OpError](err)
	_, dns := errors.AsType[*net.DNSError](err)
	if dial || dns {
		return fmt.Sprintf("is Switchboard running at %s? Start it with `switchboard serve` or set SWITCHBOARD_URL", base)
	}
	return ""
}
