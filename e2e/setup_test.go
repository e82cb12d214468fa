package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// checkServe checks what serve created and told the user.
func (e *env) checkServe(t *testing.T) {
	for _, f := range []struct {
		path string
		perm os.FileMode
		dir  bool
	}{
		{e.gw.dataDir, 0o700, true},
		{filepath.Join(e.gw.dataDir, "master.key"), 0o600, false},
	} {
		fi, err := os.Stat(f.path)
		if err != nil {
			t.Errorf("serve did not create %s: %v", f.path, err)
			continue
		}
		if fi.IsDir() != f.dir || fi.Mode().Perm() != f.perm {
			t.Errorf("%s: mode %v, want %v (dir %v)", f.path, fi.Mode(), f.perm, f.dir)
		}
	}
	hint := "switchboard admin bootstrap --email you@example.com --data-dir " + e.gw.dataDir
	if _, err := os.Stat(filepath.Join(e.gw.dataDir, "switchboard.db")); e.dbURL != "" && err == nil {
		t.Errorf("serve --database-url created a SQLite database in %s", e.gw.dataDir)
	}
	if e.dbURL != "" {
		hint = "switchboard admin bootstrap --email you@example.com --database-url URL (the same database URL)"
	}
	out, err := e.gw.stdout.waitFor(startTimeout, e.gw.exited, func(s string) bool { return strings.Contains(s, hint) })
	if err != nil {
		t.Errorf("serve stdout does not say how to bootstrap (%q): %v\n%s", hint, err, out)
	}
	// stderr is copied apart from stdout, so it may lag behind it.
	notice := "Generated a new vault master key at " + filepath.Join(e.gw.dataDir, "master.key")
	if logs, err := e.gw.stderr.waitFor(startTimeout, e.gw.exited, func(s string) bool { return strings.Contains(s, notice) }); err != nil {
		t.Errorf("serve did not announce the new master key on stderr (%q): %v\n%s", notice, err, logs)
	}
}

// bootstrap creates the first admin with the local command, as serve's
// hint says, and points the CLI at the gateway with its token.
func (e *env) bootstrap(t *testing.T) {
	boot := &cliRunner{bin: e.bin, env: minimalEnv(e.home, e.dbEnv()...)}
	out := boot.ok(t, "admin", "bootstrap", "--email", adminEmail, "--data-dir", e.gw.dataDir)
	e.token = tokenFromBootstrap(out)
	if !strings.HasPrefix(e.token, "sbt_") {
		t.Fatalf("no sbt_ token on its own line after the notice in:\n%s", out)
	}
	e.cli = &cliRunner{bin: e.bin, env: minimalEnv(e.home, "SWITCHBOARD_URL="+e.gw.url(), "SWITCHBOARD_TOKEN="+e.token)}

	var me api.User
	e.cli.json(t, &me, "whoami", "--json")
	if me.Email != adminEmail {
		t.Errorf("whoami email = %q, want %q", me.Email, adminEmail)
	}
	var toks api.List[api.Token]
	e.cli.json(t, &toks, "token", "list", "--json")
	if len(toks.Items) != 1 || toks.Items[0].ID == "" {
		t.Fatalf("token list = %+v, want the one bootstrap token", toks.Items)
	}
	e.tokenID = toks.Items[0].ID
}

// tokenFromBootstrap returns the line after "API token (shown once…):",
// indented by two spaces.
func tokenFromBootstrap(out string) string {
	_, after, ok := strings.Cut(out, "API token (shown once, store it now):\n")
	if !ok {
		return ""
	}
	for line := range strings.Lines(after) {
		if line = strings.TrimRight(line, "\n"); line == "" {
			continue
		}
		tok, ok := strings.CutPrefix(line, "  ")
		if !ok || strings.ContainsAny(tok, " \t") {
			return ""
		}
		return tok
	}
	return ""
}

// registerServers adds the four upstreams with the CLI.
func (e *env) registerServers(t *testing.T) {
	e.cli.ok(t, "server", "add", "everything", "--url", e.everythingURL)
	e.cli.ok(t, "server", "add", "legacy", "--url", e.legacyURL, "--transport", "sse")
	e.cli.okWith(t, upSecret+"\n", nil,
		"server", "add", "gosrv", "--url", e.gosrv.url(), "--auth", "bearer", "--secret-stdin")
	e.cli.okWith(t, "", []string{"MY_SECRET=" + hdrSecret},
		"server", "add", "hdr", "--url", e.hdr.url(), "--auth", "header", "--header", hdrHeader, "--secret-env", "MY_SECRET")

	out := e.cli.ok(t, "server", "list", "--json")
	for _, s := range []string{upSecret, hdrSecret} {
		if strings.Contains(out, s) {
			t.Errorf("server list --json shows the secret %q:\n%s", s, out)
		}
	}
	var list api.List[api.Server]
	e.cli.json(t, &list, "server", "list", "--json")
	want := map[string]struct {
		transport, auth string
		secret          bool
	}{
		"everything": {"streamable-http", "none", false},
		"legacy":     {"sse", "none", false},
		"gosrv":      {"streamable-http", "bearer", true},
		"hdr":        {"streamable-http", "header", true},
	}
	for _, s := range list.Items {
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("unexpected server %q", s.Name)
			continue
		}
		delete(want, s.Name)
		if s.Transport != w.transport || s.Auth != w.auth || s.SecretConfigured != w.secret {
			t.Errorf("server %s: transport %q auth %q secret_configured %v, want %q %q %v",
				s.Name, s.Transport, s.Auth, s.SecretConfigured, w.transport, w.auth, w.secret)
		}
		if s.ToolCount == 0 || s.SyncedAt == nil || s.SyncError != "" {
			t.Errorf("server %s: %d tools, synced_at %v, sync_error %q; want a synced catalog",
				s.Name, s.ToolCount, s.SyncedAt, s.SyncError)
		}
	}
	for name := range want {
		t.Errorf("server list lacks %q", name)
	}
	if n := e.gosrv.refused.Load() + e.hdr.refused.Load(); n != 0 {
		t.Errorf("the upstreams refused %d requests for a missing credential", n)
	}
}

// enabledTools are the tools the endpoint offers, as SERVER/TOOL, and
// their exposed names.
var enabledTools = map[string]string{
	"everything/echo": "everything__echo",
	"legacy/echo":     "legacy__echo",
	"gosrv/echo":      "gosrv__echo",
	"gosrv/fail":      "gosrv__fail",
	"hdr/echo":        "hdr__echo",
}

func (e *env) createEndpoint(t *testing.T) {
	e.cli.ok(t, "endpoint", "create", endpoint,
		"--server", "everything", "--server", "gosrv", "--server", "legacy", "--server", "hdr")
	var ep api.Endpoint
	e.cli.json(t, &ep, "endpoint", "show", endpoint, "--json")
	if n := len(ep.Tools); n < 10 {
		t.Errorf("endpoint %s has %d tools, want the catalogs of all four servers", endpoint, n)
	}
	for _, tool := range ep.Tools {
		if tool.State != api.ToolDisabled {
			t.Errorf("new endpoint: %s/%s is %s, want disabled", tool.Server, tool.Tool, tool.State)
		}
	}

	refs := make([]string, 0, len(enabledTools))
	for ref := range enabledTools {
		refs = append(refs, ref)
	}
	slices.Sort(refs)
	e.cli.ok(t, append([]string{"endpoint", "tools", "enable", endpoint}, refs...)...)

	e.cli.json(t, &ep, "endpoint", "show", endpoint, "--json")
	for _, tool := range ep.Tools {
		ref := tool.Server + "/" + tool.Tool
		exposed, enabled := enabledTools[ref]
		want := api.ToolDisabled
		if enabled {
			want = api.ToolEnabled
			if tool.ExposedName != exposed {
				t.Errorf("%s is exposed as %q, want %q", ref, tool.ExposedName, exposed)
			}
		}
		if tool.State != want {
			t.Errorf("%s is %s, want %s", ref, tool.State, want)
		}
	}
}

// dbEnv is the environment that points serve and local commands at the
// run's PostgreSQL database, if any.
func (e *env) dbEnv() []string {
	if e.dbURL == "" {
		return nil
	}
	return []string{"SWITCHBOARD_DATABASE_URL=" + e.dbURL}
}
