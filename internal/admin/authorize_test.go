package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestEveryRouteRefusesUnprivileged walks the route table with a member
// and with custom roles whose permissions are all for other names or
// other resources: every route that needs more than a signed-in user
// answers 403 and writes nothing, except that a filtered list answers
// with none of its items.
func TestEveryRouteRefusesUnprivileged(t *testing.T) {
	f := newFixture(t)
	other := []api.Condition{{Op: "glob", Values: []string{"zzz-*"}}}
	var perms []api.Permission
	for _, r := range policy.ResourceNames {
		if r == "audit" || r == "settings" {
			continue // no names: any permission on them is unconditional
		}
		perms = append(perms, api.Permission{Resource: r, Actions: policy.Resources[r], Conditions: other})
	}
	f.call(t, http.MethodPost, "/api/v1/roles", api.CreateRoleRequest{Name: "elsewhere", Permissions: perms}, http.StatusCreated, nil)
	f.call(t, http.MethodPost, "/api/v1/roles", api.CreateRoleRequest{Name: "reader", Permissions: []api.Permission{
		{Resource: "servers", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "in", Values: []string{"gamma", "delta"}}}},
		{Resource: "endpoints", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "ne", Values: []string{"main"}}}},
		{Resource: "service-accounts", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "eq", Values: []string{"bot"}}}},
	}}, http.StatusCreated, nil)
	_, member := f.newUser(t, "member@example.com", store.RoleMember, false)
	_, elsewhere := f.newUser(t, "elsewhere@example.com", "elsewhere", false)
	_, reader := f.newUser(t, "reader@example.com", "reader", false)
	readerLists := map[string]bool{"GET /api/v1/service-accounts": true, "GET /api/v1/servers": true, "GET /api/v1/endpoints": true}
	before := f.snapshot(t)
	for _, rt := range (&API{}).routes() {
		if rt.perm == policy.Public || rt.perm == policy.Authenticated || strings.HasSuffix(string(rt.perm), ".own") {
			continue
		}
		method, path := routePath(rt.pattern)
		for who, tok := range map[string]string{"member": member, "elsewhere": elsewhere, "reader": reader} {
			t.Run(rt.pattern+"/"+who, func(t *testing.T) {
				r := f.do(t, tok, method, path, `{}`)
				if filteredLists[rt.pattern] && (who == "elsewhere" || who == "reader" && readerLists[rt.pattern]) {
					// Some permission to read: a list filtered to nothing.
					if r.status != http.StatusOK || !strings.Contains(string(r.body), `"items": []`) {
						t.Fatalf("%s %s as %s = %s, want 200 with no items", method, path, who, r)
					}
					return
				}
				if bodyNamed[rt.pattern] && who != "member" {
					// Some permission: the body's missing name is the error.
					if r.status != http.StatusBadRequest {
						t.Fatalf("%s %s as %s = %s, want 400", method, path, who, r)
					}
					return
				}
				if r.status != http.StatusForbidden {
					t.Fatalf("%s %s as %s = %s, want 403", method, path, who, r)
				}
				if e := apiErrorBody(t, r); e.Code != api.CodeForbidden {
					t.Errorf("error = %+v, want code forbidden", e)
				}
			})
		}
	}
	f.unchanged(t, before)
}

// TestListsFilterByCondition: a role that may read some service accounts,
// groups and roles by name lists exactly those.
func TestListsFilterByCondition(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, n := range []string{"bot", "deploy"} {
		f.call(t, http.MethodPost, "/api/v1/service-accounts", api.CreateServiceAccountRequest{Name: n}, http.StatusCreated, nil)
	}
	for _, n := range []string{"team-a-ops", "team-b-ops"} {
		if err := f.st.CreateGroup(ctx, store.Group{ID: "grp_" + n, Name: n, Source: "local", CreatedAt: f.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	f.call(t, http.MethodPost, "/api/v1/roles", api.CreateRoleRequest{Name: "some", Permissions: []api.Permission{
		{Resource: "service-accounts", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "in", Values: []string{"ci", "bot"}}}},
		{Resource: "groups", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}},
		{Resource: "roles", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "ne", Values: []string{"admin"}}}},
		{Resource: "endpoints", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}},
	}}, http.StatusCreated, nil)
	for _, n := range []string{"team-a-dev", "team-b-dev"} {
		if err := f.st.CreateEndpoint(ctx, store.Endpoint{ID: "ep_" + n, Name: n, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	_, tok := f.newUser(t, "some@example.com", "some", false)
	names := func(path string) []string {
		r := f.do(t, tok, http.MethodGet, path, nil)
		var out api.List[struct {
			Name string `json:"name"`
		}]
		if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil {
			t.Fatalf("GET %s = %s", path, r)
		}
		var ns []string
		for _, it := range out.Items {
			ns = append(ns, it.Name)
		}
		return ns
	}
	for path, want := range map[string][]string{
		"/api/v1/service-accounts": {"bot", "ci"},
		"/api/v1/groups":           {"team-a-ops"},
		"/api/v1/endpoints":        {"team-a-dev"},
		"/api/v1/roles":            {"editor", "auditor", "member", "some"},
	} {
		if got := names(path); !cmp.Equal(got, want) {
			t.Errorf("GET %s as some = %v, want %v", path, got, want)
		}
	}
	if r := f.do(t, tok, http.MethodGet, "/api/v1/roles/admin", nil); r.status != http.StatusForbidden {
		t.Errorf("GET /api/v1/roles/admin = %s, want 403", r)
	}
}

// TestExplainByEndpointCondition: a role that may read team-a-* endpoints
// explains decisions there and is refused elsewhere.
func TestExplainByEndpointCondition(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"team-a-dev", "team-b-dev"} {
		if err := f.st.CreateEndpoint(t.Context(), store.Endpoint{ID: "ep_" + n, Name: n, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	f.call(t, http.MethodPost, "/api/v1/roles", api.CreateRoleRequest{Name: "team-a-reader", Permissions: []api.Permission{
		{Resource: "endpoints", Actions: []string{"read"}, Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}},
	}}, http.StatusCreated, nil)
	_, tok := f.newUser(t, "ann@example.com", "team-a-reader", false)
	for ep, want := range map[string]int{"team-a-dev": http.StatusOK, "team-b-dev": http.StatusForbidden} {
		r := f.do(t, tok, http.MethodPost, "/api/v1/policy/explain", api.ExplainRequest{User: "ann@example.com", Endpoint: ep, Tool: "x__y"})
		if r.status != want {
			t.Errorf("explain on %s = %s, want %d", ep, r, want)
		}
	}
}

// TestOpenRoutesAreDeliberate: the routes any principal may call (public,
// any signed-in principal, or one's own things) are exactly this list, so
// a new route that skips a real permission fails here until someone adds
// it on purpose.
func TestOpenRoutesAreDeliberate(t *testing.T) {
	want := []string{
		"GET /api/v1/openapi.json", "POST /api/v1/login", "POST /api/v1/cli/token", "GET /api/v1/me",
		"GET /api/v1/grants", "DELETE /api/v1/grants/{id}",
		"GET /api/v1/me/connections", "PUT /api/v1/me/connections/{server}", "DELETE /api/v1/me/connections/{server}",
		"GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
	}
	var got []string
	for _, rt := range (&API{}).routes() {
		if rt.perm == policy.Public || rt.perm == policy.Authenticated || strings.HasSuffix(string(rt.perm), ".own") {
			got = append(got, rt.pattern)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("routes open to every principal changed (-want +got):\n%s", d)
	}
}
