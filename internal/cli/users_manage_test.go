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

// authAPI is a fake of the user and grant routes that records requests.
type authAPI struct {
	mu   sync.Mutex
	reqs []request
}

func newAuthHarness(t *testing.T) (*harness, *authAPI) {
	t.Helper()
	a := &authAPI{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/users", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateUserRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		reply(w, 201, api.User{ID: "usr_9", Email: req.Email, Role: req.Role})
	})
	mux.HandleFunc("PATCH /api/v1/users/{user}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.User{ID: "usr_9", Email: r.PathValue("user"), Role: "member", Disabled: true})
	})
	mux.HandleFunc("PUT /api/v1/users/{user}/password", noContent)
	mux.HandleFunc("GET /api/v1/grants", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.Grant]{Items: []api.Grant{{ID: "grt_1", ClientName: "Claude", Endpoint: "dev",
			Status: "active", UserEmail: "ada@example.com", CreatedAt: testNow, ExpiresAt: testNow}}})
	})
	mux.HandleFunc("DELETE /api/v1/grants/{id}", noContent)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.reqs = append(a.reqs, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
		a.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t)
	h.env["SWITCHBOARD_URL"] = srv.URL
	return h, a
}

func (a *authAPI) last(t *testing.T) request {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.reqs) == 0 {
		t.Fatal("no request reached the API")
	}
	return a.reqs[len(a.reqs)-1]
}

func TestUserCreateWithPasswordFromStdin(t *testing.T) {
	h, a := newAuthHarness(t)
	r := h.run(t, "correct horse battery\n", "user", "create", "--email", "ada@example.com", "--role", "member", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.out, "can sign in now") {
		t.Fatalf("exit %d: %s %s", r.code, r.out, r.err)
	}
	var body api.CreateUserRequest
	_ = json.Unmarshal(a.last(t).Body, &body)
	if body != (api.CreateUserRequest{Email: "ada@example.com", Role: "member", Password: "correct horse battery"}) {
		t.Errorf("body = %+v", body)
	}
	if strings.Contains(r.out+r.err, "horse") {
		t.Error("the password was echoed")
	}
}

func TestUserCommandsRefusePasswordFlag(t *testing.T) {
	h, _ := newAuthHarness(t)
	for _, args := range [][]string{
		{"user", "create", "--email", "a@example.com", "--role", "member", "--password", "hunter2hunter2"},
		{"user", "reset-password", "a@example.com", "--password=hunter2hunter2"},
		{"user", "reset-password", "a@example.com"}, // no --password-stdin
		{"user", "create", "--role", "member"},      // no --email
	} {
		r := h.run(t, "", args...)
		if r.code != ExitUsage || strings.Contains(r.err, "hunter2") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}

func TestUserDisableResetAndGrants(t *testing.T) {
	h, a := newAuthHarness(t)
	for _, tc := range []struct {
		stdin  string
		args   []string
		method string
		path   string
		query  string
		body   string
	}{
		{"", []string{"user", "disable", "ada@example.com"}, "PATCH", "/api/v1/users/ada@example.com", "", `{"disabled":true}`},
		{"", []string{"user", "enable", "usr_9"}, "PATCH", "/api/v1/users/usr_9", "", `{"disabled":false}`},
		{"a new long password", []string{"user", "reset-password", "ada@example.com", "--password-stdin"},
			"PUT", "/api/v1/users/ada@example.com/password", "", `{"password":"a new long password"}`},
		{"", []string{"grant", "list", "--all"}, "GET", "/api/v1/grants", "all=1", ""},
		{"", []string{"grant", "list"}, "GET", "/api/v1/grants", "", ""},
		{"", []string{"grant", "revoke", "grt_1"}, "DELETE", "/api/v1/grants/grt_1", "", ""},
	} {
		r := h.run(t, tc.stdin, tc.args...)
		req := a.last(t)
		if r.code != 0 || req.Method != tc.method || req.Path != tc.path || req.Query != tc.query ||
			strings.TrimSpace(string(req.Body)) != tc.body {
			t.Errorf("%v: exit %d (%s), request %s %s?%s %s", tc.args, r.code, r.err, req.Method, req.Path, req.Query, req.Body)
		}
	}
	r := h.run(t, "", "grant", "list", "--all")
	if !strings.Contains(r.out, "Claude") || !strings.Contains(r.out, "ada@example.com") {
		t.Errorf("grant list --all:\n%s", r.out)
	}
}
