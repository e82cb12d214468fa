package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// whoUpstream is an MCP server behind a middleware that accepts only the
// bearer tokens in people and refuses the rest with 401; its tool whoami
// returns whose token it got.
func whoUpstream(t *testing.T, people map[string]string) string {
	t.Helper()
	who := func(h http.Header) string { return people[strings.TrimPrefix(h.Get("Authorization"), "Bearer ")] }
	s := mcp.NewServer(&mcp.Implementation{Name: "who", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "whoami", Description: "Say whose token this is"},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: who(req.Extra.Header)}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if who(r.Header) == "" {
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

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// capturingEnv is an env whose API and pool log everything, down to
// debug, into the returned buffer.
func capturingEnv(t *testing.T) (*env, *lockedBuffer) {
	e := newEnv(t)
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.pool = upstream.NewPool(upstream.Config{Store: e.st, Vault: e.vault, Logger: logger})
	t.Cleanup(e.pool.Close)
	a, err := New(Config{Store: e.st, Vault: e.vault, Pool: e.pool, Audit: e.audit,
		Verifier: identity.NewVerifier(e.st, nil, e.clock.Now, 0), Now: e.clock.Now,
		PublicURL: "https://sb.example", Logger: logger,
		OnChange: func(context.Context) error { e.reloads.Add(1); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	return e, logs
}

// whoami calls the upstream tool as userID through the pool, as the
// gateway does for a personal server.
func whoami(t *testing.T, e *env, server, userID string) (string, error) {
	t.Helper()
	s, err := e.st.GetServerByName(t.Context(), server)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.pool.CallTool(t.Context(), s, userID, "whoami", nil)
	if err != nil {
		return "", err
	}
	return res.Content[0].(*mcp.TextContent).Text, nil
}

// TestConnectionsLifecycle walks personal credentials through the API: an
// admin adds a personal server with their own secret, a member connects,
// the upstream sees each one's identity, the admin sees statuses and
// revokes, the member removes their own; shared secrets are replaced. No
// secret appears in a response, a log line or an audit record.
func TestConnectionsLifecycle(t *testing.T) {
	e, logs := capturingEnv(t)
	secrets := []string{"tok-root-9f2", "tok-bob-7c1", "tok-bob-new-3d8", "tok-shared-5a0", "tok-shared-new-1e4"}
	url := whoUpstream(t, map[string]string{secrets[0]: "root", secrets[1]: "bob", secrets[2]: "bob2",
		secrets[3]: "shared", secrets[4]: "shared2"})
	bob, bobToken := e.newUser(t, "bob@example.com", store.RoleMember, false)
	var bodies []string
	as := func(token, method, path string, body any, want int, out any) {
		t.Helper()
		r := e.do(t, token, method, path, body)
		bodies = append(bodies, string(r.body))
		if r.status != want {
			t.Fatalf("%s %s = %s, want %d", method, path, r, want)
		}
		if out != nil {
			decodeInto(t, r, out)
		}
	}

	var created api.CreateServerResponse
	as(e.token, "POST", "/api/v1/servers", api.CreateServerRequest{Name: "gh", URL: url, Auth: store.AuthBearer,
		CredentialMode: store.ModePersonal, Secret: secrets[0]}, 201, &created)
	if created.Sync == nil || created.Server.ToolCount != 1 || created.Server.SecretConfigured {
		t.Errorf("personal server with the admin's secret: %+v", created)
	}
	var conns api.List[api.Connection]
	as(bobToken, "GET", "/api/v1/me/connections", nil, 200, &conns)
	want := api.Connection{Server: "gh", Auth: "bearer", Status: api.ConnectionNotConnected,
		ConnectURL: "https://sb.example/connections?server=gh"}
	if len(conns.Items) != 1 || conns.Items[0] != want {
		t.Errorf("bob's connections = %+v, want [%+v]", conns.Items, want)
	}
	if _, err := whoami(t, e, "gh", bob.ID); !errors.Is(err, upstream.ErrNoCredential) {
		t.Errorf("bob before connecting: %v, want ErrNoCredential", err)
	}
	var conn api.Connection
	as(bobToken, "PUT", "/api/v1/me/connections/gh", api.SecretRequest{Secret: secrets[1]}, 200, &conn)
	if conn.Status != api.ConnectionConnected {
		t.Errorf("after connecting: %+v", conn)
	}
	for user, id := range map[string]string{"root": e.admin.ID, "bob": bob.ID} {
		if got, err := whoami(t, e, "gh", id); got != user || err != nil {
			t.Errorf("%s's call: upstream saw %q, %v", user, got, err)
		}
	}
	// Replacing the secret drops the pooled session at once.
	as(bobToken, "PUT", "/api/v1/me/connections/gh", api.SecretRequest{Secret: secrets[2]}, 200, nil)
	if got, _ := whoami(t, e, "gh", bob.ID); got != "bob2" {
		t.Errorf("after replacing: upstream saw %q, want bob2", got)
	}

	var creds api.List[api.CredentialStatus]
	as(e.token, "GET", "/api/v1/servers/gh/credentials", nil, 200, &creds)
	if len(creds.Items) != 2 {
		t.Fatalf("credentials = %+v", creds.Items)
	}
	for _, c := range creds.Items {
		if c.Shared || c.Status != store.CredentialConnected || c.Kind != store.CredentialStatic ||
			(c.User != "root@example.com" && c.User != "bob@example.com") {
			t.Errorf("credential status %+v", c)
		}
	}
	as(bobToken, "GET", "/api/v1/servers/gh/credentials", nil, 403, nil)

	// The admin revokes bob's: his next call has no credential.
	as(e.token, "DELETE", "/api/v1/servers/gh/credentials/bob@example.com", nil, 204, nil)
	if _, err := whoami(t, e, "gh", bob.ID); !errors.Is(err, upstream.ErrNoCredential) {
		t.Errorf("bob after revoke: %v, want ErrNoCredential", err)
	}
	// Bob connects again and removes it himself.
	as(bobToken, "PUT", "/api/v1/me/connections/gh", api.SecretRequest{Secret: secrets[1]}, 200, nil)
	as(bobToken, "DELETE", "/api/v1/me/connections/gh", nil, 204, nil)
	as(bobToken, "DELETE", "/api/v1/me/connections/gh", nil, 404, nil)
	as(bobToken, "GET", "/api/v1/me/connections", nil, 200, &conns)
	if conns.Items[0].Status != api.ConnectionNotConnected {
		t.Errorf("after removing: %+v", conns.Items)
	}
	if _, err := whoami(t, e, "gh", bob.ID); !errors.Is(err, upstream.ErrNoCredential) {
		t.Errorf("bob after removing: %v, want ErrNoCredential", err)
	}
	if got, _ := whoami(t, e, "gh", e.admin.ID); got != "root" {
		t.Errorf("root's credential was touched: %q", got)
	}

	// Shared secrets are replaced by an admin.
	as(e.token, "POST", "/api/v1/servers", api.CreateServerRequest{Name: "shared", URL: url, Auth: store.AuthBearer,
		Secret: secrets[3]}, 201, nil)
	if got, _ := whoami(t, e, "shared", ""); got != "shared" {
		t.Fatalf("shared: %q", got)
	}
	var status api.CredentialStatus
	as(e.token, "PUT", "/api/v1/servers/shared/credential", api.SecretRequest{Secret: secrets[4]}, 200, &status)
	if !status.Shared || status.Status != store.CredentialConnected {
		t.Errorf("replaced shared credential: %+v", status)
	}
	if got, _ := whoami(t, e, "shared", ""); got != "shared2" {
		t.Errorf("after replacing the shared secret: %q", got)
	}

	codes := map[string]int{}
	var trail strings.Builder
	for _, ev := range e.auditEvents(t) {
		codes[ev.Code]++
		trail.WriteString(ev.Error + string(ev.Request) + string(ev.Response) + "\n")
	}
	for code, n := range map[string]int{audit.CodeCredentialSaved: 3, audit.CodeCredentialRevoked: 1,
		audit.CodeCredentialRemoved: 1, audit.CodeCredentialReplaced: 1} {
		if codes[code] != n {
			t.Errorf("%d %s events, want %d", codes[code], code, n)
		}
	}
	if logs.String() == "" {
		t.Error("nothing was logged; the log scan would prove nothing")
	}
	for _, secret := range secrets {
		for what, text := range map[string]string{"API responses": strings.Join(bodies, "\n"),
			"logs": logs.String(), "audit trail": trail.String()} {
			if strings.Contains(text, secret) {
				t.Errorf("secret %q appears in the %s", secret, what)
			}
		}
	}
}

// TestPersonalServerWaitsForCredential: a personal server added without a
// secret is kept with a sync error, and the first connection syncs it.
func TestPersonalServerWaitsForCredential(t *testing.T) {
	e := newEnv(t)
	url := whoUpstream(t, map[string]string{"tok-bob": "bob"})
	_, bobToken := e.newUser(t, "bob@example.com", store.RoleMember, false)
	var created api.CreateServerResponse
	e.call(t, "POST", "/api/v1/servers", api.CreateServerRequest{Name: "gh", URL: url, Auth: store.AuthBearer,
		CredentialMode: store.ModePersonal}, 201, &created)
	if created.Server.SyncError != waitingForCredential || created.Server.ToolCount != 0 {
		t.Errorf("server without a credential: %+v", created.Server)
	}
	r := e.call(t, "POST", "/api/v1/servers/gh/sync", nil, 409, nil)
	if !strings.Contains(apiErrorBody(t, r).Message, "switchboard connect gh") {
		t.Errorf("sync without any credential: %s", r)
	}
	if r := e.do(t, bobToken, "PUT", "/api/v1/me/connections/gh", api.SecretRequest{Secret: "tok-bob"}); r.status != 200 {
		t.Fatalf("connect: %s", r)
	}
	var s api.Server
	e.call(t, "GET", "/api/v1/servers/gh", nil, 200, &s)
	if s.ToolCount != 1 || s.SyncError != "" {
		t.Errorf("after the first connection: tool_count %d, sync_error %q", s.ToolCount, s.SyncError)
	}
	// The admin has no credential of their own: sync uses bob's.
	e.call(t, "POST", "/api/v1/servers/gh/sync", nil, 200, nil)

	// A first connection whose secret the upstream refuses: saved, and the
	// answer says why the catalog could not be read.
	e.call(t, "POST", "/api/v1/servers", api.CreateServerRequest{Name: "gl", URL: url, Auth: store.AuthBearer,
		CredentialMode: store.ModePersonal}, 201, nil)
	r = e.do(t, bobToken, "PUT", "/api/v1/me/connections/gl", api.SecretRequest{Secret: "tok-wrong"})
	var conn api.Connection
	decodeInto(t, r, &conn)
	if r.status != 200 || conn.Status != store.CredentialConnected || conn.SyncError == "" || strings.Contains(string(r.body), "tok-wrong") {
		t.Errorf("first connection with a refused secret: %s", r)
	}
}

func decodeInto(t *testing.T, r response, out any) {
	t.Helper()
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// credentialCases are the bad inputs of the credential and connection
// routes. They add personal servers pers (bearer), multi (several
// headers) and basic to the fixture.
func credentialCases(t *testing.T, f *fixture) []badCase {
	for _, s := range []api.CreateServerRequest{
		{Name: "pers", Auth: store.AuthBearer},
		{Name: "multi", Auth: store.AuthHeader},
		{Name: "basic", Auth: store.AuthBasic},
	} {
		s.URL, s.CredentialMode = f.up.url, store.ModePersonal
		f.call(t, "POST", "/api/v1/servers", s, 201, nil)
	}
	const put = "PUT /api/v1/me/connections/{server}"
	const del = "DELETE /api/v1/me/connections/{server}"
	const list = "GET /api/v1/servers/{name}/credentials"
	const revoke = "DELETE /api/v1/servers/{name}/credentials/{email}"
	const shared = "PUT /api/v1/servers/{name}/credential"
	var cases []badCase
	for _, c := range jsonCases(put) {
		c.path = "/api/v1/me/connections/pers"
		cases = append(cases, c)
	}
	for _, c := range jsonCases(shared) {
		c.path = "/api/v1/servers/alpha/credential"
		cases = append(cases, c)
	}
	secret := func(s string) map[string]string { return map[string]string{"secret": s} }
	return append(cases,
		badCase{name: "unknown server", route: put, path: "/api/v1/me/connections/nope", body: secret("x"), status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "shared server", route: put, path: "/api/v1/me/connections/alpha", body: secret("x"), status: 400, code: api.CodeInvalidField, field: "server", msg: "shared"},
		badCase{name: "secret missing", route: put, path: "/api/v1/me/connections/pers", body: `{}`, status: 400, code: api.CodeInvalidField, field: "secret", msg: "required"},
		badCase{name: "secret wrong type", route: put, path: "/api/v1/me/connections/pers", body: `{"secret":7}`, status: 400, code: api.CodeInvalidField, field: "secret"},
		badCase{name: "bearer with line break", route: put, path: "/api/v1/me/connections/pers", body: secret("a\nX-Evil: 1"), status: 400, code: api.CodeInvalidField, field: "secret", msg: "line breaks"},
		badCase{name: "secret too long", route: put, path: "/api/v1/me/connections/pers", body: secret(strings.Repeat("s", 8193)), status: 400, code: api.CodeInvalidField, field: "secret", msg: "8192"},
		badCase{name: "header line without colon", route: put, path: "/api/v1/me/connections/multi", body: secret("X-Key: a\nnocolon"), status: 400, code: api.CodeInvalidField, field: "secret", msg: "line 2"},
		badCase{name: "header name not a token", route: put, path: "/api/v1/me/connections/multi", body: secret("X Key: a"), status: 400, code: api.CodeInvalidField, field: "secret", msg: "line 1"},
		badCase{name: "no header lines", route: put, path: "/api/v1/me/connections/multi", body: secret("\n\n"), status: 400, code: api.CodeInvalidField, field: "secret"},
		badCase{name: "basic without colon", route: put, path: "/api/v1/me/connections/basic", body: secret("alice"), status: 400, code: api.CodeInvalidField, field: "secret", msg: "user:password"},
		badCase{name: "unknown server", route: del, path: "/api/v1/me/connections/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "not connected", route: del, path: "/api/v1/me/connections/pers", status: 404, code: api.CodeNotFound, msg: `"pers"`},
		badCase{name: "unknown server", route: list, path: "/api/v1/servers/nope/credentials", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown server", route: revoke, path: "/api/v1/servers/nope/credentials/root@example.com", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown user", route: revoke, path: "/api/v1/servers/pers/credentials/nobody@example.com", status: 404, code: api.CodeNotFound, msg: "nobody@example.com"},
		badCase{name: "no credential", route: revoke, path: "/api/v1/servers/pers/credentials/other@example.com", status: 404, code: api.CodeNotFound, msg: "no credential"},
		badCase{name: "unknown server", route: shared, path: "/api/v1/servers/nope/credential", body: secret("x"), status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "personal server", route: shared, path: "/api/v1/servers/pers/credential", body: secret("x"), status: 400, code: api.CodeInvalidField, field: "credential_mode", msg: "personal"},
		badCase{name: "auth none", route: shared, path: "/api/v1/servers/alpha/credential", body: secret("x"), status: 400, code: api.CodeInvalidField, field: "secret", msg: "auth none"},
	)
}
