package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/cli"
)

// cliRunner runs the CLI against e with a private config dir and no
// SWITCHBOARD_TOKEN; open plays the browser.
type cliRunner struct {
	e      *authEnv
	config string
	open   func(string) error
}

func (c *cliRunner) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"SWITCHBOARD_URL": c.e.url}
	code := cli.Run(t.Context(), args, cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv:      func(k string) string { return env[k] },
		ConfigDir:   func() (string, error) { return c.config, nil },
		OpenBrowser: c.open,
	}, nil)
	return code, out.String(), errb.String()
}

// browserSignIn plays the user: open the CLI's page, sign in, confirm
// with decision, and follow the redirect to the CLI's loopback port.
func browserSignIn(t *testing.T, e *authEnv, decision string) func(string) error {
	return func(page string) error {
		b := newBrowser(t, e)
		go func() {
			p := b.get(t, page)
			if strings.Contains(p.body, `action="/login"`) {
				p = b.login(t, p)
			}
			action, vals := form(t, p)
			if !strings.HasPrefix(action, "/cli/login?") {
				t.Errorf("expected the CLI confirmation form, got %q:\n%s", action, p.body)
				return
			}
			vals.Set("decision", decision)
			p = b.submit(t, action, vals, nil)
			if !p.left || p.url.Host != "127.0.0.1:"+p.url.Port() || p.url.Path != "/callback" {
				t.Errorf("confirmation went to %v (%d)", p.url, p.status)
				return
			}
			resp, err := http.Get(p.url.String())
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func TestCLILoginBrowser(t *testing.T) {
	e := newAuthEnv(t)
	c := &cliRunner{e: e, config: t.TempDir(), open: browserSignIn(t, e, "approve")}

	code, out, errOut := c.run(t, "", "whoami")
	if code == 0 || !strings.Contains(errOut, "switchboard login") {
		t.Fatalf("whoami before login = %d %q %q", code, out, errOut)
	}
	code, out, errOut = c.run(t, "", "login")
	if code != 0 || out != "" || !strings.Contains(errOut, "Signed in to "+e.url+" as "+adminEmail) {
		t.Fatalf("login = %d %q %q", code, out, errOut)
	}
	path := filepath.Join(c.config, "switchboard", "credentials.json")
	checkModes(t, path)
	code, out, _ = c.run(t, "", "whoami")
	if code != 0 || !strings.Contains(out, adminEmail) {
		t.Fatalf("whoami with the saved token = %d %q", code, out)
	}
	code, token, _ := c.run(t, "", "login", "--print-token")
	if code != 0 || !strings.HasPrefix(token, "sbt_") || !strings.Contains(readFile(t, path), strings.TrimSpace(token)) {
		t.Fatalf("--print-token = %d %q", code, token)
	}
	ev := e.wantEvent(t, audit.CodeLoginOK, "cli_browser")
	if ev.ActorEmail != adminEmail {
		t.Errorf("login event actor = %q", ev.ActorEmail)
	}

	if st, _ := e.mcpStatus(t, "alpha", strings.TrimSpace(token)); st == http.StatusUnauthorized {
		t.Fatalf("MCP with the CLI token = %d", st)
	}
	code, _, errOut = c.run(t, "", "logout")
	if code != 0 || !strings.Contains(errOut, "revoked") {
		t.Fatalf("logout = %d %q", code, errOut)
	}
	if st, _ := e.mcpStatus(t, "alpha", strings.TrimSpace(token)); st != http.StatusUnauthorized {
		t.Errorf("MCP with the revoked CLI token = %d, want 401", st)
	}
	if strings.Contains(readFile(t, path), "sbt_") {
		t.Errorf("credentials still hold a token after logout")
	}
	if code, _, _ = c.run(t, "", "whoami"); code == 0 {
		t.Errorf("whoami after logout succeeded")
	}
}

func TestCLILoginBrowserCancelled(t *testing.T) {
	e := newAuthEnv(t)
	c := &cliRunner{e: e, config: t.TempDir(), open: browserSignIn(t, e, "deny")}
	code, _, errOut := c.run(t, "", "login")
	if code == 0 || !strings.Contains(errOut, "cancelled") {
		t.Fatalf("login = %d %q", code, errOut)
	}
	e.wantEvent(t, audit.CodeLoginFailed, "cli_denied")
}

func TestCLILoginConfirmNeedsCSRF(t *testing.T) {
	e := newAuthEnv(t)
	b := newBrowser(t, e)
	q := url.Values{"port": {"50000"}, "state": {strings.Repeat("s", 26)}, "challenge": {strings.Repeat("c", 43)}}
	p := b.login(t, b.get(t, e.url+"/cli/login?"+q.Encode()))
	action, vals := form(t, p)
	vals.Del("csrf")
	vals.Set("decision", "approve")
	if p = b.submit(t, action, vals, nil); p.status != http.StatusForbidden || p.left {
		t.Fatalf("confirmation without CSRF = %d left=%v", p.status, p.left)
	}
	e.wantEvent(t, audit.CodeCSRFFailed, "CLI sign-in")
	if p := b.get(t, e.url+"/cli/login?port=80&state=x&challenge=y"); p.status != http.StatusBadRequest {
		t.Errorf("malformed request = %d", p.status)
	}
}

func TestCLILoginPassword(t *testing.T) {
	e := newAuthEnv(t)
	c := &cliRunner{e: e, config: t.TempDir(), open: func(string) error { t.Error("browser opened"); return nil }}
	code, out, errOut := c.run(t, "wrong password!!\n", "login", "--email", adminEmail, "--password-stdin")
	if code == 0 || !strings.Contains(errOut, "wrong email or password") {
		t.Fatalf("wrong password = %d %q %q", code, out, errOut)
	}
	e.wantEvent(t, audit.CodeLoginFailed, "api_password")
	code, out, errOut = c.run(t, adminPassword+"\n", "login", "--email", adminEmail, "--password-stdin", "--print-token")
	if code != 0 || !strings.HasPrefix(out, "sbt_") {
		t.Fatalf("login = %d %q %q", code, out, errOut)
	}
	var f struct {
		Servers map[string]struct {
			Token string `json:"token"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.config, "switchboard", "credentials.json"))), &f); err != nil {
		t.Fatal(err)
	}
	if f.Servers[e.url].Token != strings.TrimSpace(out) {
		t.Errorf("saved %+v, printed %q", f, out)
	}
	// Signing in again replaces the saved token and revokes the old one.
	if code, again, _ := c.run(t, adminPassword+"\n", "login", "--email", adminEmail, "--password-stdin", "--print-token"); code != 0 || again == out {
		t.Fatalf("second login = %d %q", code, again)
	}
	if st, _ := e.mcpStatus(t, "alpha", strings.TrimSpace(out)); st != http.StatusUnauthorized {
		t.Errorf("the replaced token still works at MCP: %d", st)
	}
	toks, err := e.admin.ListTokens(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tok := range toks {
		found = found || strings.HasPrefix(tok.Name, "cli ") && tok.ExpiresAt != nil
	}
	if !found {
		t.Errorf("no expiring cli token among %+v", toks)
	}
}

func checkModes(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s mode = %v, want 0600", path, fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("%s mode = %v, want 0700", filepath.Dir(path), di.Mode().Perm())
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
