package oauth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

// env is the authorization server over a real SQLite store and audit
// writer, served by httptest, with user u, server s and endpoint dev.
type env struct {
	st   store.Store
	srv  *Server
	http *httptest.Server
	user store.User
	ep   store.Endpoint
	now  time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/oauth.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w, err := audit.NewWriter(ctx, audit.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	e := &env{st: st, now: time.Now().UTC()}
	e.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.srv.ServeHTTP(w, r) }))
	t.Cleanup(e.http.Close)
	e.srv, err = New(Config{Store: st, Audit: w, Issuer: e.http.URL, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	e.user = store.User{ID: identity.NewID("usr"), Email: "a@example.com", Role: store.RoleMember, CreatedAt: e.now, UpdatedAt: e.now}
	srv := store.Server{ID: identity.NewID("srv"), Name: "gh", URL: "https://gh.example/mcp", Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthNone, CredentialMode: store.ModePersonal, CreatedAt: e.now, UpdatedAt: e.now}
	e.ep = store.Endpoint{ID: identity.NewID("ep"), Name: "dev", ServerIDs: []string{srv.ID}, CreatedAt: e.now, UpdatedAt: e.now}
	grant := store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: e.ep.ID, PrincipalType: store.GrantUser, PrincipalID: e.user.ID, CreatedAt: e.now}
	for _, err := range []error{st.CreateUser(ctx, e.user), st.CreateServer(ctx, srv, nil), st.CreateEndpoint(ctx, e.ep), st.AddEndpointGrant(ctx, grant)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// do sends a request and returns the status, headers and body.
func (e *env) do(t *testing.T, method, path, contentType, body string, h http.Header) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, e.http.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// registerJSON registers a client and returns the decoded answer.
func (e *env) registerJSON(t *testing.T, body string) (int, map[string]any) {
	t.Helper()
	status, _, out := e.do(t, http.MethodPost, "/oauth/register", "application/json", body, nil)
	var m map[string]any
	_ = json.Unmarshal([]byte(out), &m)
	return status, m
}

// code approves an authorization request of clientID as e.user and
// returns the code.
func (e *env) code(t *testing.T, clientID, redirect, challenge string) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "resource": {e.srv.ResourceURL("dev")}}
	req, aerr := e.srv.ParseAuthorize(t.Context(), q)
	if aerr != nil {
		t.Fatal(aerr)
	}
	r := httptest.NewRequest(http.MethodPost, "/consent", nil)
	to, err := e.srv.Approve(t.Context(), r, e.user, req, "30")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	return u.Query().Get("code")
}

// form posts a form to path.
func (e *env) form(t *testing.T, path string, v url.Values, h http.Header) (int, http.Header, map[string]any) {
	t.Helper()
	status, hdr, body := e.do(t, http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), h)
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	return status, hdr, m
}
