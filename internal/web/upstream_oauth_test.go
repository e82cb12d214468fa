package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// withUpstream gives e a real pool and an oauth server of mode whose
// authorization server runs in the test.
func withUpstream(t *testing.T, e *env, mode string) (*upstream.Pool, store.Server) {
	t.Helper()
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)
	key := make([]byte, 32)
	rand.Read(key)
	v, err := vault.Open(t.Context(), key, e.st)
	if err != nil {
		t.Fatal(err)
	}
	p := upstream.NewPool(upstream.Config{Store: e.st, Vault: v, OAuthRedirectURI: "https://sb.example" + UpstreamCallbackPath})
	t.Cleanup(p.Close)
	now := time.Now()
	s := store.Server{ID: "srv_p", Name: "prot", URL: up.URL, Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthOAuth, CredentialMode: mode, CreatedAt: now, UpdatedAt: now}
	if err := e.st.CreateServer(t.Context(), s, nil); err != nil {
		t.Fatal(err)
	}
	o, err := p.SetupOAuth(t.Context(), s, upstream.OAuthSetup{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.PutServerOAuth(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	e.h.cfg.Upstream = p
	return p, s
}

// atAS opens the authorization URL like a browser and returns the
// callback path and query Switchboard is sent back to.
func atAS(t *testing.T, authURL string) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != UpstreamCallbackPath {
		t.Fatalf("the authorization server sent the browser to %q", resp.Header.Get("Location"))
	}
	return loc.RequestURI()
}

// TestUpstreamOAuthConnect connects a member's own account and returns
// to where they started; the state cannot be used again.
func TestUpstreamOAuthConnect(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	_, s := withUpstream(t, e, store.ModePersonal)
	start := "/connections/oauth/start?server=prot&return_to=%2Fconsent%3Fx%3D1"

	w := e.serve("GET", start, nil)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?return_to=") {
		t.Fatalf("without a session: %d %q", w.Code, w.Header().Get("Location"))
	}
	se := e.login(t)
	w = e.serve("GET", start, nil, se)
	authURL := w.Header().Get("Location")
	q, _ := url.Parse(authURL)
	if w.Code != http.StatusSeeOther || q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("resource") == "" {
		t.Fatalf("start: %d %q", w.Code, authURL)
	}
	callback := atAS(t, authURL)

	if w := e.serve("GET", callback, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("callback without a session: %d", w.Code)
	}
	w = e.serve("GET", callback, nil, se)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/consent?x=1" {
		t.Fatalf("callback: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
	}
	c, err := e.st.GetCredential(t.Context(), s.ID, e.user.ID)
	if err != nil || c.Kind != store.CredentialOAuth || c.Status != store.CredentialConnected {
		t.Fatalf("credential = %+v, %v", c, err)
	}
	if w := e.serve("GET", callback, nil, se); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "start again") {
		t.Errorf("replayed callback: %d", w.Code)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeUpstreamConnected})
	if len(evs) != 1 || evs[0].ActorID != e.user.ID {
		t.Errorf("connected events = %+v", evs)
	}
}

// TestUpstreamOAuthRefusals: shared accounts are for admins, return
// addresses stay on this site, and an AS error is shown, not followed.
func TestUpstreamOAuthRefusals(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	withUpstream(t, e, store.ModeShared)
	se := e.login(t)
	if w := e.serve("GET", "/connections/oauth/start?server=prot", nil, se); w.Code != http.StatusForbidden {
		t.Errorf("a member connecting a shared account: %d", w.Code)
	}
	if w := e.serve("GET", "/connections/oauth/start?server=prot&return_to=https%3A%2F%2Fevil.example", nil, se); w.Code != http.StatusBadRequest {
		t.Errorf("foreign return_to: %d", w.Code)
	}
	if w := e.serve("GET", "/connections/oauth/start?server=nope", nil, se); w.Code != http.StatusNotFound {
		t.Errorf("unknown server: %d", w.Code)
	}
	if w := e.serve("GET", UpstreamCallbackPath+"?error=access_denied&state=x", nil, se); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "access_denied") {
		t.Errorf("AS error: %d", w.Code)
	}
	if w := e.serve("GET", UpstreamCallbackPath+"?code=c&state=forged", nil, se); w.Code != http.StatusBadRequest {
		t.Errorf("forged state: %d", w.Code)
	}
}

// TestUpstreamOAuthFailureNamesServer: a callback whose code exchange
// fails is audited with the server's name, so the trail can be searched
// by server.
func TestUpstreamOAuthFailureNamesServer(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	_, s := withUpstream(t, e, store.ModePersonal)
	se := e.login(t)
	w := e.serve("GET", "/connections/oauth/start?server=prot", nil, se)
	cb, err := url.Parse(atAS(t, w.Header().Get("Location")))
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	q.Set("code", "not-the-code")
	cb.RawQuery = q.Encode()
	if w := e.serve("GET", cb.RequestURI(), nil, se); w.Code != http.StatusBadGateway {
		t.Fatalf("callback with a bad code: %d", w.Code)
	}
	evs, err := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeUpstreamConnectFailed, Server: s.Name})
	if err != nil || len(evs) != 1 {
		t.Fatalf("connect_failed events for %s = %+v, %v", s.Name, evs, err)
	}
	if ev := evs[0]; ev.ActorID != e.user.ID || !strings.Contains(string(ev.Request), `"server":"prot"`) ||
		!strings.Contains(string(ev.Request), s.ID) {
		t.Errorf("event = %+v, request %s", ev, ev.Request)
	}
}
