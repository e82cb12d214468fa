package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
)

// The names and secrets of TestBrowserConnections. The secrets are
// distinctive, so the leak scan cannot miss one.
const (
	bcEndpoint = "mine" // endpoint over bcShared and bcServer
	bcShared   = "up"   // shared-mode go-sdk upstream
	bcServer   = "pers" // personal-mode upstream, bearer per user
	bcTool     = bcServer + "__whoami"
	bcEmail    = "dana@example.com" // member who connects in the browser
	bcPassword = "dana-browser-password-Qz81"

	bcAdminPassword = "bc-admin-password-Lm22"
	bcSharedSecret  = "bc-shared-secret-5e0f"
	bcAdminToken    = "bc-pers-tok-admin-77d1" // the admin's own token, given at server add
	bcDanaToken     = "bc-pers-tok-dana-0a9c"  // typed into the browser by dana

	bcOAuthServer   = "oa"    // personal-mode upstream with --auth oauth
	bcOAuthEndpoint = "oa-ep" // endpoint over bcOAuthServer, made once its catalog synced
	bcDanaSub       = "dana-sub"
)

// connectionRow is one server's row on /connections, as the browser read it.
type connectionRow struct {
	Status     string   `json:"status"`
	Focus      bool     `json:"focus"`
	Shown      string   `json:"shown"`
	Buttons    []string `json:"buttons"`
	Links      []string `json:"links"`
	InputType  string   `json:"inputType"`
	InputValue string   `json:"inputValue"`
}

// consentServer is one server on the consent page, as the browser read it.
type consentServer struct {
	Name         string `json:"name"`
	Mode         string `json:"mode"`
	NeedsConnect bool   `json:"needsConnect"`
	ConnectText  string `json:"connectText"`
	ConnectHref  string `json:"connectHref"`
}

// connectionsCase is one run of testdata/npm/browser-connections.mjs.
type connectionsCase struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"` // consent or remove
	URL        string `json:"url"`
	Server     string `json:"server"`
	Callback   string `json:"callback,omitempty"`
	Screenshot string `json:"screenshot,omitempty"`
	ASURL      string `json:"asURL,omitempty"` // oauth: the authorization server, whose "sub" cookie is set
	Sub        string `json:"sub,omitempty"`   // oauth: whom it approves
}

// connectionsResult is what the script saw in one case.
type connectionsResult struct {
	Steps             []string        `json:"steps"`
	Navigations       []string        `json:"navigations"` // origin and path of every page asked for
	ConnectHref       string          `json:"connectHref"`
	Leaks             []string        `json:"leaks"`
	ConsentBefore     []consentServer `json:"consentBefore"`
	ConnectionsURL    string          `json:"connectionsURL"`
	ConnectionsTitle  string          `json:"connectionsTitle"`
	RowBefore         connectionRow   `json:"rowBefore"`
	BackLink          string          `json:"backLink"`
	ConsentAfter      []consentServer `json:"consentAfter"`
	ConsentAfterURL   string          `json:"consentAfterURL"`
	RowConnected      connectionRow   `json:"rowConnected"`
	RowSaved          connectionRow   `json:"rowSaved"`
	RowRemoved        connectionRow   `json:"rowRemoved"`
	SavedMessage      string          `json:"savedMessage"`
	SavedText         string          `json:"savedText"`
	Screenshot        string          `json:"screenshot"`
	FinalURL          string          `json:"finalURL"`
	FinalText         string          `json:"finalText"`
	CSPViolations     []string        `json:"cspViolations"`
	Error             string          `json:"error"`
	AtURL             string          `json:"atURL"`
	AtText            string          `json:"atText"`
	FailureScreenshot string          `json:"failureScreenshot"`
}

type connectionsReport struct {
	OK             bool                         `json:"ok"`
	Error          string                       `json:"error"`
	BrowserVersion string                       `json:"browserVersion"`
	Cases          map[string]connectionsResult `json:"cases"`
}

// runConnectionsScript runs browser-connections.mjs with cases as dana, in
// one browser, and returns what it saw in each case, after checking what
// every step must hold: no error, no CSP violation, the secret never on
// a page.
func runConnectionsScript(t *testing.T, node, script string, cases ...connectionsCase) map[string]connectionsResult {
	t.Helper()
	arg, _ := json.Marshal(cases)
	start := time.Now()
	var r connectionsReport
	stderr, err := runNode(t, 60*time.Second, node, script, []string{"SB_EMAIL=" + bcEmail, "SB_PASSWORD=" + bcPassword,
		"SB_SECRET=" + bcDanaToken, "SB_CHROMIUM=" + chromiumPath}, &r, string(arg))
	t.Logf("headless Chromium %s ran %d case(s) in %v", r.BrowserVersion, len(cases), time.Since(start).Round(time.Millisecond))
	if err != nil || !r.OK {
		t.Fatalf("browser-connections failed: %v\n%s\nstderr:\n%s", err, r.Error, stderr)
	}
	for _, c := range cases {
		got, ok := r.Cases[c.Name]
		if !ok {
			t.Fatalf("no result for case %s", c.Name)
		}
		if got.Error != "" {
			t.Fatalf("case %s, in the browser (pages %v): %s\nat %s:\n%s\nscreenshot: %s", c.Name, got.Steps, got.Error, got.AtURL, got.AtText, got.FailureScreenshot)
		}
		if len(got.CSPViolations) > 0 {
			t.Errorf("case %s: the browser reported CSP violations: %q", c.Name, got.CSPViolations)
		}
		if len(got.Leaks) > 0 {
			t.Errorf("case %s: the page showed the secret just typed: %q", c.Name, got.Leaks)
		}
		if got.Screenshot != "" {
			if fi, err := os.Stat(got.Screenshot); err != nil || fi.Size() < 1000 {
				t.Errorf("screenshot %s: %v", got.Screenshot, err)
			}
		}
	}
	return r.Cases
}

// TestBrowserConnections has a member in Debian's headless Chromium
// connect their own account of a personal-mode server (bearer) on a real
// `switchboard serve`, the way issue 4 describes: an AI client's
// authorization sends the signed-out browser to sign in and to the
// consent page, which lists the server as not connected with a Connect
// link; the link opens "My connections" with the server highlighted and a
// way back; the secret typed there is saved and the browser returns to
// the consent page, where the server is now connected; Allow finishes the
// OAuth code flow. The token that flow produced then calls the server's
// tool through the gateway, and the upstream sees the member's own token.
// On My connections, saving again says "Saved." and removing shows the
// server not connected, after which the member's calls get the
// credential-missing tool error. Neither any page nor serve's logs, the
// audit export or the data directory shows the secret.
func TestBrowserConnections(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the end-to-end tests stop the gateway with SIGTERM")
	}
	if testing.Short() {
		t.Skip("the browser end-to-end test builds the binary and runs Chromium")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		skipOrFail(t, "%s is missing (%v): apt-get install chromium", chromiumPath, err)
	}
	node, script := requireNodeScript(t, "browser-connections.mjs", "playwright-core")

	// serve with debug logs, so the leak scan reads request logging too.
	bin := testenv.BuildBinary(t, "./cmd/switchboard")
	home := t.TempDir()
	dataDir := filepath.Join(t.TempDir(), "data")
	gw := startGateway(t, bin, dataDir, minimalEnv(home, "SWITCHBOARD_LOG_LEVEL=debug"))
	base := gw.url()
	boot := &cliRunner{bin: bin, env: minimalEnv(home)}
	token := tokenFromBootstrap(boot.okWith(t, bcAdminPassword+"\n", nil,
		"admin", "bootstrap", "--email", adminEmail, "--data-dir", dataDir, "--password-stdin"))
	if !strings.HasPrefix(token, "sbt_") {
		t.Fatal("no sbt_ token in the bootstrap output")
	}
	cli := &cliRunner{bin: bin, env: minimalEnv(home, "SWITCHBOARD_URL="+base, "SWITCHBOARD_TOKEN="+token)}

	shared := newGoUpstream(t, bcShared, "Authorization", "Bearer "+bcSharedSecret)
	pers := newIdentityUpstream(t, map[string]string{bcAdminToken: "admin-identity", bcDanaToken: "dana-identity"})
	cli.okWith(t, bcSharedSecret+"\n", nil, "server", "add", bcShared, "--url", shared.url(), "--auth", "bearer", "--secret-stdin")
	cli.okWith(t, bcAdminToken+"\n", nil, "server", "add", bcServer, "--url", pers.url(),
		"--auth", "bearer", "--credential-mode", "personal", "--secret-stdin")
	cli.ok(t, "endpoint", "create", bcEndpoint, "--server", bcShared, "--server", bcServer)
	cli.ok(t, "endpoint", "tools", "enable", bcEndpoint, bcShared+"/echo", bcServer+"/whoami")
	cli.okWith(t, bcPassword+"\n", nil, "user", "create", "--email", bcEmail, "--role", "member", "--password-stdin")
	cli.ok(t, "endpoint", "grant", bcEndpoint, "--user", bcEmail)
	danaStatus := func(t *testing.T) string {
		t.Helper()
		var creds api.List[api.CredentialStatus]
		cli.json(t, &creds, "server", "credentials", bcServer, "--json")
		for _, c := range creds.Items {
			if c.User == bcEmail {
				return c.Status
			}
		}
		return "absent"
	}
	if got := danaStatus(t); got != "absent" {
		t.Fatalf("before the browser, dana's credential for %s is %q", bcServer, got)
	}

	app := newOAuthApp(t, base, "Connections Test App")
	resource := base + "/mcp/" + bcEndpoint
	authURL, verifier := app.authorizeURL(base, resource, "connect-state-1")
	shots := t.TempDir()
	if dir := os.Getenv("SWITCHBOARD_TEST_SCREENSHOTS"); dir != "" {
		shots = dir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	var accessToken string
	ok := t.Run("connect from consent", func(t *testing.T) {
		got := runConnectionsScript(t, node, script, connectionsCase{Name: "consent", Kind: "consent", URL: authURL,
			Server: bcServer, Callback: app.redirect, Screenshot: filepath.Join(shots, "connections-consent.png")})["consent"]
		wantSteps := []string{"/oauth/authorize", "/login", "/consent", "/connections", "/consent", "/connections", "/connections"}
		if !slices.Equal(got.Steps, wantSteps) && !slices.Equal(got.Steps, wantSteps[1:]) {
			t.Errorf("pages visited %v, want %v", got.Steps, wantSteps[1:])
		}

		// The consent page before connecting: the personal server needs
		// a connection, the shared one does not.
		before := map[string]consentServer{}
		for _, s := range got.ConsentBefore {
			before[s.Name] = s
		}
		if p, sh := before[bcServer], before[bcShared]; len(before) != 2 || !p.NeedsConnect || sh.NeedsConnect ||
			p.Mode != "your own account" || sh.Mode != "shared credential" || !strings.Contains(p.ConnectText, "Not connected yet") {
			t.Errorf("consent page before connecting: %+v; want %s (your own account) not connected, %s (shared credential)", got.ConsentBefore, bcServer, bcShared)
		}
		if h := before[bcServer].ConnectHref; !strings.HasPrefix(h, "/connections?") || !strings.Contains(h, "server="+bcServer) || !strings.Contains(h, "return_to=%2Fconsent%3F") {
			t.Errorf("the consent page's Connect link is %q, want /connections?server=%s&return_to=/consent?…", h, bcServer)
		}

		// My connections, opened from consent.
		if got.ConnectionsTitle != "My connections · Switchboard" {
			t.Errorf("connections page title %q", got.ConnectionsTitle)
		}
		if r := got.RowBefore; r.Status != "not_connected" || !r.Focus || r.Shown != "not connected" || r.InputType != "password" ||
			r.InputValue != "" || !slices.Equal(r.Buttons, []string{"Connect"}) {
			t.Errorf("%s's row before saving: %+v; want not_connected, highlighted, an empty password field and a Connect button", bcServer, r)
		}
		if !strings.HasPrefix(got.BackLink, "/consent?") || !strings.Contains(got.BackLink, "client_id="+app.id) {
			t.Errorf("the way back is %q, want the consent page of the same request", got.BackLink)
		}

		// Back on consent after saving.
		if !strings.Contains(got.ConsentAfterURL, "client_id="+app.id) || !strings.Contains(got.ConsentAfterURL, "state=connect-state-1") {
			t.Errorf("after saving the browser is at %s, want the consent page of the same request", got.ConsentAfterURL)
		}
		for _, s := range got.ConsentAfter {
			if s.NeedsConnect {
				t.Errorf("the consent page still has a connect step after connecting: %+v", s)
			}
		}
		if len(got.ConsentAfter) != 2 {
			t.Errorf("consent page after connecting lists %+v, want %s and %s", got.ConsentAfter, bcShared, bcServer)
		}

		// The OAuth code flow finished.
		q := app.callback("connect-state-1")
		if q == nil || q.Get("code") == "" || q.Get("error") != "" {
			t.Fatalf("the app's redirect got %v (browser at %s); want a code", q, got.FinalURL)
		}
		if !strings.Contains(got.FinalText, "Back in the app") {
			t.Errorf("the browser did not land on the app's page: %q", got.FinalText)
		}
		accessToken = app.exchange(t, base, q.Get("code"), verifier)

		// My connections afterwards: connected; saving again says so.
		if r := got.RowConnected; r.Status != "connected" || r.Shown != "connected" || r.InputValue != "" ||
			!slices.Equal(r.Buttons, []string{"Replace", "Remove"}) {
			t.Errorf("%s's row once connected: %+v; want connected with an empty field, Replace and Remove", bcServer, r)
		}
		if got.SavedMessage != "Saved." {
			t.Errorf("after saving on My connections the page says %q, want Saved.", got.SavedMessage)
		}
		if r := got.RowSaved; r.Status != "connected" || !r.Focus || r.InputValue != "" {
			t.Errorf("%s's row after saving again: %+v; want connected, highlighted, the field empty", bcServer, r)
		}
		if strings.Contains(got.SavedText, bcDanaToken) {
			t.Error("the saved page's text shows the secret")
		}
	})
	if !ok {
		t.FailNow()
	}

	whoami := func(t *testing.T) (string, bool) {
		t.Helper()
		cs := connectMCP(t, resource, accessToken)
		defer cs.Close()
		res := mustCall(t, cs, bcTool, map[string]any{})
		return textOf(res), res.IsError
	}

	t.Run("the upstream sees dana's token", func(t *testing.T) {
		before := pers.refused.Load()
		if txt, isErr := whoami(t); isErr || txt != "dana-identity" {
			t.Errorf("%s with the browser-granted token = isError %v %q, want dana-identity (the token typed in the browser)", bcTool, isErr, txt)
		}
		if n := pers.refused.Load() - before; n != 0 {
			t.Errorf("the personal upstream refused %d requests", n)
		}
		if got := danaStatus(t); got != api.ConnectionConnected {
			t.Errorf("server credentials %s: dana is %q, want connected", bcServer, got)
		}
		var list api.AuditList
		cli.json(t, &list, "audit", "list", "--code", audit.CodeCredentialSaved, "--actor", bcEmail, "--json")
		if len(list.Events) != 2 {
			t.Errorf("%d %s events by dana, want 2 (from consent, then on My connections)", len(list.Events), audit.CodeCredentialSaved)
		}
		cli.json(t, &list, "audit", "list", "--code", audit.CodeConsentGiven, "--actor", bcEmail, "--json")
		if len(list.Events) != 1 {
			t.Errorf("%d %s events by dana, want 1", len(list.Events), audit.CodeConsentGiven)
		}
	})

	// An OAuth upstream: Connect on My connections goes to the
	// authorization server (which approves at once) and back.
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	oaUp := oauthtest.NewUpstream(as)
	t.Cleanup(oaUp.Close)
	// One browser run: remove the static secret, then connect the OAuth
	// account.
	var results map[string]connectionsResult
	ok = t.Run("remove and connect in the browser", func(t *testing.T) {
		cli.ok(t, "server", "add", bcOAuthServer, "--url", oaUp.URL, "--auth", "oauth", "--credential-mode", "personal")
		results = runConnectionsScript(t, node, script,
			connectionsCase{Name: "remove", Kind: "remove", URL: base + "/connections?server=" + bcServer, Server: bcServer,
				Screenshot: filepath.Join(shots, "connections-removed.png")},
			connectionsCase{Name: "oauth", Kind: "oauth", URL: base + "/connections?server=" + bcOAuthServer, Server: bcOAuthServer,
				ASURL: as.URL, Sub: bcDanaSub, Screenshot: filepath.Join(shots, "connections-oauth.png")})
	})
	if !ok {
		t.FailNow()
	}

	t.Run("remove on My connections", func(t *testing.T) {
		got := results["remove"]
		if !slices.Equal(got.Steps, []string{"/login", "/connections", "/connections"}) {
			t.Errorf("pages visited %v, want sign-in, then My connections twice", got.Steps)
		}
		if r := got.RowConnected; r.Status != "connected" || !r.Focus {
			t.Errorf("%s's row after signing in: %+v; want connected and highlighted", bcServer, r)
		}
		if r := got.RowRemoved; r.Status != "not_connected" || r.Shown != "not connected" || !slices.Equal(r.Buttons, []string{"Connect"}) {
			t.Errorf("%s's row after Remove: %+v; want not connected with a Connect button only", bcServer, r)
		}
		if got := danaStatus(t); got != "absent" {
			t.Errorf("server credentials %s after Remove: dana is %q, want no credential", bcServer, got)
		}
		txt, isErr := whoami(t)
		if !isErr || !strings.Contains(txt, base+"/connections?server="+bcServer) {
			t.Errorf("%s after Remove = isError %v %q; want the credential-missing tool error with %s/connections?server=%s", bcTool, isErr, txt, base, bcServer)
		}
		var list api.AuditList
		cli.json(t, &list, "audit", "list", "--code", audit.CodeCredentialRemoved, "--actor", bcEmail, "--json")
		if len(list.Events) != 1 {
			t.Errorf("%d %s events by dana, want 1", len(list.Events), audit.CodeCredentialRemoved)
		}
	})

	t.Run("connect an OAuth upstream", func(t *testing.T) {
		got := results["oauth"]
		if r := got.RowBefore; r.Status != "not_connected" || !r.Focus || !slices.Equal(r.Links, []string{"Connect"}) || r.InputType != "" {
			t.Errorf("%s's row before connecting: %+v; want not connected, highlighted, a Connect link and no secret field", bcOAuthServer, r)
		}
		if !strings.HasPrefix(got.ConnectHref, "/connections/oauth/start?") || !strings.Contains(got.ConnectHref, "server="+bcOAuthServer) {
			t.Errorf("Connect link %q, want /connections/oauth/start?server=%s", got.ConnectHref, bcOAuthServer)
		}
		// The browser went to the authorization server and came back.
		var path []string
		for _, n := range got.Navigations {
			if n == as.URL+"/authorize" || n == base+"/connections/oauth/start" || n == base+"/oauth/upstream/callback" || n == base+"/connections" {
				path = append(path, strings.TrimPrefix(strings.TrimPrefix(n, base), as.URL))
			}
		}
		if want := []string{"/connections", "/connections", "/connections/oauth/start", "/authorize", "/oauth/upstream/callback", "/connections"}; !slices.Equal(path, want) {
			t.Errorf("the browser asked for %v (all: %v), want %v", path, got.Navigations, want)
		}
		if r := got.RowConnected; r.Status != "connected" || r.Shown != "connected" || !r.Focus || !slices.Equal(r.Links, []string{"Reconnect"}) {
			t.Errorf("%s's row after the flow: %+v; want connected, marked, with a Reconnect link", bcOAuthServer, r)
		}
		if n := as.Exchanges.Load(); n != 1 {
			t.Errorf("the authorization server exchanged %d codes, want 1", n)
		}

		// The first connection synced the catalog: offer whoami, and call
		// it as dana with her API token.
		cli.ok(t, "endpoint", "create", bcOAuthEndpoint, "--server", bcOAuthServer)
		cli.ok(t, "endpoint", "tools", "enable", bcOAuthEndpoint, bcOAuthServer+"/whoami")
		cli.ok(t, "endpoint", "grant", bcOAuthEndpoint, "--user", bcEmail)
		login := &cliRunner{bin: bin, env: minimalEnv(t.TempDir(), "SWITCHBOARD_URL="+base)}
		danaAPI := strings.TrimSpace(login.okWith(t, bcPassword+"\n", nil, "login", "--email", bcEmail, "--password-stdin", "--print-token"))
		cs := connectMCP(t, base+"/mcp/"+bcOAuthEndpoint, danaAPI)
		defer cs.Close()
		res := mustCall(t, cs, bcOAuthServer+"__whoami", map[string]any{})
		if res.IsError || textOf(res) != "sub="+bcDanaSub {
			t.Errorf("%s__whoami as dana = isError %v %q, want sub=%s (the account connected in the browser)", bcOAuthServer, res.IsError, textOf(res), bcDanaSub)
		}
		var list api.AuditList
		cli.json(t, &list, "audit", "list", "--code", audit.CodeUpstreamConnected, "--actor", bcEmail, "--json")
		if len(list.Events) != 1 {
			t.Errorf("%d %s events by dana, want 1", len(list.Events), audit.CodeUpstreamConnected)
		}
	})

	t.Run("no secret leaks", func(t *testing.T) {
		export := cli.ok(t, "audit", "export", "--format", "jsonl")
		if err := gw.stop(); err != nil {
			t.Errorf("stopping serve: %v", err)
		}
		sources := map[string]string{
			"serve stderr (logs)": gw.stderr.String(),
			"serve stdout":        gw.stdout.String(),
			"audit export":        export,
			"CLI output":          cli.allOutput(),
		}
		if !strings.Contains(sources["serve stderr (logs)"], "path=/connections") {
			t.Error("the debug log has no request to /connections, so its scan proves little")
		}
		if !strings.Contains(export, `"`+audit.CodeCredentialSaved+`"`) {
			t.Errorf("the audit export has no %s event, so its scan proves little", audit.CodeCredentialSaved)
		}
		err := filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			sources["data file "+filepath.Base(path)] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		secrets := map[string]string{"dana's personal token": bcDanaToken, "the admin's personal token": bcAdminToken,
			"dana's password": bcPassword, "the OAuth access token": accessToken}
		if len(as.Secrets()) < 3 {
			t.Errorf("the authorization server issued %d secrets, so their scan proves little", len(as.Secrets()))
		}
		for i, s := range as.Secrets() {
			secrets[fmt.Sprintf("upstream OAuth secret #%d", i)] = s
		}
		for where, text := range sources {
			for what, secret := range secrets {
				if secret == "" {
					continue
				}
				if i := strings.Index(text, secret); i >= 0 {
					t.Errorf("%s holds %s at offset %d: …%s…", where, what, i, excerpt(text, i, 80))
				}
			}
		}
	})
}
