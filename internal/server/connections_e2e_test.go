package server

import (
	"context"
	"html"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// bearerRT adds a fixed Authorization header.
type bearerRT struct{ token string }

func (b bearerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// startWhoUpstream serves tool whoami behind a middleware that accepts
// only the bearer tokens in people; the tool returns whose token it got.
func startWhoUpstream(t *testing.T, people map[string]string) string {
	t.Helper()
	who := func(h http.Header) string { return people[strings.TrimPrefix(h.Get("Authorization"), "Bearer ")] }
	s := mcp.NewServer(&mcp.Implementation{Name: "who", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "whoami", Description: "Say whose token this is"},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: who(req.Extra.Header)}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if who(r.Header) == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/mcp"
}

var connectLinkRE = regexp.MustCompile(`href="(/connections\?[^"]+)">Connect</a>`)

// TestStaticConnectionEndToEnd: an admin adds a personal server with no
// secret; the user meets it on the consent page, connects on "My
// connections", returns to consent, and the AI client's calls reach the
// upstream with the user's own token. After an admin revokes it, the next
// call is a credential_missing tool error with the connect URL.
func TestStaticConnectionEndToEnd(t *testing.T) {
	e := newAuthEnv(t)
	ctx := t.Context()
	const secret = "tok-admin-e2e-5b7"
	up := startWhoUpstream(t, map[string]string{secret: "the admin"})
	if _, err := e.admin.CreateServer(ctx, api.CreateServerRequest{Name: "gh", URL: up, Auth: store.AuthBearer,
		CredentialMode: store.ModePersonal}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "team", Servers: []string{"gh"}}); err != nil {
		t.Fatal(err)
	}

	redirect := "http://127.0.0.1:9/callback"
	clientID := e.register(t, redirect)
	verifier, challenge := pkce("c0nnect-")
	b := newBrowser(t, e)
	p := b.get(t, e.authorizeURL(clientID, redirect, challenge, "team"))
	p = b.login(t, p)
	m := connectLinkRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the consent page offers no Connect link for gh:\n%s", p.body)
	}
	p = b.get(t, e.url+html.UnescapeString(m[1]))
	action, vals := form(t, p)
	if action != "/connections" || vals.Get("server") != "gh" || !strings.HasPrefix(vals.Get("return_to"), "/consent?") {
		t.Fatalf("connections form %q %v:\n%s", action, vals, p.body)
	}
	vals.Set("op", "save")
	vals.Set("secret", secret)
	p = b.submit(t, action, vals, nil)
	action, vals = form(t, p) // back on the consent page
	if !strings.HasPrefix(action, "/consent?") || strings.Contains(p.body, "Not connected yet") {
		t.Fatalf("after connecting: form %q:\n%s", action, p.body)
	}
	// The first connection synced the catalog; enable the tool.
	if _, err := e.admin.UpdateEndpointTools(ctx, "team", api.UpdateToolsRequest{Enable: []string{"gh/whoami"}}); err != nil {
		t.Fatal(err)
	}
	vals.Set("decision", "approve")
	p = b.submit(t, action, vals, nil)
	status, tk := e.exchange(t, clientID, redirect, p.url.Query().Get("code"), verifier)
	if status != http.StatusOK {
		t.Fatalf("token exchange: %d %+v", status, tk)
	}

	c := mcp.NewClient(&mcp.Implementation{Name: "ai", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: e.resource("team"),
		HTTPClient: &http.Client{Transport: bearerRT{tk.AccessToken}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	call := func() (string, bool) {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "gh__whoami", Arguments: map[string]any{}})
		if err != nil {
			t.Fatalf("call: JSON-RPC error %v", err)
		}
		return res.Content[0].(*mcp.TextContent).Text, res.IsError
	}
	if got, isErr := call(); got != "the admin" || isErr {
		t.Fatalf("call = %q (isError %v), want the upstream to see the admin", got, isErr)
	}
	if err := e.admin.RevokeCredential(ctx, "gh", adminEmail); err != nil {
		t.Fatal(err)
	}
	if got, isErr := call(); !isErr || !strings.Contains(got, e.url+"/connections?server=gh") {
		t.Errorf("call after revoke = %q (isError %v), want credential_missing with the connect URL", got, isErr)
	}
	e.wantEvent(t, audit.CodeCredentialSaved, "gh")
	e.wantEvent(t, audit.CodeCredentialRevoked, adminEmail)
	evs, err := e.srv.store.ListAudit(ctx, store.AuditFilter{Outcome: audit.OutcomeCredentialMissing, Limit: 10})
	if err != nil || len(evs) != 1 {
		t.Errorf("credential_missing events: %d, %v", len(evs), err)
	}
	all, _ := e.srv.store.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	for _, ev := range all {
		if strings.Contains(ev.Error+string(ev.Request)+string(ev.Response), secret) {
			t.Errorf("audit event %s holds the secret", ev.Code)
		}
	}
}

// TestConsentOffersReconnect: a personal credential that needs to be
// reconnected is offered on the consent page like a missing one.
func TestConsentOffersReconnect(t *testing.T) {
	e := newAuthEnv(t)
	ctx := t.Context()
	up := startWhoUpstream(t, map[string]string{"tok-r": "the admin"})
	if _, err := e.admin.CreateServer(ctx, api.CreateServerRequest{Name: "gh", URL: up, Auth: store.AuthBearer,
		CredentialMode: store.ModePersonal}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "team", Servers: []string{"gh"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Connect(ctx, "gh", "tok-r"); err != nil {
		t.Fatal(err)
	}
	srv, err := e.srv.store.GetServerByName(ctx, "gh")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.srv.store.GetUserByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	show := func() bool {
		t.Helper()
		redirect := "http://127.0.0.1:9/callback"
		_, challenge := pkce("rec0nnect-")
		b := newBrowser(t, e)
		p := b.login(t, b.get(t, e.authorizeURL(e.register(t, redirect), redirect, challenge, "team")))
		return connectLinkRE.MatchString(p.body)
	}
	if show() {
		t.Fatal("the consent page offers Connect for a connected credential")
	}
	if _, err := e.srv.store.UpdateCredential(ctx, srv.ID, u.ID, func(c store.Credential) (store.Credential, error) {
		c.Status = store.CredentialNeedsReconnect
		return c, nil
	}); err != nil {
		t.Fatal(err)
	}
	if !show() {
		t.Error("the consent page offers no Connect link for a credential that needs reconnecting")
	}
}
