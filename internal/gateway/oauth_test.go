package gateway

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// oauthToken turns on OAuth access tokens and issues one to the env's
// user for endpoint, as the authorization server would after consent.
func (e *env) oauthToken(t testing.TB, endpoint string) (string, store.Grant) {
	t.Helper()
	ctx := context.Background()
	if e.gw.cfg.AccessTokens == nil {
		e.gw.cfg.AccessTokens = identity.NewAccessVerifier(e.st, nil, 0)
	}
	ep, err := e.st.GetEndpointByName(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cl := store.OAuthClient{ID: identity.NewID("cl"), Name: "c", RedirectURIs: []string{"http://127.0.0.1/cb"},
		AuthMethod: store.ClientAuthNone, Source: store.ClientSourceDCR, CreatedAt: e.now, LastUsedAt: e.now}
	if err := e.st.CreateOAuthClient(ctx, cl); err != nil {
		t.Fatal(err)
	}
	_, codeHash := identity.NewSecret(identity.AuthCodePrefix)
	if err := e.st.CreateAuthCode(ctx, store.AuthCode{Hash: codeHash, ClientID: cl.ID, UserID: e.user.ID, EndpointID: ep.ID,
		CreatedAt: e.now, ExpiresAt: e.now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	text, hash := identity.NewSecret(identity.AccessTokenPrefix)
	now := time.Now()
	g := store.Grant{ID: identity.NewID("grt"), UserID: e.user.ID, ClientID: cl.ID, EndpointID: ep.ID,
		CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	tok := store.OAuthToken{ID: identity.NewID("oat"), Hash: hash, Kind: store.TokenAccess, GrantID: g.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if _, err := e.st.RedeemAuthCode(ctx, codeHash, e.now, func(store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		return g, []store.OAuthToken{tok}, nil
	}); err != nil {
		t.Fatal(err)
	}
	return text, g
}

// status sends an MCP initialize with token to endpoint.
func (e *env) status(t *testing.T, endpoint, token string) (int, string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"p","version":"1"}}}`
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/mcp/"+endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

func TestOAuthAccessTokens(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "a", []store.Server{s}, "one/echo")
	e.addEndpoint(t, "b", []store.Server{s}, "one/echo")
	token, g := e.oauthToken(t, "a")

	if code, _ := e.status(t, "a", token); code != http.StatusOK {
		t.Fatalf("the token at its endpoint = %d", code)
	}
	code, challenge := e.status(t, "b", token)
	if code != http.StatusUnauthorized || !strings.Contains(challenge, "/.well-known/oauth-protected-resource/mcp/b") {
		t.Errorf("the token at another endpoint = %d %q", code, challenge)
	}
	if code, _ := e.status(t, "a", identity.AccessTokenPrefix+"unknown"); code != http.StatusUnauthorized {
		t.Errorf("an unknown access token = %d", code)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeTokenRejected})
	if len(evs) != 1 || evs[0].Endpoint != "b" || evs[0].ActorID != e.user.ID || evs[0].TokenID != g.ID ||
		!strings.Contains(evs[0].Error, RejectAudience) {
		t.Errorf("rejections audited: %+v; want one, for the audience, against the owner", evs)
	}
	if err := e.st.RevokeGrant(t.Context(), g.ID, time.Now(), "user"); err != nil {
		t.Fatal(err)
	}
	e.gw.cfg.AccessTokens.(*identity.AccessVerifier).Forget()
	if code, _ := e.status(t, "a", token); code != http.StatusUnauthorized {
		t.Errorf("a revoked grant's token = %d", code)
	}
	e.gw.cfg.AccessTokens = nil
	if code, _ := e.status(t, "a", token); code != http.StatusUnauthorized {
		t.Errorf("an access token with OAuth off = %d", code)
	}
}

// BenchmarkToolCallAuth compares tools/call authenticated by an API token
// and by an OAuth access token (sequential, one session each): the
// difference of the p50s is the cost OAuth adds on the hot path.
//
//	go test -run '^$' -bench ToolCallAuth -benchtime 3000x ./internal/gateway/
func BenchmarkToolCallAuth(b *testing.B) {
	e := newEnv(b)
	up := newFakeUpstream(b, "", "")
	s := e.addServer(b, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(b, "bench", []store.Server{s}, "one/echo")
	access, _ := e.oauthToken(b, "bench")
	for _, m := range []struct{ name, token string }{{"api-token", e.token}, {"oauth", access}} {
		b.Run(m.name, func(b *testing.B) {
			runSequential(b, benchSession(b, e.srv.URL+"/mcp/bench", m.token), "one__echo")
		})
	}
}
