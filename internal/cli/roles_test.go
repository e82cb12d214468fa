package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// recorder is an API server that answers every request with a canned
// body and records what it got.
type recorder struct {
	mu   sync.Mutex
	reqs []string // "METHOD PATH BODY"
}

func newRecorder(t *testing.T, h *harness) *recorder {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r.Method+" "+r.URL.EscapedPath()+" "+string(body))
		rec.mu.Unlock()
		switch {
		case r.Method == http.MethodDelete && !strings.Contains(r.URL.Path, "/members/"):
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/api/v1/roles" && r.Method == http.MethodGet:
			reply(w, 200, api.List[api.Role]{Items: []api.Role{
				{Name: "auditor", Builtin: true, Users: 2, Permissions: []api.Permission{{Resource: "audit", Actions: []string{"read", "export"}}}},
				{Name: "team-a-editor", Users: 1, Permissions: []api.Permission{{Resource: "endpoints", Actions: []string{"read", "edit"},
					Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}}}},
			}})
		case strings.HasPrefix(r.URL.Path, "/api/v1/users/"):
			var req api.UpdateUserRequest
			_ = json.Unmarshal(body, &req)
			reply(w, 200, api.User{ID: "usr_1", Email: "ada@example.com", Role: *req.Role})
		case strings.HasPrefix(r.URL.Path, "/api/v1/roles"):
			var req api.CreateRoleRequest
			_ = json.Unmarshal(body, &req)
			reply(w, 201, api.Role{Name: req.Name, Permissions: req.Permissions})
		default:
			reply(w, 201, api.Group{ID: "grp_1", Name: "sre", Members: []api.GroupMember{}})
		}
	}))
	t.Cleanup(srv.Close)
	h.env["SWITCHBOARD_URL"] = srv.URL
	return rec
}

func (r *recorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return ""
	}
	return r.reqs[len(r.reqs)-1]
}

func TestRoleCommands(t *testing.T) {
	h := newHarness(t)
	rec := newRecorder(t, h)
	r := h.run(t, "", "role", "create", "team-a-editor", "--permission", "endpoints:read,edit:glob=team-a-*",
		"--permission", "servers:read", "--description", "Team A")
	if r.code != 0 || !strings.Contains(r.out, "role assign team-a-editor EMAIL") {
		t.Fatalf("create: exit %d %s %s", r.code, r.out, r.err)
	}
	want := `POST /api/v1/roles {"name":"team-a-editor","description":"Team A","permissions":[` +
		`{"resource":"endpoints","actions":["read","edit"],"conditions":[{"op":"glob","values":["team-a-*"]}]},` +
		`{"resource":"servers","actions":["read"]}]}`
	if got := strings.TrimSpace(rec.last()); got != want {
		t.Errorf("request\n got %s\nwant %s", got, want)
	}

	file := filepath.Join(t.TempDir(), "role.json")
	doc := `{"description":"bots","permissions":[{"resource":"service-accounts","actions":["read"],"conditions":[{"op":"in","values":["ci","bot"]}]}]}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := h.run(t, "", "role", "create", "bots", "--file", file, "--json"); r.code != 0 || !strings.Contains(r.out, `"in"`) {
		t.Errorf("create --file: exit %d %s %s", r.code, r.out, r.err)
	}
	if got := rec.last(); !strings.Contains(got, `"description":"bots"`) || !strings.Contains(got, `"values":["ci","bot"]`) {
		t.Errorf("--file request = %s", got)
	}

	r = h.run(t, "", "role", "list")
	for _, s := range []string{"auditor (built-in)", "audit:read,export", "team-a-editor", "endpoints:read,edit:glob=team-a-*"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("role list lacks %q:\n%s", s, r.out)
		}
	}
	if r := h.run(t, "", "role", "update", "team-a-editor", "--permission", "endpoints:read:eq=team-a-dev"); r.code != 0 ||
		!strings.HasPrefix(rec.last(), `PATCH /api/v1/roles/team-a-editor {"permissions":[{"resource":"endpoints"`) {
		t.Errorf("update: exit %d %s; request %s", r.code, r.err, rec.last())
	}
	if r := h.run(t, "", "role", "assign", "team-a-editor", "ada@example.com"); r.code != 0 || !strings.Contains(r.out, "ada@example.com now has role team-a-editor") ||
		strings.TrimSpace(rec.last()) != `PATCH /api/v1/users/ada@example.com {"role":"team-a-editor"}` {
		t.Errorf("assign: exit %d %q %s; request %s", r.code, r.out, r.err, rec.last())
	}
	if r := h.run(t, "", "role", "delete", "team-a-editor"); r.code != 0 || strings.TrimSpace(rec.last()) != "DELETE /api/v1/roles/team-a-editor" {
		t.Errorf("delete: exit %d %s; request %s", r.code, r.err, rec.last())
	}

	n := len(rec.reqs)
	for _, args := range [][]string{
		{"role", "create", "x"},
		{"role", "create", "x", "--permission", "servers"},
		{"role", "create", "x", "--permission", "servers:read", "--file", file},
		{"role", "create", "x", "--file", filepath.Join(t.TempDir(), "missing.json")},
		{"role", "update", "x"},
		{"role", "assign", "x"},
	} {
		if r := h.run(t, "", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q; want a usage error", args, r.code, r.err)
		}
	}
	if len(rec.reqs) != n {
		t.Errorf("usage errors reached the API: %v", rec.reqs[n:])
	}
}

func TestGroupAndServiceAccountCommands(t *testing.T) {
	h := newHarness(t)
	rec := newRecorder(t, h)
	for _, tc := range []struct {
		args []string
		req  string
		out  string
	}{
		{[]string{"group", "create", "sre"}, `POST /api/v1/groups {"name":"sre"}`, `Created group "sre"`},
		{[]string{"group", "add-member", "sre", "ada@example.com"}, `POST /api/v1/groups/sre/members {"email":"ada@example.com"}`, "Added ada@example.com"},
		{[]string{"group", "remove-member", "sre", "ada@example.com"}, `DELETE /api/v1/groups/sre/members/ada@example.com`, "Removed ada@example.com"},
		{[]string{"group", "delete", "sre"}, `DELETE /api/v1/groups/sre`, "Removed group sre"},
		{[]string{"service-account", "delete", "ci"}, `DELETE /api/v1/service-accounts/ci`, "Removed service account ci"},
	} {
		r := h.run(t, "", tc.args...)
		if r.code != 0 || !strings.Contains(r.out, tc.out) {
			t.Errorf("%v: exit %d %q %q", tc.args, r.code, r.out, r.err)
		}
		if got := strings.TrimSpace(rec.last()); got != tc.req {
			t.Errorf("%v: request %q, want %q", tc.args, got, tc.req)
		}
	}
	if r := h.run(t, "", "group", "add-member", "sre"); r.code != ExitUsage {
		t.Errorf("add-member without EMAIL: exit %d", r.code)
	}
}
