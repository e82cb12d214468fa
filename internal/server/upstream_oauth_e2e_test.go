package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
)

const bobEmail, bobPassword = "bob@example.com", "another horse battery staple"

// upOAuthEnv is a real Switchboard whose logs are captured, an OAuth
// authorization server and an MCP server protected by it, in-process.
type upOAuthEnv struct {
	*authEnv
	logs       *syncBuffer
	as         *oauthtest.AS
	up         *oauthtest.Upstream
	adminToken string
	responses  bytes.Buffer // every API answer the test saw, for the secret scan
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newUpOAuthEnv(t *testing.T) *upOAuthEnv {
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &upOAuthEnv{logs: &syncBuffer{}, adminToken: regexp.MustCompile(`sbt_\S+`).FindString(out.String())}
	// Started first so that they stop last, after Switchboard's sessions.
	e.as = oauthtest.NewAS()
	t.Cleanup(e.as.Close)
	e.up = oauthtest.NewUpstream(e.as)
	t.Cleanup(e.up.Close)
	e.authEnv = &authEnv{url: "http://" + ln.Addr().String(), clock: &testClock{now: time.Now().UTC()}}
	cfg.PublicURL = e.url
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if e.srv, err = New(ctx, cfg, logger, io.Discard); err != nil {
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
	e.admin = apiclient.New(e.url, e.adminToken)
	return e
}

// addServer adds the protected upstream as an oauth server.
func (e *upOAuthEnv) addServer(t *testing.T, name, mode string) *api.CreateServerResponse {
	t.Helper()
	resp, err := e.admin.CreateServer(t.Context(), api.CreateServerRequest{Name: name, URL: e.up.URL, Auth: "oauth", CredentialMode: mode})
	if err != nil {
		t.Fatal(err)
	}
	e.keep(resp)
	return resp
}

func (e *upOAuthEnv) keep(v any) {
	b, _ := json.Marshal(v)
	e.responses.Write(b)
}

// connectInBrowser signs in (as email/password) if asked, and follows
// the connect link through the authorization server, where the browser is
// signed in as sub, back to Switchboard.
func (e *upOAuthEnv) connectInBrowser(t *testing.T, b *browser, connectURL, email, password, sub string) page {
	t.Helper()
	asURL, _ := url.Parse(e.as.URL)
	b.client.Jar.SetCookies(asURL, []*http.Cookie{{Name: "sub", Value: sub}})
	p := b.get(t, connectURL)
	if strings.Contains(p.body, `action="/login"`) {
		action, vals := form(t, p)
		vals.Set("email", email)
		vals.Set("password", password)
		p = b.submit(t, action, vals, nil)
	}
	for range 4 {
		if !p.left {
			break
		}
		p = b.get(t, p.url.String())
	}
	return p
}

// callTool calls tool on endpoint with an API token and returns the text
// and whether it is a tool error.
func (e *upOAuthEnv) callTool(t *testing.T, endpoint, token, tool string) (string, bool) {
	t.Helper()
	hc := &http.Client{Transport: upBearer{token: token, base: http.DefaultTransport}}
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	sess, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: e.url + "/mcp/" + endpoint, HTTPClient: hc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	res, err := sess.CallTool(t.Context(), &mcp.CallToolParams{Name: tool})
	if err != nil {
		t.Fatal(err)
	}
	e.keep(res)
	return res.Content[0].(*mcp.TextContent).Text, res.IsError
}

// upBearer adds an API token to every request.
type upBearer struct {
	token string
	base  http.RoundTripper
}

func (b upBearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// assertNoSecrets scans the logs, the API answers and the whole audit
// trail for every token and client secret the authorization server issued.
func (e *upOAuthEnv) assertNoSecrets(t *testing.T) {
	t.Helper()
	evs, err := e.srv.store.ListAudit(t.Context(), store.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var trail strings.Builder
	for _, ev := range evs {
		trail.WriteString(ev.Error + string(ev.Request) + string(ev.Response))
	}
	secrets := e.as.Secrets()
	if len(secrets) < 3 {
		t.Fatalf("only %d secrets issued: the scan would prove nothing", len(secrets))
	}
	for what, text := range map[string]string{"logs": e.logs.String(), "API answers": e.responses.String(), "audit trail": trail.String()} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a token or client secret appears in the %s", what)
			}
		}
	}
}

// TestUpstreamOAuthEndToEnd: personal mode gives each user their own
// upstream identity, shared mode one identity for all; a refused refresh
// turns into a tool error with the reconnect link; no secret leaks.
func TestUpstreamOAuthEndToEnd(t *testing.T) {
	e := newUpOAuthEnv(t)
	ctx := t.Context()

	// Personal mode: the admin adds the server and connects first, which
	// syncs the catalog.
	created := e.addServer(t, "prot", store.ModePersonal)
	if created.ConnectURL == "" || created.Server.SyncError == "" || e.as.Registrations.Load() != 1 {
		t.Fatalf("created = %+v, registrations %d", created, e.as.Registrations.Load())
	}
	adminBrowser := newBrowser(t, e.authEnv)
	p := e.connectInBrowser(t, adminBrowser, created.ConnectURL, adminEmail, adminPassword, "alice")
	if p.url.Path != "/connections" || p.url.Host != strings.TrimPrefix(e.url, "http://") {
		t.Fatalf("the browser ended at %s (%d), want Switchboard's /connections", p.url, p.status)
	}
	srv, err := e.admin.GetServer(ctx, "prot")
	if err != nil || srv.ToolCount != 1 || srv.SyncError != "" {
		t.Fatalf("after the first connection the catalog should sync: %+v, %v", srv, err)
	}
	e.keep(srv)
	if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "pe", Servers: []string{"prot"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.UpdateEndpointTools(ctx, "pe", api.UpdateToolsRequest{Enable: []string{"prot/whoami"}}); err != nil {
		t.Fatal(err)
	}

	// Bob, a member with a grant, connects his own account.
	if _, err := e.admin.CreateUser(ctx, api.CreateUserRequest{Email: bobEmail, Role: store.RoleMember, Password: bobPassword}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.GrantEndpoint(ctx, "pe", api.GrantEndpointRequest{User: bobEmail}); err != nil {
		t.Fatal(err)
	}
	login, err := apiclient.New(e.url, "").Login(ctx, api.LoginRequest{Email: bobEmail, Password: bobPassword})
	if err != nil {
		t.Fatal(err)
	}
	bobToken := login.Value
	if text, isErr := e.callTool(t, "pe", bobToken, "prot__whoami"); !isErr || !strings.Contains(text, "/connections/oauth/start?") {
		t.Errorf("before connecting, bob should get a tool error with the connect link: %q", text)
	}
	p = e.connectInBrowser(t, newBrowser(t, e.authEnv), created.ConnectURL, bobEmail, bobPassword, "bob")
	if p.url.Path != "/connections" {
		t.Fatalf("bob's browser ended at %s", p.url)
	}
	for who, token := range map[string]string{"sub=alice": e.adminToken, "sub=bob": bobToken} {
		if text, isErr := e.callTool(t, "pe", token, "prot__whoami"); isErr || text != who {
			t.Errorf("whoami = %q (error %v), want %q", text, isErr, who)
		}
	}
	e.wantEvent(t, "upstream.oauth.connected", bobEmail)

	// Shared mode: the admin connects once; everyone sees that identity.
	shared := e.addServer(t, "shr", store.ModeShared)
	e.connectInBrowser(t, adminBrowser, shared.ConnectURL, adminEmail, adminPassword, "service")
	if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "se", Servers: []string{"shr"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.UpdateEndpointTools(ctx, "se", api.UpdateToolsRequest{Enable: []string{"shr/whoami"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.GrantEndpoint(ctx, "se", api.GrantEndpointRequest{User: bobEmail}); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{e.adminToken, bobToken} {
		if text, isErr := e.callTool(t, "se", token, "shr__whoami"); isErr || text != "sub=service" {
			t.Errorf("shared whoami = %q (error %v)", text, isErr)
		}
	}
	// Bob may not connect the shared account.
	p = e.connectInBrowser(t, newBrowser(t, e.authEnv), shared.ConnectURL, bobEmail, bobPassword, "bob")
	if p.status != http.StatusForbidden {
		t.Errorf("a member connecting a shared account: %d", p.status)
	}

	// The AS revokes every token and refuses refreshes: one refresh, then
	// a clear tool error; no expired token went upstream on the way.
	e.as.FailRefresh.Store(true)
	e.as.ExpireAll()
	seen := e.as.ExpiredSeen.Load()
	text, isErr := e.callTool(t, "pe", bobToken, "prot__whoami")
	if !isErr || !strings.Contains(text, `"prot"`) || !strings.Contains(text, e.url+"/connections/oauth/start?") {
		t.Errorf("after a refused refresh: %q (error %v)", text, isErr)
	}
	if e.as.ExpiredSeen.Load() != seen+1 { // the revoked token, once, which got the 401
		t.Errorf("tokens refused upstream: %d, want 1", e.as.ExpiredSeen.Load()-seen)
	}
	c, err := e.srv.store.ListCredentials(ctx, store.CredentialFilter{AnyUser: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, cr := range c {
		e.keep(cr.Status + cr.LastError)
	}
	e.wantEvent(t, "mcp.tool.call", "prot")
	e.assertNoSecrets(t)
}
