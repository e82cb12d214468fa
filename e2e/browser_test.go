package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
)

// chromiumPath is Debian's Chromium; browsers are never downloaded.
const chromiumPath = "/usr/bin/chromium"

// browserCase is one run of testdata/npm/browser-consent.mjs.
type browserCase struct {
	Name       string `json:"name"`
	URL        string `json:"url"`
	Decision   string `json:"decision"`
	Duration   string `json:"duration,omitempty"`
	Screenshot string `json:"screenshot,omitempty"`
	Callback   string `json:"callback"`
}

// browserResult is what the script saw in one case.
type browserResult struct {
	Steps             []string `json:"steps"`
	LoginTitle        string   `json:"loginTitle"`
	ConsentTitle      string   `json:"consentTitle"`
	Heading           string   `json:"heading"`
	Text              string   `json:"text"`
	Servers           []string `json:"servers"`
	Durations         []string `json:"durations"`
	CheckedDuration   string   `json:"checkedDuration"`
	ChosenDuration    string   `json:"chosenDuration"`
	Screenshot        string   `json:"screenshot"`
	FinalURL          string   `json:"finalURL"`
	FinalText         string   `json:"finalText"`
	CSPViolations     []string `json:"cspViolations"`
	Error             string   `json:"error"`
	AtURL             string   `json:"atURL"`
	AtText            string   `json:"atText"`
	FailureScreenshot string   `json:"failureScreenshot"`
}

type browserReport struct {
	OK             bool                     `json:"ok"`
	Error          string                   `json:"error"`
	BrowserVersion string                   `json:"browserVersion"`
	Cases          map[string]browserResult `json:"cases"`
}

// oauthApp is a registered public client whose loopback redirect URI is
// served by the test, as a desktop client's would be.
type oauthApp struct {
	id       string
	redirect string // http://127.0.0.1:PORT/callback

	mu      sync.Mutex
	arrived []url.Values // queries that reached the callback
}

func newOAuthApp(t *testing.T, gatewayURL, name string) *oauthApp {
	t.Helper()
	app := &oauthApp{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		app.mu.Lock()
		app.arrived = append(app.arrived, r.URL.Query())
		app.mu.Unlock()
		fmt.Fprintln(w, "Back in the app. You can close this window.")
	}))
	t.Cleanup(srv.Close)
	app.redirect = srv.URL + "/callback"

	body, _ := json.Marshal(map[string]any{
		"client_name": name, "redirect_uris": []string{app.redirect}, "token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
	})
	resp, err := http.Post(gatewayURL+"/oauth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != http.StatusCreated || reg.ClientID == "" {
		t.Fatalf("register %s: HTTP %d %v", name, resp.StatusCode, err)
	}
	app.id = reg.ClientID
	return app
}

// authorizeURL returns an authorization request for the endpoint's
// resource with a fresh PKCE verifier.
func (a *oauthApp) authorizeURL(gatewayURL, resource, state string) (authURL, verifier string) {
	verifier = strings.Repeat(state, 64/len(state)+1)[:64]
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {a.id}, "redirect_uri": {a.redirect},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"state": {state}, "resource": {resource}}
	return gatewayURL + "/oauth/authorize?" + q.Encode(), verifier
}

// callback returns the query of the redirect that arrived with state.
func (a *oauthApp) callback(state string) url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, q := range a.arrived {
		if q.Get("state") == state {
			return q
		}
	}
	return nil
}

// exchange trades code for an access token.
func (a *oauthApp) exchange(t *testing.T, gatewayURL, code, verifier string) string {
	t.Helper()
	resp, err := http.PostForm(gatewayURL+"/oauth/token", url.Values{"grant_type": {"authorization_code"},
		"client_id": {a.id}, "code": {code}, "redirect_uri": {a.redirect}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tk struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil || resp.StatusCode != http.StatusOK || tk.AccessToken == "" {
		t.Fatalf("token exchange: HTTP %d %v %q", resp.StatusCode, err, tk.Error)
	}
	return tk.AccessToken
}

// TestBrowserConsent has a person in Debian's headless Chromium (driven by
// playwright-core) authorize an app on a real `switchboard serve`: the
// authorization request sends the signed-out browser to the sign-in page,
// which comes back to the consent page; the page must show the app's name,
// where the answer goes, the endpoint and its servers, and offer 1/7/30/90
// days with 30 preselected. A screenshot of it goes to the test's temporary
// directory. In one case the person picks 90 days and clicks Allow: the
// browser lands on the app's loopback redirect with a code (so the page's
// CSP lets the form redirect there), the code buys a token, the token
// calls a tool, and the grant lasts 90 days. In the other the person clicks
// Deny and the app gets error=access_denied.
func TestBrowserConsent(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		skipOrFail(t, "%s is missing (%v): apt-get install chromium", chromiumPath, err)
	}
	node, script := requireNodeScript(t, "browser-consent.mjs", "playwright-core")
	o := startOAuthGateway(t)
	base, resource := o.gw.url(), o.mcpURL()

	allowApp := newOAuthApp(t, base, "Browser Test App")
	denyApp := newOAuthApp(t, base, "Denied App")
	allowURL, verifier := allowApp.authorizeURL(base, resource, "allow-state-1")
	denyURL, _ := denyApp.authorizeURL(base, resource, "deny-state-2")
	// Screenshots go to the test's temporary directory, or, to keep them,
	// to SWITCHBOARD_TEST_SCREENSHOTS.
	shots := t.TempDir()
	if dir := os.Getenv("SWITCHBOARD_TEST_SCREENSHOTS"); dir != "" {
		shots = dir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []browserCase{
		{Name: "allow", URL: allowURL, Decision: "approve", Duration: "90",
			Screenshot: filepath.Join(shots, "consent-allow.png"), Callback: allowApp.redirect},
		{Name: "deny", URL: denyURL, Decision: "deny",
			Screenshot: filepath.Join(shots, "consent-deny.png"), Callback: denyApp.redirect},
	}
	arg, _ := json.Marshal(cases)

	start := time.Now()
	var r browserReport
	stderr, err := runNode(t, 120*time.Second, node, script,
		[]string{"SB_EMAIL=" + adminEmail, "SB_PASSWORD=" + oauthPassword, "SB_CHROMIUM=" + chromiumPath}, &r, string(arg))
	t.Logf("headless Chromium %s ran %d cases in %v", r.BrowserVersion, len(r.Cases), time.Since(start).Round(time.Millisecond))
	if err != nil || !r.OK {
		t.Fatalf("browser-consent failed: %v\n%s\nstderr:\n%s", err, r.Error, stderr)
	}

	for _, c := range cases {
		t.Run("page "+c.Name, func(t *testing.T) {
			got, ok := r.Cases[c.Name]
			if !ok {
				t.Fatalf("no result for case %s", c.Name)
			}
			if got.Error != "" {
				t.Fatalf("in the browser: %s\nat %s:\n%s\nscreenshot: %s", got.Error, got.AtURL, got.AtText, got.FailureScreenshot)
			}
			if fi, err := os.Stat(got.Screenshot); err != nil || fi.Size() < 1000 {
				t.Errorf("consent screenshot %s: %v", got.Screenshot, err)
			} else {
				t.Logf("consent page screenshot: %s (%d bytes)", got.Screenshot, fi.Size())
			}
			checkConsentPage(t, c, got, resource)
			if len(got.CSPViolations) > 0 {
				t.Errorf("the browser reported CSP violations: %q", got.CSPViolations)
			}
		})
	}

	t.Run("approved", func(t *testing.T) {
		got := r.Cases["allow"]
		if got.ChosenDuration != "90" {
			t.Errorf("chosen duration %q, want 90", got.ChosenDuration)
		}
		q := allowApp.callback("allow-state-1")
		if q == nil || q.Get("code") == "" || q.Get("error") != "" || q.Get("iss") != base {
			t.Fatalf("the app's redirect got %v (browser at %s); want a code and iss %s", q, got.FinalURL, base)
		}
		if !strings.Contains(got.FinalText, "Back in the app") {
			t.Errorf("the browser did not land on the app's page: %q", got.FinalText)
		}
		token := allowApp.exchange(t, base, q.Get("code"), verifier)
		cs := connectMCP(t, resource, token)
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: oauthTool, Arguments: map[string]any{"text": "from the browser grant"}})
		if err != nil || res.IsError {
			t.Fatalf("tools/call with the browser-granted token: %v %+v", err, res)
		}
		if tc, ok := res.Content[0].(*mcp.TextContent); !ok || !strings.Contains(tc.Text, "from the browser grant") {
			t.Errorf("tools/call result %+v", res.Content)
		}
		var found bool
		for _, g := range o.grants(t) {
			if g.ClientID != allowApp.id {
				continue
			}
			found = true
			if d := g.ExpiresAt.Sub(g.CreatedAt); d < 90*24*time.Hour-time.Minute || d > 90*24*time.Hour+time.Minute {
				t.Errorf("grant lasts %v, want the 90 days chosen in the browser", d)
			}
			if g.Status != "active" || g.Endpoint != oauthEndpoint || g.ClientName != "Browser Test App" {
				t.Errorf("grant %+v: want active, endpoint %s, client Browser Test App", g, oauthEndpoint)
			}
		}
		if !found {
			t.Error("no grant for the app approved in the browser")
		}
		if ev := o.wantAudit(t, audit.CodeConsentGiven); ev.ActorEmail != adminEmail {
			t.Errorf("consent.given by %q, want %s", ev.ActorEmail, adminEmail)
		}
	})

	t.Run("denied", func(t *testing.T) {
		got := r.Cases["deny"]
		q := denyApp.callback("deny-state-2")
		if q == nil || q.Get("error") != "access_denied" || q.Get("code") != "" {
			t.Fatalf("the app's redirect got %v (browser at %s); want error=access_denied and no code", q, got.FinalURL)
		}
		if slices.ContainsFunc(o.grants(t), func(g api.Grant) bool { return g.ClientID == denyApp.id }) {
			t.Error("a denied app has a grant")
		}
		o.wantAudit(t, audit.CodeConsentDenied)
	})
	if n := len(o.auditEvents(t, audit.CodeLoginOK)); n < 2 {
		t.Errorf("%d login.ok audit events, want one per browser case", n)
	}
}

// checkConsentPage checks what the person saw on the consent page.
func checkConsentPage(t *testing.T, c browserCase, got browserResult, resource string) {
	t.Helper()
	if !slices.Equal(got.Steps, []string{"/login", "/consent"}) {
		t.Errorf("pages visited %v, want the sign-in page and then consent", got.Steps)
	}
	if !strings.HasPrefix(got.ConsentTitle, "Allow access?") || got.Heading != "Allow access?" {
		t.Errorf("consent page title %q, heading %q", got.ConsentTitle, got.Heading)
	}
	app := "Browser Test App"
	if c.Name == "deny" {
		app = "Denied App"
	}
	redirectHost := strings.TrimPrefix(strings.TrimSuffix(c.Callback, "/callback"), "http://")
	for _, want := range []string{app, adminEmail, resource, redirectHost, oauthServer, "shared credential"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the consent page does not show %q:\n%s", want, got.Text)
		}
	}
	if !slices.Equal(got.Servers, []string{oauthServer}) {
		t.Errorf("servers listed %q, want [%s]", got.Servers, oauthServer)
	}
	if !slices.Equal(got.Durations, []string{"1", "7", "30", "90"}) || got.CheckedDuration != "30" {
		t.Errorf("durations %v with %q checked, want 1 7 30 90 with 30", got.Durations, got.CheckedDuration)
	}
}
