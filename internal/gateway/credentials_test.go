package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// whoUpstream is an MCP server behind a middleware that maps the request's
// credential to a person and refuses anything else with 401; its tool
// "whoami" returns the person the credential belongs to.
func whoUpstream(t *testing.T, identify func(http.Header) string) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "who", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "whoami", Description: "Say whose credential this is"},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: identify(req.Extra.Header)}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if identify(r.Header) == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// personal adds a personal-mode server, stores each user's secret and
// syncs the catalog with the first user's credential.
func (e *env) personal(t *testing.T, name, url, auth, header string, secrets map[string]string, first string) store.Server {
	t.Helper()
	ctx := t.Context()
	s := store.Server{ID: identity.NewID("srv"), Name: name, URL: url, Transport: store.TransportStreamableHTTP,
		AuthMethod: auth, AuthHeader: header, CredentialMode: store.ModePersonal, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.st.CreateServer(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	for userID, secret := range secrets {
		e.putSecret(t, s.ID, userID, secret)
	}
	if _, err := e.pool.SyncAs(ctx, s, first, e.now); err != nil {
		t.Fatalf("sync %s: %v", name, err)
	}
	return s
}

func (e *env) putSecret(t *testing.T, serverID, userID, secret string) {
	t.Helper()
	c := store.Credential{ID: identity.NewID("cr"), ServerID: serverID, UserID: userID, Kind: store.CredentialStatic,
		Status: store.CredentialConnected, CreatedAt: e.now, UpdatedAt: e.now}
	var err error
	if c.Ciphertext, err = e.vault.Seal([]byte(secret), "credential", c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.PutCredential(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

// addUser creates an admin (who needs no endpoint grant) with an API token.
func (e *env) addUser(t *testing.T, email string) (store.User, string) {
	t.Helper()
	u := store.User{ID: identity.NewID("usr"), Email: email, Role: store.RoleAdmin, CreatedAt: e.now, UpdatedAt: e.now}
	text, hash := identity.NewToken()
	if err := e.st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	tok := store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: e.now}
	if err := e.st.CreateAPIToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	return u, text
}

func callText(t *testing.T, cs *mcp.ClientSession, tool string) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}})
	if err != nil {
		t.Fatalf("call %s: JSON-RPC error %v, want a result", tool, err)
	}
	if len(res.Content) == 0 {
		t.Fatalf("call %s: empty result", tool)
	}
	return res.Content[0].(*mcp.TextContent).Text, res.IsError
}

// TestPersonalStaticSecrets: two users with their own bearer, basic and
// multi-header secrets; the upstream sees each caller's own identity.
func TestPersonalStaticSecrets(t *testing.T) {
	e := newEnv(t)
	bob, bobToken := e.addUser(t, "bob@example.com")
	byToken := map[string]string{"tok-alice": "alice", "tok-bob": "bob"}
	bearerURL := whoUpstream(t, func(h http.Header) string {
		return byToken[strings.TrimPrefix(h.Get("Authorization"), "Bearer ")]
	})
	basicURL := whoUpstream(t, func(h http.Header) string {
		user, pass, ok := (&http.Request{Header: h}).BasicAuth()
		if !ok || pass != "pw-"+user {
			return ""
		}
		return user
	})
	headersURL := whoUpstream(t, func(h http.Header) string {
		if h.Get("X-Tenant") != "acme" || h.Get("X-Api-Key") != "key-"+h.Get("X-User") {
			return ""
		}
		return h.Get("X-User")
	})
	a, b := e.user.ID, bob.ID
	servers := []store.Server{
		e.personal(t, "bearer", bearerURL, store.AuthBearer, "", map[string]string{a: "tok-alice", b: "tok-bob"}, a),
		e.personal(t, "basic", basicURL, store.AuthBasic, "", map[string]string{a: "alice:pw-alice", b: "bob:pw-bob"}, a),
		e.personal(t, "headers", headersURL, store.AuthHeader, "", map[string]string{
			a: "X-Tenant: acme\nX-User: alice\nX-Api-Key: key-alice",
			b: "X-Tenant: acme\r\nX-User: bob\r\nX-Api-Key: key-bob\r\n",
		}, b),
	}
	e.addEndpoint(t, "dev", servers, "bearer/whoami", "basic/whoami", "headers/whoami")

	for who, token := range map[string]string{"alice": e.token, "bob": bobToken} {
		cs, err := e.connectAs(token, "dev")
		if err != nil {
			t.Fatal(err)
		}
		defer cs.Close()
		for _, s := range []string{"bearer", "basic", "headers"} {
			// Twice: the second call reuses the pooled (server, user) session.
			for range 2 {
				if got, isErr := callText(t, cs, s+"__whoami"); got != who || isErr {
					t.Errorf("%s via %s: upstream saw %q (isError %v), want %q", who, s, got, isErr, who)
				}
			}
		}
	}
}

// TestCredentialMissing: a caller without a personal credential gets a
// tool error naming the server and the connect URL, audited as
// credential_missing; a revoked credential stops the pooled session at
// once; a credential marked needs_reconnect asks to reconnect.
func TestCredentialMissing(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	bob, bobToken := e.addUser(t, "bob@example.com")
	_, carolToken := e.addUser(t, "carol@example.com")
	byToken := map[string]string{"tok-alice": "alice", "tok-bob": "bob"}
	url := whoUpstream(t, func(h http.Header) string {
		return byToken[strings.TrimPrefix(h.Get("Authorization"), "Bearer ")]
	})
	s := e.personal(t, "gh", url, store.AuthBearer, "", map[string]string{e.user.ID: "tok-alice", bob.ID: "tok-bob"}, e.user.ID)
	e.addEndpoint(t, "dev", []store.Server{s}, "gh/whoami")
	connectURL := e.srv.URL + "/connections?server=gh"

	carol, err := e.connectAs(carolToken, "dev")
	if err != nil {
		t.Fatal(err)
	}
	defer carol.Close()
	text, isErr := callText(t, carol, "gh__whoami")
	if !isErr || !strings.Contains(text, `"gh"`) || !strings.Contains(text, connectURL) {
		t.Errorf("caller without a credential got %q (isError %v), want a tool error naming gh and %s", text, isErr, connectURL)
	}
	evs, err := e.st.ListAudit(ctx, store.AuditFilter{Code: audit.CodeToolCall, Outcome: audit.OutcomeCredentialMissing})
	if err != nil || len(evs) != 1 || evs[0].Server != "gh" || evs[0].Tool != "whoami" {
		t.Fatalf("credential_missing audit events = %+v, %v; want one for gh/whoami", evs, err)
	}

	bobCS, err := e.connectAs(bobToken, "dev")
	if err != nil {
		t.Fatal(err)
	}
	defer bobCS.Close()
	if got, _ := callText(t, bobCS, "gh__whoami"); got != "bob" {
		t.Fatalf("bob before revoke: %q", got)
	}
	// An admin revokes bob's credential: the store row goes and the pooled
	// session of (gh, bob) is dropped, so the very next call is refused.
	if err := e.st.DeleteCredential(ctx, s.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	e.pool.ForgetCredential(s.ID, bob.ID)
	if text, isErr := callText(t, bobCS, "gh__whoami"); !isErr || !strings.Contains(text, connectURL) {
		t.Errorf("bob after revoke got %q (isError %v), want credential_missing", text, isErr)
	}

	// Alice's credential is marked needs_reconnect.
	alice := e.connect(t, "dev")
	if got, _ := callText(t, alice, "gh__whoami"); got != "alice" {
		t.Fatalf("alice: %q", got)
	}
	if _, err := e.st.UpdateCredential(ctx, s.ID, e.user.ID, func(c store.Credential) (store.Credential, error) {
		c.Status = store.CredentialNeedsReconnect
		return c, nil
	}); err != nil {
		t.Fatal(err)
	}
	e.pool.ForgetCredential(s.ID, e.user.ID)
	if text, isErr := callText(t, alice, "gh__whoami"); !isErr || !strings.Contains(text, "Reconnect at "+connectURL) {
		t.Errorf("alice needing reconnect got %q (isError %v)", text, isErr)
	}
	evs, _ = e.st.ListAudit(ctx, store.AuditFilter{Code: audit.CodeToolCall, Outcome: audit.OutcomeCredentialMissing})
	if len(evs) != 3 {
		t.Errorf("%d credential_missing events, want 3", len(evs))
	}
}
