package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

const testToken = "sbt_test-token"

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// request is what the fake API saw.
type request struct {
	Method, Path, Query, Auth string
	Body                      []byte
}

// fakeAPI answers the admin API's routes with canned data and records
// every request. It tests the CLI's encoding and output, not the server.
type fakeAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	mux := http.NewServeMux()
	f.routes(mux)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			replyErr(w, http.StatusUnauthorized, api.CodeUnauthorized, "", "invalid or expired token")
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func (f *fakeAPI) last(t *testing.T) request {
	t.Helper()
	reqs := f.requests()
	if len(reqs) == 0 {
		t.Fatal("no request reached the API")
	}
	return reqs[len(reqs)-1]
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func replyErr(w http.ResponseWriter, status int, code, field, msg string) {
	reply(w, status, api.Error{Err: api.ErrorBody{Code: code, Message: msg, Field: field}})
}

var (
	synced     = testNow.Add(-time.Hour)
	fakeServer = api.Server{
		ID: "srv_1", Name: "github", URL: "https://api.example/mcp", Transport: "streamable-http",
		Auth: "bearer", CredentialMode: "shared", SecretConfigured: true, SyncedAt: &synced, ToolCount: 2,
		Tools: []api.Tool{
			{Name: "search_issues", Description: "Search issues\x1b[31m in red\nsecond line", Hash: "h1"},
			{Name: "delete_repo", Description: "Delete a repository", Hash: "h2"},
		},
	}
	fakeEndpoint = api.Endpoint{
		ID: "ep_1", Name: "dev", URL: "http://127.0.0.1:8080/mcp/dev", Servers: []string{"github"},
		Grants: []api.EndpointGrant{
			{ID: "egr_1", Endpoint: "dev", PrincipalType: "group", PrincipalID: "grp_1", Principal: "engineering"},
			{ID: "egr_2", Endpoint: "dev", PrincipalType: "user", PrincipalID: "usr_1", Principal: "amy@example.com"},
		},
		Tools: []api.EndpointTool{
			{Server: "github", Tool: "search_issues", ExposedName: "github__search_issues", State: api.ToolEnabled},
			{Server: "github", Tool: "delete_repo", ExposedName: "github__delete_repo", State: api.ToolDisabled},
			{Server: "github", Tool: "get_issue", ExposedName: "github__get_issue", State: api.ToolDrifted},
		},
	}
	fakeUser = api.User{ID: "usr_1", Email: "admin@example.com", Role: "admin", CreatedAt: testNow}
)

func (f *fakeAPI) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/servers", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.Server]{Items: []api.Server{fakeServer}})
	})
	mux.HandleFunc("POST /api/v1/servers", createServer)
	mux.HandleFunc("GET /api/v1/servers/{name}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("name") != "github" {
			replyErr(w, 404, api.CodeNotFound, "", "server "+r.PathValue("name")+" not found")
			return
		}
		reply(w, 200, fakeServer)
	})
	mux.HandleFunc("POST /api/v1/servers/{name}/sync", func(w http.ResponseWriter, r *http.Request) {
		res := api.SyncResult{Added: []string{"new_tool"}, Changed: []string{"get_issue"}, Removed: []string{}, Unchanged: 1}
		if r.PathValue("name") == "broken" {
			res = api.SyncResult{Error: "upstream answered 500"}
		}
		reply(w, 200, res)
	})
	mux.HandleFunc("DELETE /api/v1/servers/{name}", noContent)
	mux.HandleFunc("GET /api/v1/endpoints", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.Endpoint]{Items: []api.Endpoint{fakeEndpoint}})
	})
	mux.HandleFunc("POST /api/v1/endpoints", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateEndpointRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		ep := fakeEndpoint
		ep.Name, ep.Servers = req.Name, req.Servers
		reply(w, 201, ep)
	})
	mux.HandleFunc("GET /api/v1/endpoints/{name}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, fakeEndpoint)
	})
	mux.HandleFunc("DELETE /api/v1/endpoints/{name}", noContent)
	mux.HandleFunc("POST /api/v1/endpoints/{name}/grants", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 201, api.EndpointGrant{ID: "egr_new", Endpoint: r.PathValue("name"), PrincipalType: "user", Principal: "amy@example.com"})
	})
	mux.HandleFunc("DELETE /api/v1/endpoints/{name}/grants/{id}", noContent)
	mux.HandleFunc("GET /api/v1/service-accounts", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.ServiceAccount]{Items: []api.ServiceAccount{{ID: "sa_1", Name: "ci", Description: "GitHub Actions",
			Tokens: []api.Token{{ID: "tok_1", Endpoint: "dev"}, {ID: "tok_2", Endpoint: "old", RevokedAt: &testNow}}}}})
	})
	mux.HandleFunc("POST /api/v1/service-accounts", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateServiceAccountRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		reply(w, 201, api.ServiceAccount{ID: "sa_new", Name: req.Name, Description: req.Description, Tokens: []api.Token{}})
	})
	mux.HandleFunc("DELETE /api/v1/service-accounts/{name}/tokens/{id}", noContent)
	mux.HandleFunc("POST /api/v1/service-accounts/{name}/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateServiceAccountTokenRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		exp := testNow.Add(720 * time.Hour)
		reply(w, 201, api.CreateTokenResponse{Token: api.Token{ID: "tok_sa", Name: req.Endpoint, Endpoint: req.Endpoint, ExpiresAt: &exp}, Value: "sbt_sa_SECRET"})
	})
	mux.HandleFunc("PATCH /api/v1/endpoints/{name}/tools", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, fakeEndpoint)
	})
	mux.HandleFunc("GET /api/v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		exp := testNow.Add(-time.Minute)
		reply(w, 200, api.List[api.Token]{Items: []api.Token{
			{ID: "tok_1", Name: "laptop", Prefix: "sbt_ab", CreatedAt: testNow},
			{ID: "tok_2", Name: "old", Prefix: "sbt_cd", CreatedAt: testNow, ExpiresAt: &exp},
		}})
	})
	mux.HandleFunc("POST /api/v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateTokenRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		reply(w, 201, api.CreateTokenResponse{Token: api.Token{ID: "tok_9", Name: req.Name, Prefix: "sbt_new"}, Value: "sbt_newly-minted"})
	})
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", noContent)
	mux.HandleFunc("GET /api/v1/users", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.User]{Items: []api.User{fakeUser}})
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, fakeUser)
	})
	mux.HandleFunc("GET /api/v1/audit", auditPage)
	mux.HandleFunc("GET /api/v1/audit/{seq}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, auditEvent(3))
	})
}

func createServer(w http.ResponseWriter, r *http.Request) {
	var req api.CreateServerRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		replyErr(w, 400, api.CodeBadRequest, "", err.Error())
		return
	}
	if !strings.HasPrefix(req.URL, "http") {
		replyErr(w, 400, api.CodeInvalidField, "url", "must be an http(s) URL")
		return
	}
	srv := api.Server{Name: req.Name, URL: req.URL, Transport: "streamable-http", Auth: req.Auth,
		CredentialMode: "shared", SecretConfigured: req.Secret != ""}
	resp := api.CreateServerResponse{Server: srv}
	if !req.SkipSync {
		resp.Sync = &api.SyncResult{Added: []string{"a", "b"}}
	}
	reply(w, 201, resp)
}

func noContent(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }

// auditPage serves two pages: seq 3 and 2, then seq 1.
func auditPage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("cursor") == "c1" {
		reply(w, 200, api.AuditList{Events: []api.AuditEvent{auditEvent(1)}})
		return
	}
	reply(w, 200, api.AuditList{Events: []api.AuditEvent{auditEvent(3), auditEvent(2)}, NextCursor: "c1"})
}

func auditEvent(seq int64) api.AuditEvent {
	return api.AuditEvent{
		Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: testNow, Code: "mcp.tools.call",
		ActorEmail: "admin@example.com", Endpoint: "dev", Server: "github", Tool: "search_issues",
		Outcome: "ok", DurationUS: 12345, Hash: "abc",
		Request:  json.RawMessage(`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"}}`),
		Response: json.RawMessage(`{"content":[{"type":"text","text":"hi"}]}`),
	}
}

// result is one run of the CLI.
type result struct {
	code     int
	out, err string
}

// harness runs the CLI against the fake API.
type harness struct {
	api    *fakeAPI
	env    map[string]string
	local  map[string]LocalFunc
	config string // the config dir, where `login` saves credentials
}

func newHarness(t *testing.T) *harness {
	f := newFakeAPI(t)
	return &harness{api: f, env: map[string]string{"SWITCHBOARD_URL": f.srv.URL, "SWITCHBOARD_TOKEN": testToken},
		config: t.TempDir()}
}

func (h *harness) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return h.runCtx(t.Context(), t, stdin, args...)
}

func (h *harness) runCtx(ctx context.Context, t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	stdio := IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv:      func(k string) string { return h.env[k] },
		Now:         func() time.Time { return testNow },
		ConfigDir:   func() (string, error) { return h.config, nil },
		OpenBrowser: func(string) error { return errors.New("no browser in tests") },
	}
	code := Run(ctx, args, stdio, h.local)
	return result{code, out.String(), errb.String()}
}

// fakeLocal records its call and prints its flags for --help.
type fakeLocal struct {
	args []string
	err  error
}

func (l *fakeLocal) fn(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	l.args = args
	if len(args) == 1 && args[0] == "--help" {
		fmt.Fprintln(stdout, "  --data-dir DIR   where the data lives")
		return flag.ErrHelp
	}
	fmt.Fprintln(stdout, "local ran")
	return l.err
}
