package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "correct horse battery staple"
)

// testClock is the injected time of sign-in, sessions, the authorization
// server and the access-token verifier.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// authEnv is a real Switchboard (server.New over SQLite in a temporary
// data directory, served on a loopback port) with an admin who has a
// password, a real go-sdk upstream "up" with tool echo, and endpoints
// alpha and beta that expose it.
type authEnv struct {
	srv    *Server
	url    string // public URL, http://127.0.0.1:port
	clock  *testClock
	admin  *apiclient.Client
	client *http.Client // no cookies, no redirects
}

func newAuthEnv(t *testing.T, configure ...func(*config.Config)) *authEnv {
	t.Helper()
	ctx := t.Context()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MasterKeyFile = filepath.Join(cfg.DataDir, "master.key")
	var out bytes.Buffer
	err := BootstrapCommand(ctx, []string{"--email", adminEmail, "--data-dir", cfg.DataDir, "--password-stdin"},
		strings.NewReader(adminPassword+"\n"), &out, io.Discard)
	if err != nil {
		t.Fatalf("bootstrap: %v\n%s", err, out.String())
	}
	token := regexp.MustCompile(`sbt_\S+`).FindString(out.String())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &authEnv{url: "http://" + ln.Addr().String(), clock: &testClock{now: time.Now().UTC()}}
	cfg.PublicURL = e.url
	for _, c := range configure {
		c(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if e.srv, err = New(ctx, cfg, logger, io.Discard, WithClock(e.clock.Now)); err != nil {
		t.Fatal(err)
	}
	serveCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(serveCtx, ln) }()
	t.Cleanup(func() {
		stop()
		<-done
		e.srv.Close()
	})
	e.client = &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.admin = apiclient.New(e.url, token)
	e.setUpEndpoints(t)
	return e
}

// setUpEndpoints adds upstream "up" and endpoints alpha and beta with its
// echo tool enabled, through the admin API.
func (e *authEnv) setUpEndpoints(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	up := startUpstream(t)
	if _, err := e.admin.CreateServer(ctx, api.CreateServerRequest{Name: "up", URL: up}); err != nil {
		t.Fatal(err)
	}
	for _, ep := range []string{"alpha", "beta"} {
		if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: ep, Servers: []string{"up"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.admin.UpdateEndpointTools(ctx, ep, api.UpdateToolsRequest{Enable: []string{"up/echo"}}); err != nil {
			t.Fatal(err)
		}
	}
}

type echoIn struct {
	Text string `json:"text"`
}

// startUpstream serves a go-sdk MCP server with tool echo over
// Streamable HTTP and returns its URL.
func startUpstream(t *testing.T) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "up", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echo text back"},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "echo: " + in.Text}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String() + "/mcp"
}

// resource is the RFC 8707 resource of an endpoint.
func (e *authEnv) resource(endpoint string) string { return e.url + "/mcp/" + endpoint }

// events returns the audit events with code, newest first.
func (e *authEnv) events(t *testing.T, code string) []store.AuditEvent {
	t.Helper()
	evs, err := e.srv.store.ListAudit(t.Context(), store.AuditFilter{Code: code, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// wantEvent fails unless an event with code exists whose error, request
// and response together contain every one of want.
func (e *authEnv) wantEvent(t *testing.T, code string, want ...string) store.AuditEvent {
	t.Helper()
	for _, ev := range e.events(t, code) {
		text := ev.Error + " " + string(ev.Request) + " " + string(ev.Response) + " " + ev.Endpoint + " " + ev.ActorEmail
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			return ev
		}
	}
	t.Errorf("no audit event %s containing %q", code, want)
	return store.AuditEvent{}
}

// post sends a form and decodes a JSON answer into out (when not nil).
func (e *authEnv) post(t *testing.T, path string, form url.Values, out any) (int, http.Header) {
	t.Helper()
	resp, err := e.client.PostForm(e.url+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("POST %s: %d %s: %v", path, resp.StatusCode, body, err)
		}
	}
	return resp.StatusCode, resp.Header
}

// register registers a public client with redirect and the refresh grant.
func (e *authEnv) register(t *testing.T, redirect string) string {
	t.Helper()
	body := `{"redirect_uris":["` + redirect + `"],"client_name":"Test client","token_endpoint_auth_method":"none",` +
		`"grant_types":["authorization_code","refresh_token"]}`
	resp, err := e.client.Post(e.url+"/oauth/register", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %v", resp.StatusCode, err)
	}
	return out.ClientID
}

// pkce returns a verifier and its S256 challenge.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 43/len(seed)+1)[:43]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL builds an authorization request for endpoint.
func (e *authEnv) authorizeURL(clientID, redirect, challenge, endpoint string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {"st-123"},
		"resource": {e.resource(endpoint)}}
	return e.url + "/oauth/authorize?" + q.Encode()
}

// tokens is a token endpoint answer.
type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Error        string `json:"error"`
}

// exchange trades a code at the token endpoint.
func (e *authEnv) exchange(t *testing.T, clientID, redirect, code, verifier string) (int, tokens) {
	t.Helper()
	var tk tokens
	status, _ := e.post(t, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID},
		"code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}, &tk)
	return status, tk
}

// refresh rotates a refresh token.
func (e *authEnv) refresh(t *testing.T, clientID, refresh string) (int, tokens) {
	t.Helper()
	var tk tokens
	status, _ := e.post(t, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID},
		"refresh_token": {refresh}}, &tk)
	return status, tk
}

// grantFor runs a whole authorization for endpoint as the admin and
// returns the client ID, redirect URI, verifier and tokens.
func (e *authEnv) grantFor(t *testing.T, endpoint string) (string, string, tokens) {
	t.Helper()
	redirect := "http://127.0.0.1:9/callback"
	clientID := e.register(t, redirect)
	verifier, challenge := pkce("v3rifier-")
	final := newBrowser(t, e).authorize(t, e.authorizeURL(clientID, redirect, challenge, endpoint), "approve")
	status, tk := e.exchange(t, clientID, redirect, final.Query().Get("code"), verifier)
	if status != http.StatusOK || tk.AccessToken == "" {
		t.Fatalf("token exchange: %d %+v", status, tk)
	}
	return clientID, redirect, tk
}

// mcpStatus sends an MCP initialize to endpoint with bearer token and
// returns the status and the WWW-Authenticate header.
func (e *authEnv) mcpStatus(t *testing.T, endpoint, token string) (int, string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",` +
		`"capabilities":{},"clientInfo":{"name":"probe","version":"1"}}}`
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.resource(endpoint), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// browser is a user agent with a cookie jar that follows redirects within
// Switchboard and stops at the first one that leaves it.
type browser struct {
	e      *authEnv
	client *http.Client
}

func newBrowser(t *testing.T, e *authEnv) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{e: e, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response the browser stopped at.
type page struct {
	status int
	body   string
	url    *url.URL // where it was served, or where it redirects away to
	left   bool     // the last answer redirected away from Switchboard
}

// do sends req and follows redirects while they stay on Switchboard.
func (b *browser) do(t *testing.T, req *http.Request) page {
	t.Helper()
	for range 10 {
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return page{status: resp.StatusCode, body: string(body), url: req.URL}
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		if next.Host != req.URL.Host || next.Scheme != req.URL.Scheme {
			return page{status: resp.StatusCode, url: next, left: true}
		}
		req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, next.String(), nil)
	}
	t.Fatal("too many redirects")
	return page{}
}

func (b *browser) get(t *testing.T, u string) page {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	return b.do(t, req)
}

func (b *browser) submit(t *testing.T, action string, form url.Values, header http.Header) page {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, b.e.url+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return b.do(t, req)
}

var (
	formRE  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	inputRE = regexp.MustCompile(`<input type="(?:hidden|radio)" name="(\w+)" value="([^"]*)"( checked)?>`)
)

// form parses the first form of a page: its action and the values of its
// hidden fields and checked radio buttons.
func form(t *testing.T, p page) (string, url.Values) {
	t.Helper()
	m := formRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form on the page (%d):\n%s", p.status, p.body)
	}
	vals := url.Values{}
	for _, in := range inputRE.FindAllStringSubmatch(p.body, -1) {
		if strings.Contains(in[0], `type="radio"`) && in[3] == "" {
			continue
		}
		vals.Set(in[1], html.UnescapeString(in[2]))
	}
	return html.UnescapeString(m[1]), vals
}

// login fills the sign-in page p with the admin's credentials.
func (b *browser) login(t *testing.T, p page) page {
	t.Helper()
	action, vals := form(t, p)
	if action != "/login" {
		t.Fatalf("expected the sign-in form, got action %q:\n%s", action, p.body)
	}
	vals.Set("email", adminEmail)
	vals.Set("password", adminPassword)
	return b.submit(t, action, vals, nil)
}

// authorize drives an authorization request through sign-in and consent
// with decision ("approve" or "deny") and returns where Switchboard sent
// the browser back to the client.
func (b *browser) authorize(t *testing.T, authURL, decision string) *url.URL {
	t.Helper()
	p := b.get(t, authURL)
	if strings.Contains(p.body, `action="/login"`) {
		p = b.login(t, p)
	}
	action, vals := form(t, p)
	if !strings.HasPrefix(action, "/consent?") || vals.Get("duration") != "30" {
		t.Fatalf("expected the consent form with 30 days preselected, got %q %v:\n%s", action, vals, p.body)
	}
	vals.Set("decision", decision)
	p = b.submit(t, action, vals, nil)
	if !p.left {
		t.Fatalf("consent did not redirect to the client: %d\n%s", p.status, p.body)
	}
	return p.url
}

var errAgain = errors.New("the test allows one browser authorization only")
