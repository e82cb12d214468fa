package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// routePath fills a route's wildcards with names of the fixture.
func routePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.NewReplacer("{name}", "alpha", "{id}", "tok_x", "{seq}", "1").Replace(path)
	if strings.HasPrefix(path, "/api/v1/endpoints/") {
		path = strings.Replace(path, "alpha", "main", 1)
	}
	return method, path
}

// TestAuthRequired sends every non-public route without a usable token.
func TestAuthRequired(t *testing.T) {
	f := newFixture(t)
	_, disabled := f.newUser(t, "gone@example.com", store.RoleAdmin, true)
	headers := []struct {
		name, value string
		msg         string
	}{
		{"none", "", "missing bearer token"},
		{"empty bearer", "Bearer ", "missing bearer token"},
		{"basic scheme", "Basic cm9vdDpwdw==", "missing bearer token"},
		{"bare token", f.token, "missing bearer token"},
		{"not a token", "Bearer hunter2", "invalid or expired token"},
		{"unknown token", "Bearer sbt_AAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid or expired token"},
		{"token with extra character", "Bearer " + f.token + "x", "invalid or expired token"},
		{"disabled user", "Bearer " + disabled, "invalid or expired token"},
	}
	before := f.snapshot(t)
	for _, rt := range (&API{}).routes() {
		if rt.perm == policy.Public {
			continue
		}
		method, path := routePath(rt.pattern)
		for _, h := range headers {
			t.Run(rt.pattern+"/"+h.name, func(t *testing.T) {
				hdr := http.Header{}
				if h.value != "" {
					hdr.Set("Authorization", h.value)
				}
				r := f.doHeaders(t, method, path, `{}`, hdr)
				if r.status != http.StatusUnauthorized {
					t.Fatalf("%s %s = %s, want 401", method, path, r)
				}
				if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer ") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
				}
				if e := apiErrorBody(t, r); e.Code != api.CodeUnauthorized || !strings.Contains(e.Message, h.msg) {
					t.Errorf("error = %+v, want code unauthorized and %q", e, h.msg)
				}
			})
		}
	}
	f.unchanged(t, before)

	t.Run("public OpenAPI document", func(t *testing.T) {
		r := f.do(t, "", http.MethodGet, "/api/v1/openapi.json", nil)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"openapi"`) {
			t.Fatalf("GET /api/v1/openapi.json = %d, want 200 with the document", r.status)
		}
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		r := f.doHeaders(t, http.MethodGet, "/api/v1/me", nil, http.Header{"Authorization": {"bearer " + f.token}})
		if r.status != http.StatusOK {
			t.Fatalf("GET /api/v1/me with lower-case scheme = %s, want 200", r)
		}
	})
}

// TestRoles checks what each role may do; a refusal writes nothing.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	_, member := f.newUser(t, "member@example.com", store.RoleMember, false)
	_, auditor := f.newUser(t, "auditor@example.com", store.RoleAuditor, false)
	_, editor := f.newUser(t, "editor@example.com", store.RoleEditor, false)
	newServer := api.CreateServerRequest{Name: "new", URL: f.up.url}
	enable := api.UpdateToolsRequest{Enable: []string{"alpha/echo"}}
	tests := []struct {
		name         string
		token        string
		method, path string
		body         any
		want         int
	}{
		{"member adds a server", member, "POST", "/api/v1/servers", newServer, 403},
		{"member deletes a server", member, "DELETE", "/api/v1/servers/beta", nil, 403},
		{"member syncs a server", member, "POST", "/api/v1/servers/alpha/sync", nil, 403},
		{"member lists servers", member, "GET", "/api/v1/servers", nil, 403},
		{"member reads a server", member, "GET", "/api/v1/servers/alpha", nil, 403},
		{"member adds an endpoint", member, "POST", "/api/v1/endpoints", api.CreateEndpointRequest{Name: "e", Servers: []string{"beta"}}, 403},
		{"member enables a tool", member, "PATCH", "/api/v1/endpoints/main/tools", enable, 403},
		{"member deletes an endpoint", member, "DELETE", "/api/v1/endpoints/main", nil, 403},
		{"member lists endpoints", member, "GET", "/api/v1/endpoints", nil, 403},
		{"member reads audit", member, "GET", "/api/v1/audit", nil, 403},
		{"member lists users", member, "GET", "/api/v1/users", nil, 403},
		{"member reads self", member, "GET", "/api/v1/me", nil, 200},
		{"member lists own tokens", member, "GET", "/api/v1/tokens", nil, 200},

		{"auditor reads audit", auditor, "GET", "/api/v1/audit", nil, 200},
		{"auditor reads an event", auditor, "GET", "/api/v1/audit/1", nil, 200},
		{"auditor lists servers", auditor, "GET", "/api/v1/servers", nil, 403},
		{"auditor reads a server", auditor, "GET", "/api/v1/servers/alpha", nil, 403},
		{"auditor adds a server", auditor, "POST", "/api/v1/servers", newServer, 403},
		{"auditor syncs a server", auditor, "POST", "/api/v1/servers/alpha/sync", nil, 403},
		{"auditor lists endpoints", auditor, "GET", "/api/v1/endpoints", nil, 403},
		{"auditor enables a tool", auditor, "PATCH", "/api/v1/endpoints/main/tools", enable, 403},

		{"editor lists servers", editor, "GET", "/api/v1/servers", nil, 200},
		{"editor reads an endpoint", editor, "GET", "/api/v1/endpoints/main", nil, 200},
		{"editor reads audit", editor, "GET", "/api/v1/audit", nil, 403},
		{"editor lists users", editor, "GET", "/api/v1/users", nil, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snapshot(t)
			r := f.do(t, tc.token, tc.method, tc.path, tc.body)
			if r.status != tc.want {
				t.Fatalf("%s %s = %s, want %d", tc.method, tc.path, r, tc.want)
			}
			if tc.want == http.StatusForbidden {
				if e := apiErrorBody(t, r); e.Code != api.CodeForbidden {
					t.Errorf("error = %+v, want code forbidden", e)
				}
			}
			if tc.method != http.MethodGet || tc.want == http.StatusForbidden {
				f.unchanged(t, before)
			}
		})
	}
}
