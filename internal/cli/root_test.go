package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestMissingToken(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "SWITCHBOARD_TOKEN")
	for _, args := range [][]string{{"server", "list"}, {"whoami"}, {"audit", "show", "1"}} {
		r := h.run(t, "", args...)
		want := "error: no API token: run `switchboard login`, or set SWITCHBOARD_TOKEN (create one with `switchboard admin bootstrap` or `switchboard token create`)\n"
		if r.code != ExitError || r.err != want {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
	if len(h.api.requests()) != 0 {
		t.Error("a request was sent without a token")
	}
}

func TestTokenIsSentAsBearer(t *testing.T) {
	h := newHarness(t)
	h.env["SWITCHBOARD_TOKEN"] = " " + testToken + "\n"
	if r := h.run(t, "", "whoami"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if got := h.api.last(t).Auth; got != "Bearer "+testToken {
		t.Errorf("Authorization = %q", got)
	}
}

func TestRefusedTokenHint(t *testing.T) {
	h := newHarness(t)
	h.env["SWITCHBOARD_TOKEN"] = "sbt_revoked"
	r := h.run(t, "", "whoami")
	want := "error: invalid or expired token\nhint: the API token was refused: check SWITCHBOARD_TOKEN (it may be expired or revoked)\n"
	if r.code != ExitError || r.err != want {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestBadURL(t *testing.T) {
	h := newHarness(t)
	h.env["SWITCHBOARD_URL"] = "ftp://example.com"
	r := h.run(t, "", "server", "list")
	if r.code != ExitError || !strings.Contains(r.err, "SWITCHBOARD_URL") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestAPIErrorShowsField(t *testing.T) {
	r := newHarness(t).run(t, "", "server", "add", "gh", "--url", "ftp://x")
	if r.code != ExitError || r.err != "error: url: must be an http(s) URL\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestNotFound(t *testing.T) {
	r := newHarness(t).run(t, "", "server", "show", "nope")
	if r.code != ExitError || r.err != "error: server nope not found\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestConnectionRefusedHint(t *testing.T) {
	h := newHarness(t)
	h.api.srv.Close()
	r := h.run(t, "", "server", "list")
	if r.code != ExitError || !strings.Contains(r.err, "hint: is Switchboard running at "+h.env["SWITCHBOARD_URL"]) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	if strings.Contains(r.err, testToken) {
		t.Error("the error shows the token")
	}
}

func TestUnknownCommandSuggests(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"srever", "list"}, "Did you mean this?\n\tserver\n"},
		{[]string{"endpoint", "craete"}, "Did you mean this?\n\tcreate\n"},
		{[]string{"server", "lst"}, "\tlist\n"},
		{[]string{"xyzzy"}, "Commands: serve, migrate"},
	}
	for _, tt := range tests {
		r := newHarness(t).run(t, "", tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.err, "unknown command") || !strings.Contains(r.err, tt.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", tt.args, r.code, r.err)
		}
	}
}

func TestAliases(t *testing.T) {
	h := newHarness(t)
	if r := h.run(t, "", "servers", "ls"); r.code != 0 || !strings.Contains(r.out, "github") {
		t.Errorf("exit %d: %s%s", r.code, r.out, r.err)
	}
}

func TestUnknownFlag(t *testing.T) {
	r := newHarness(t).run(t, "", "server", "list", "--bogus")
	if r.code != ExitUsage || !strings.HasPrefix(r.err, "error: unknown flag --bogus\nRun 'switchboard server list --help'") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := newHarness(t).run(t, "", args...)
		if r.code != 0 || r.out != "switchboard "+Version+"\n" {
			t.Errorf("%v: exit %d, out %q", args, r.code, r.out)
		}
	}
}

type exitErr struct{ code int }

func (e exitErr) Error() string { return "bad flag" }
func (e exitErr) ExitCode() int { return e.code }

func TestLocalCommands(t *testing.T) {
	h := newHarness(t)
	l := &fakeLocal{}
	h.local = map[string]LocalFunc{LocalBootstrap: l.fn}

	r := h.run(t, "", "admin", "bootstrap", "--email", "a@b.c")
	if r.code != 0 || r.out != "local ran\n" || strings.Join(l.args, " ") != "--email a@b.c" {
		t.Errorf("exit %d, out %q, args %q", r.code, r.out, l.args)
	}

	l.err = exitErr{2}
	if r := h.run(t, "", "admin", "bootstrap"); r.code != 2 || !strings.Contains(r.err, "error: bad flag") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	l.err = errors.New("store locked")
	if r := h.run(t, "", "admin", "bootstrap"); r.code != 1 || !strings.Contains(r.err, "error: store locked") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}

	if r := h.run(t, "", "serve"); r.code != 1 || !strings.Contains(r.err, "not available") {
		t.Errorf("missing local: exit %d, stderr %q", r.code, r.err)
	}
	if len(h.api.requests()) != 0 {
		t.Error("a local command called the API")
	}
}

func TestInterrupted(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := h.runCtx(ctx, t, "", "server", "list")
	if r.code != ExitInterrupted || r.err != "error: interrupted\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}
