package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// connAPI answers the connection and credential routes and records what
// it was sent.
type connAPI struct {
	mu   sync.Mutex
	reqs []request
}

func newConnHarness(t *testing.T) (*harness, *connAPI) {
	h := newHarness(t)
	c := &connAPI{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/me/connections", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.Connection]{Items: []api.Connection{
			{Server: "github", Auth: "bearer", Status: "connected", ConnectURL: "https://sb/connections?server=github"},
			{Server: "jira", Auth: "basic", Status: "not_connected", ConnectURL: "https://sb/connections?server=jira"},
		}})
	})
	mux.HandleFunc("PUT /api/v1/me/connections/{server}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.Connection{Server: r.PathValue("server"), Status: "connected"})
	})
	mux.HandleFunc("DELETE /api/v1/me/connections/{server}", noContent)
	mux.HandleFunc("GET /api/v1/servers/{name}/credentials", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.CredentialStatus]{Items: []api.CredentialStatus{
			{Shared: false, User: "bob@example.com", Kind: "static", Status: "needs_reconnect", LastError: "401 from upstream", UpdatedAt: testNow},
		}})
	})
	mux.HandleFunc("DELETE /api/v1/servers/{name}/credentials/{email}", noContent)
	mux.HandleFunc("PUT /api/v1/servers/{name}/credential", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.CredentialStatus{Shared: true, Kind: "static", Status: "connected"})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, request{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body})
		c.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.env["SWITCHBOARD_URL"] = srv.URL
	return h, c
}

func (c *connAPI) only(t *testing.T) request {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(c.reqs), c.reqs)
	}
	return c.reqs[0]
}

func secretOf(t *testing.T, req request) string {
	t.Helper()
	var body api.SecretRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body.Secret
}

func TestConnectReadsSecretFromStdin(t *testing.T) {
	h, c := newConnHarness(t)
	// Several headers arrive as lines; only the final newline is dropped.
	r := h.run(t, "X-Tenant: acme\nX-API-Key: k-123\n", "connect", "crm", "--secret-stdin")
	if r.code != 0 || !strings.Contains(r.out, "Connected to crm (connected)") {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	req := c.only(t)
	if req.Method != "PUT" || req.Path != "/api/v1/me/connections/crm" || req.Auth != "Bearer "+testToken {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	if got := secretOf(t, req); got != "X-Tenant: acme\nX-API-Key: k-123" {
		t.Errorf("secret sent = %q", got)
	}
	if strings.Contains(r.out+r.err, "k-123") {
		t.Error("the secret is echoed")
	}
}

func TestConnectRefusesArgvAndNeedsASource(t *testing.T) {
	for name, args := range map[string][]string{
		"secret flag": {"connect", "github", "--secret", "hunter2"},
		"token flag":  {"connect", "github", "--token=hunter2"},
		"no source":   {"connect", "github"},
		"set-secret":  {"server", "set-secret", "github", "--secret", "hunter2"},
	} {
		t.Run(name, func(t *testing.T) {
			h, c := newConnHarness(t)
			r := h.run(t, "", args...)
			if r.code != ExitUsage || !strings.Contains(r.err, "--secret-stdin") || strings.Contains(r.err, "hunter2") {
				t.Errorf("exit %d, stderr %q", r.code, r.err)
			}
			for _, req := range c.reqs {
				if req.Method != "GET" { // connect may look up whether the server uses OAuth
					t.Errorf("a %s %s was sent", req.Method, req.Path)
				}
			}
		})
	}
}

func TestConnectionsListAndRemove(t *testing.T) {
	h, c := newConnHarness(t)
	r := h.run(t, "", "connections", "list")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"github", "connected", "jira", "not_connected", "https://sb/connections?server=jira"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("list lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, "server=github") {
		t.Errorf("a connected server shows a connect link:\n%s", r.out)
	}
	r = h.run(t, "", "connections", "list", "--json")
	var list api.List[api.Connection]
	if err := json.Unmarshal([]byte(r.out), &list); err != nil || len(list.Items) != 2 {
		t.Errorf("--json: %v %s", err, r.out)
	}
	c.reqs = nil
	r = h.run(t, "", "connections", "remove", "github")
	if req := c.only(t); r.code != 0 || req.Method != "DELETE" || req.Path != "/api/v1/me/connections/github" {
		t.Errorf("remove: exit %d, request %s %s", r.code, req.Method, req.Path)
	}
}

func TestServerCredentialsAndRevoke(t *testing.T) {
	h, c := newConnHarness(t)
	r := h.run(t, "", "server", "credentials", "github")
	for _, want := range []string{"bob@example.com", "needs_reconnect", "401 from upstream"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("credentials lack %q:\n%s", want, r.out)
		}
	}
	c.reqs = nil
	r = h.run(t, "", "server", "credentials", "revoke", "github", "--user", "bob@example.com")
	if req := c.only(t); r.code != 0 || req.Method != "DELETE" || req.Path != "/api/v1/servers/github/credentials/bob@example.com" {
		t.Errorf("revoke: exit %d, err %q, request %s %s", r.code, r.err, req.Method, req.Path)
	}
	c.reqs = nil
	if r := h.run(t, "", "server", "credentials", "revoke", "github"); r.code != ExitUsage || !strings.Contains(r.err, "--user") {
		t.Errorf("revoke without --user: exit %d, %q", r.code, r.err)
	}
	h.env["NEW_PAT"] = "pat-new-42"
	r = h.run(t, "", "server", "set-secret", "github", "--secret-env", "NEW_PAT")
	req := c.only(t)
	if r.code != 0 || req.Method != "PUT" || req.Path != "/api/v1/servers/github/credential" || secretOf(t, req) != "pat-new-42" {
		t.Errorf("set-secret: exit %d, err %q, request %s %s", r.code, r.err, req.Method, req.Path)
	}
}

func TestServerAddPersonalWithOwnSecret(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "my-own-token\n", "server", "add", "gh", "--url", "https://x", "--auth", "bearer",
		"--credential-mode", "personal", "--secret-stdin")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var body api.CreateServerRequest
	if err := json.Unmarshal(h.api.last(t).Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.CredentialMode != "personal" || body.Secret != "my-own-token" {
		t.Errorf("body = %+v", body)
	}
}
