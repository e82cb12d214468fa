package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
)

// TestCreateOAuthServerDCR adds an oauth server whose authorization server
// offers dynamic registration: the configuration is stored with the
// client secret sealed, the server waits for a connection, and no secret
// appears in the answer or the audit trail.
func TestCreateOAuthServerDCR(t *testing.T) {
	e := newEnv(t)
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)

	var out api.CreateServerResponse
	r := e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{
		Name: "prot", URL: up.URL, Auth: "oauth", CredentialMode: store.ModePersonal, OAuthScopes: "mcp",
	}, http.StatusCreated, &out)
	if out.Server.Auth != "oauth" || out.Server.SyncError != waitingForOAuth || out.Server.ToolCount != 0 {
		t.Errorf("server = %+v", out.Server)
	}
	if want := "https://sb.example/connections/oauth/start?"; !strings.HasPrefix(out.ConnectURL, want) || !strings.Contains(out.ConnectURL, "server=prot") {
		t.Errorf("connect_url = %q", out.ConnectURL)
	}
	o, err := e.st.GetServerOAuth(t.Context(), out.Server.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Issuer != as.URL || o.TokenEndpoint != as.URL+"/token" || o.Resource != up.URL || o.Scopes != "mcp" || o.ClientID == "" {
		t.Errorf("stored configuration = %+v", o)
	}
	secret, err := e.vault.Unseal(o.ClientSecretSealed, store.SealedServerOAuth, o.ServerID)
	if err != nil || len(secret) == 0 {
		t.Fatalf("client secret does not unseal: %v", err)
	}
	if strings.Contains(string(r.body), string(secret)) {
		t.Error("the client secret is in the API answer")
	}
	for _, ev := range e.auditEvents(t) {
		if strings.Contains(string(ev.Request)+string(ev.Response), string(secret)) {
			t.Errorf("the client secret is in audit event %s", ev.Code)
		}
	}
	if as.Registrations.Load() != 1 {
		t.Errorf("registrations = %d, want 1", as.Registrations.Load())
	}
}

// TestCreateOAuthServerManualClient: without dynamic registration the
// admin is told to register a client (with the redirect URI to use), and
// nothing is stored; with one the server is added.
func TestCreateOAuthServerManualClient(t *testing.T) {
	e := newEnv(t)
	as := oauthtest.NewAS()
	as.NoDCR = true
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)

	before := e.snapshot(t)
	r := e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{Name: "prot", URL: up.URL, Auth: "oauth"},
		http.StatusBadRequest, nil)
	body := apiErrorBody(t, r)
	if body.Field != "oauth_client_id" || !strings.Contains(body.Message, "https://sb.example/oauth/upstream/callback") {
		t.Errorf("error = %+v", body)
	}
	e.unchanged(t, before)

	as.AddClient("by-hand", "hand-secret")
	var out api.CreateServerResponse
	e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{Name: "prot", URL: up.URL, Auth: "oauth",
		OAuthClientID: "by-hand", OAuthClientSecret: "hand-secret"}, http.StatusCreated, &out)
	o, err := e.st.GetServerOAuth(t.Context(), out.Server.ID)
	if err != nil || o.ClientID != "by-hand" {
		t.Fatalf("stored configuration = %+v, %v", o, err)
	}
	if secret, err := e.vault.Unseal(o.ClientSecretSealed, store.SealedServerOAuth, o.ServerID); err != nil || string(secret) != "hand-secret" {
		t.Errorf("client secret = %q, %v", secret, err)
	}
}

// TestPutConnectionOAuthServer: a static secret for an oauth server is
// refused with the URL where the account is connected in the browser, and
// nothing is stored.
func TestPutConnectionOAuthServer(t *testing.T) {
	e := newEnv(t)
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)
	var out api.CreateServerResponse
	e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{
		Name: "prot", URL: up.URL, Auth: "oauth", CredentialMode: store.ModePersonal,
	}, http.StatusCreated, &out)

	before := e.snapshot(t)
	r := e.call(t, http.MethodPut, "/api/v1/me/connections/prot", api.SecretRequest{Secret: "tok"}, http.StatusBadRequest, nil)
	body := apiErrorBody(t, r)
	if body.Field != "secret" || !strings.Contains(body.Message, out.ConnectURL) || !strings.Contains(body.Message, "browser") {
		t.Errorf("error = %+v, want the connect URL %s", body, out.ConnectURL)
	}
	e.unchanged(t, before)
}

// TestCreateOAuthServerValidatesFirst: a request with any bad field is
// refused before discovery, so it never registers a client at the
// authorization server or even probes the upstream.
func TestCreateOAuthServerValidatesFirst(t *testing.T) {
	e := newEnv(t)
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)
	e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{Name: "taken", URL: up.URL, Auth: "oauth"}, http.StatusCreated, nil)
	as.Registrations.Store(0)
	as.Discoveries.Store(0)
	up.Unauthorized.Store(0)

	ok := api.CreateServerRequest{Name: "prot", URL: up.URL, Auth: "oauth", CredentialMode: store.ModePersonal}
	for name, c := range map[string]struct {
		edit   func(*api.CreateServerRequest)
		status int
		field  string
	}{
		"bad name":             {func(r *api.CreateServerRequest) { r.Name = "Bad_Name" }, 400, "name"},
		"taken name":           {func(r *api.CreateServerRequest) { r.Name = "taken" }, 409, "name"},
		"bad transport":        {func(r *api.CreateServerRequest) { r.Transport = "stdio" }, 400, "transport"},
		"bad credential mode":  {func(r *api.CreateServerRequest) { r.CredentialMode = "team" }, 400, "credential_mode"},
		"a static secret":      {func(r *api.CreateServerRequest) { r.Secret = "x" }, 400, "secret"},
		"a header name":        {func(r *api.CreateServerRequest) { r.AuthHeader = "X-Key" }, 400, "auth_header"},
		"secret without id":    {func(r *api.CreateServerRequest) { r.OAuthClientSecret = "s" }, 400, "oauth_client_id"},
		"client id with space": {func(r *api.CreateServerRequest) { r.OAuthClientID = "a b" }, 400, "oauth_client_id"},
		"bad scopes":           {func(r *api.CreateServerRequest) { r.OAuthScopes = `read "write` }, 400, "oauth_scopes"},
		"plain http off loopback": {func(r *api.CreateServerRequest) {
			r.URL = strings.Replace(up.URL, "127.0.0.1", "mcp.example.com", 1)
		}, 400, "url"},
	} {
		req := ok
		c.edit(&req)
		r := e.call(t, http.MethodPost, "/api/v1/servers", req, c.status, nil)
		if body := apiErrorBody(t, r); body.Field != c.field {
			t.Errorf("%s: field = %q, want %q (%s)", name, body.Field, c.field, body.Message)
		}
	}
	if n, d, u := as.Registrations.Load(), as.Discoveries.Load(), up.Unauthorized.Load(); n+d+u != 0 {
		t.Errorf("bad requests reached the upstream: %d registrations, %d metadata fetches, %d probes", n, d, u)
	}
	e.call(t, http.MethodPost, "/api/v1/servers", ok, http.StatusCreated, nil)
	if n := as.Registrations.Load(); n != 1 {
		t.Errorf("registrations after the good request = %d, want 1", n)
	}
}
