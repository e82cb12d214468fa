package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

var teamAEditor = api.CreateRoleRequest{Name: "team-a-editor", Description: "edits team A's endpoints",
	Permissions: []api.Permission{
		{Resource: "endpoints", Actions: []string{"edit", "read"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}},
		{Resource: "servers", Actions: []string{"read"}},
	}}

// TestCustomRoleLifecycle creates a role, gives it to a user, checks that
// its glob decides which endpoints the user may edit, narrows it, and
// deletes it once no user has it; every change is audited.
func TestCustomRoleLifecycle(t *testing.T) {
	f := newFixture(t)
	f.addEndpoint(t, "team-a-dev", false, "alpha")
	f.addEndpoint(t, "team-b-dev", false, "alpha")
	var created api.Role
	f.call(t, http.MethodPost, "/api/v1/roles", teamAEditor, http.StatusCreated, &created)
	if got := created.Permissions[0].Actions; !cmp.Equal(got, []string{"read", "edit"}) {
		t.Errorf("actions = %v, want them normalized to [read edit]", got)
	}
	var list api.List[api.Role]
	f.call(t, http.MethodGet, "/api/v1/roles", nil, http.StatusOK, &list)
	var names []string
	for _, r := range list.Items {
		names = append(names, r.Name)
	}
	if want := []string{"admin", "editor", "auditor", "member", "team-a-editor"}; !cmp.Equal(names, want) {
		t.Errorf("roles = %v, want %v", names, want)
	}

	u, tok := f.newUser(t, "ann@example.com", store.RoleMember, false)
	f.call(t, http.MethodPatch, "/api/v1/users/"+u.Email, api.UpdateUserRequest{Role: roleStr("team-a-editor")}, http.StatusOK, nil)
	desc := api.UpdateEndpointRequest{Description: roleStr("by ann")}
	for _, tc := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"PATCH", "/api/v1/endpoints/team-a-dev", desc, 200},
		{"GET", "/api/v1/endpoints/team-a-dev", nil, 200},
		{"PATCH", "/api/v1/endpoints/team-b-dev", desc, 403},
		{"GET", "/api/v1/endpoints/team-b-dev", nil, 403},
		{"DELETE", "/api/v1/endpoints/team-a-dev", nil, 403},
		{"GET", "/api/v1/endpoints", nil, 200}, // filtered to team-a-* (TestListsFilterByCondition)
		{"GET", "/api/v1/servers", nil, 200},
		{"GET", "/api/v1/audit", nil, 403},
		{"GET", "/api/v1/me", nil, 200},
		{"GET", "/api/v1/tokens", nil, 200},
	} {
		if r := f.do(t, tok, tc.method, tc.path, tc.body); r.status != tc.want {
			t.Errorf("%s %s as team-a-editor = %s, want %d", tc.method, tc.path, r, tc.want)
		}
	}

	narrow := []api.Permission{{Resource: "endpoints", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "eq", Values: []string{"team-a-dev"}}}}}
	var updated api.Role
	f.call(t, http.MethodPatch, "/api/v1/roles/team-a-editor", api.UpdateRoleRequest{Permissions: &narrow}, http.StatusOK, &updated)
	if updated.Users != 1 || updated.Description != teamAEditor.Description {
		t.Errorf("updated role = %+v", updated)
	}
	if r := f.do(t, tok, "PATCH", "/api/v1/endpoints/team-a-dev", desc); r.status != http.StatusForbidden {
		t.Errorf("edit after the role lost edit = %s, want 403", r)
	}
	if r := f.do(t, tok, "GET", "/api/v1/endpoints/team-a-dev", nil); r.status != http.StatusOK {
		t.Errorf("read with eq = %s, want 200", r)
	}
	ev := f.auditEvents(t)[0]
	if ev.Code != audit.CodeRoleUpdated || !strings.Contains(string(ev.Request), "glob") || !strings.Contains(string(ev.Response), `"eq"`) {
		t.Errorf("update event = %s %s -> %s, want before with the glob and after with eq", ev.Code, ev.Request, ev.Response)
	}

	r := f.do(t, f.token, http.MethodDelete, "/api/v1/roles/team-a-editor", nil)
	if e := apiErrorBody(t, r); r.status != http.StatusConflict || e.Field != "name" || !strings.Contains(e.Message, "assigned to 1 users") {
		t.Fatalf("delete of an assigned role = %s, want 409 naming 1 user", r)
	}
	f.call(t, http.MethodPatch, "/api/v1/users/"+u.Email, api.UpdateUserRequest{Role: roleStr(store.RoleMember)}, http.StatusOK, nil)
	f.call(t, http.MethodDelete, "/api/v1/roles/team-a-editor", nil, http.StatusNoContent, nil)
	f.call(t, http.MethodGet, "/api/v1/roles/team-a-editor", nil, http.StatusNotFound, nil)
	if ev := f.auditEvents(t)[0]; ev.Code != audit.CodeRoleDeleted || !strings.Contains(string(ev.Request), "team-a-editor") {
		t.Errorf("delete event = %s %s", ev.Code, ev.Request)
	}
}

// TestUnknownCustomRoleDenies: a user whose role was never created (or
// was written behind the API's back) may do nothing at all.
func TestUnknownCustomRoleDenies(t *testing.T) {
	f := newFixture(t)
	_, tok := f.newUser(t, "ghost@example.com", "no-such-role", false)
	for _, path := range []string{"/api/v1/me", "/api/v1/tokens", "/api/v1/servers"} {
		if r := f.do(t, tok, http.MethodGet, path, nil); r.status != http.StatusForbidden {
			t.Errorf("GET %s with an unknown role = %s, want 403", path, r)
		}
	}
	r := f.do(t, f.token, http.MethodPatch, "/api/v1/users/ghost@example.com", api.UpdateUserRequest{Role: roleStr("no-such-role")})
	if e := apiErrorBody(t, r); r.status != http.StatusBadRequest || e.Field != "role" || !strings.Contains(e.Message, "role list") {
		t.Errorf("assigning an unknown role = %s, want 400 on role", r)
	}
}

// TestNoEscalation: a role manager cannot create a role, nor a user
// manager assign one, holding more than they hold themselves.
func TestNoEscalation(t *testing.T) {
	f := newFixture(t)
	maker := api.CreateRoleRequest{Name: "team-a-lead", Permissions: []api.Permission{
		{Resource: "roles", Actions: []string{"create", "read"}},
		{Resource: "users", Actions: []string{"read", "create", "edit"}},
		{Resource: "endpoints", Actions: []string{"read", "edit"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}},
	}}
	f.call(t, http.MethodPost, "/api/v1/roles", maker, http.StatusCreated, nil)
	lead, tok := f.newUser(t, "lead@example.com", "team-a-lead", false)
	before := f.snapshot(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"unconditional beyond a glob", "POST", "/api/v1/roles", api.CreateRoleRequest{Name: "wide", Permissions: []api.Permission{
			{Resource: "endpoints", Actions: []string{"edit"}}}}, "permissions[0].actions"},
		{"a resource not held", "POST", "/api/v1/roles", api.CreateRoleRequest{Name: "wide", Permissions: []api.Permission{
			{Resource: "endpoints", Actions: []string{"read"}, Conditions: teamAEditor.Permissions[0].Conditions},
			{Resource: "audit", Actions: []string{"read"}}}}, "permissions[1].actions"},
		{"assign admin", "POST", "/api/v1/users", api.CreateUserRequest{Email: "x@example.com", Role: store.RoleAdmin}, "role"},
		{"assign editor", "PATCH", "/api/v1/users/other@example.com", api.UpdateUserRequest{Role: roleStr(store.RoleEditor)}, "role"},
	} {
		r := f.do(t, tok, tc.method, tc.path, tc.body)
		if e := apiErrorBody(t, r); r.status != http.StatusBadRequest || e.Field != tc.field {
			t.Errorf("%s: %s, want 400 on %s", tc.name, r, tc.field)
		}
	}
	f.unchanged(t, before)
	ok := api.CreateRoleRequest{Name: "team-a-viewer", Permissions: []api.Permission{
		{Resource: "endpoints", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}}}}
	if r := f.do(t, tok, http.MethodPost, "/api/v1/roles", ok); r.status != http.StatusCreated {
		t.Errorf("a role within the lead's own = %s, want 201", r)
	}
	if r := f.do(t, tok, http.MethodPost, "/api/v1/users", api.CreateUserRequest{Email: "v@example.com", Role: "team-a-viewer"}); r.status != http.StatusCreated {
		t.Errorf("assigning it = %s, want 201", r)
	}
	_ = lead
}

func roleCases(t *testing.T, f *fixture) []badCase {
	var r api.Role
	f.call(t, http.MethodPost, "/api/v1/roles", teamAEditor, http.StatusCreated, &r)
	f.newUser(t, "assigned@example.com", teamAEditor.Name, false)
	perms := func(p string) string { return `{"name":"x","permissions":` + p + `}` }
	const c = "POST /api/v1/roles"
	cases := jsonCases(c)
	for _, bc := range []badCase{
		{name: "name missing", body: `{"permissions":[]}`, field: "name", msg: "required"},
		{name: "name upper case", body: `{"name":"Team","permissions":[]}`, field: "name"},
		{name: "built-in name", body: `{"name":"admin","permissions":[]}`, status: 409, code: api.CodeConflict, field: "name", msg: "built-in"},
		{name: "taken name", body: `{"name":"team-a-editor","permissions":[]}`, status: 409, code: api.CodeConflict, field: "name", msg: "exists"},
		{name: "description too long", body: `{"name":"x","permissions":[],"description":"` + strings.Repeat("d", 501) + `"}`, field: "description"},
		{name: "permissions missing", body: `{"name":"x"}`, field: "permissions", msg: "required"},
		{name: "permissions a string", body: perms(`"servers:read"`), field: "permissions", msg: "array"},
		{name: "unknown resource", body: perms(`[{"resource":"planets","actions":["read"]}]`), field: "permissions[0].resource", msg: "servers, endpoints"},
		{name: "verb not for resource", body: perms(`[{"resource":"audit","actions":["edit"]}]`), field: "permissions[0].actions", msg: "read, export"},
		{name: "unknown operator", body: perms(`[{"resource":"servers","actions":["read"],"conditions":[{"op":"like","values":["a"]}]}]`), field: "permissions[0].conditions[0].op", msg: "eq, ne, glob or in"},
		{name: "malformed glob", body: perms(`[{"resource":"servers","actions":["read"],"conditions":[{"op":"glob","values":["a["]}]}]`), field: "permissions[0].conditions[0].values", msg: "malformed glob"},
		{name: "eq with two values", body: perms(`[{"resource":"servers","actions":["read"],"conditions":[{"op":"eq","values":["a","b"]}]}]`), field: "permissions[0].conditions[0].values", msg: "exactly one"},
	} {
		bc.route = c
		if bc.status == 0 {
			bc.status = 400
		}
		if bc.code == "" {
			bc.code = api.CodeInvalidField
		}
		cases = append(cases, bc)
	}
	const u = "PATCH /api/v1/roles/{name}"
	for _, bc := range jsonCases(u) {
		bc.path = "/api/v1/roles/team-a-editor"
		cases = append(cases, bc)
	}
	return append(cases,
		badCase{name: "nothing to change", route: u, path: "/api/v1/roles/team-a-editor", body: `{}`, status: 400, code: api.CodeInvalidField, field: "permissions"},
		badCase{name: "bad permission", route: u, path: "/api/v1/roles/team-a-editor", body: `{"permissions":[{"resource":"servers","actions":[]}]}`, status: 400, code: api.CodeInvalidField, field: "permissions[0].actions"},
		badCase{name: "built-in role", route: u, path: "/api/v1/roles/admin", body: `{"description":"x"}`, status: 409, code: api.CodeConflict, field: "name", msg: "built-in"},
		badCase{name: "unknown role", route: u, path: "/api/v1/roles/nope", body: `{"description":"x"}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown role", route: "GET /api/v1/roles/{name}", path: "/api/v1/roles/nope", status: 404, code: api.CodeNotFound, msg: "role list"},
		badCase{name: "unknown role", route: "DELETE /api/v1/roles/{name}", path: "/api/v1/roles/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "built-in role", route: "DELETE /api/v1/roles/{name}", path: "/api/v1/roles/member", status: 409, code: api.CodeConflict, field: "name", msg: "built-in"},
		badCase{name: "assigned role", route: "DELETE /api/v1/roles/{name}", path: "/api/v1/roles/team-a-editor", status: 409, code: api.CodeConflict, field: "name", msg: "assigned to 1 users"},
		badCase{name: "unknown role", route: "POST /api/v1/users", body: `{"email":"n@example.com","role":"nope"}`, status: 400, code: api.CodeInvalidField, field: "role", msg: "custom role"},
	)
}

func TestRoleViewJSON(t *testing.T) {
	f := newFixture(t)
	var r api.Role
	f.call(t, http.MethodGet, "/api/v1/roles/auditor", nil, http.StatusOK, &r)
	b, _ := json.Marshal(r.Permissions)
	if !r.Builtin || string(b) != `[{"resource":"audit","actions":["read","export"]}]` {
		t.Errorf("auditor = %+v %s", r, b)
	}
}

func roleStr(s string) *string { return &s }
