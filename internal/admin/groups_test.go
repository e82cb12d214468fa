package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestListGroups(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	var empty api.List[api.Group]
	if r := e.call(t, http.MethodGet, "/api/v1/groups", nil, http.StatusOK, &empty); empty.Items == nil {
		t.Fatalf("empty list = %s, want items []", r.body)
	}

	zed, _ := e.newUser(t, "zed@example.com", store.RoleMember, false)
	amy, memberToken := e.newUser(t, "amy@example.com", store.RoleMember, false)
	now := e.clock.Now()
	eng := store.Group{ID: "grp_eng", Name: "engineering", Source: store.GroupSourceSSO, CreatedAt: now}
	ops := store.Group{ID: "grp_ops", Name: "ops", Source: store.GroupSourceLocal, CreatedAt: now}
	for _, g := range []store.Group{ops, eng} {
		if err := e.st.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []store.Membership{
		{GroupID: eng.ID, UserID: zed.ID, Source: store.GroupSourceSSO, CreatedAt: now},
		{GroupID: eng.ID, UserID: amy.ID, Source: store.GroupSourceLocal, CreatedAt: now},
	} {
		if err := e.st.AddMembership(ctx, m); err != nil {
			t.Fatal(err)
		}
	}

	var got api.List[api.Group]
	e.call(t, http.MethodGet, "/api/v1/groups", nil, http.StatusOK, &got)
	want := []api.Group{
		{ID: eng.ID, Name: "engineering", Source: "sso", CreatedAt: now, Members: []api.GroupMember{
			{UserID: amy.ID, Email: "amy@example.com", Source: "local"},
			{UserID: zed.ID, Email: "zed@example.com", Source: "sso"},
		}},
		{ID: ops.ID, Name: "ops", Source: "local", CreatedAt: now, Members: []api.GroupMember{}},
	}
	if d := cmp.Diff(want, got.Items); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}

	if r := e.do(t, memberToken, http.MethodGet, "/api/v1/groups", nil); r.status != http.StatusForbidden {
		t.Errorf("a member listing groups: %s, want 403", r)
	}
}

// TestGroupManagement creates a group, adds and removes a member, grants
// the group an endpoint and deletes it: memberships and the grant go
// with it, and every change is audited with before and after.
func TestGroupManagement(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ann, _ := f.newUser(t, "ann@example.com", store.RoleMember, false)
	var g api.Group
	f.call(t, http.MethodPost, "/api/v1/groups", api.CreateGroupRequest{Name: "sre"}, http.StatusCreated, &g)
	if g.Source != store.GroupSourceLocal || len(g.Members) != 0 {
		t.Errorf("new group = %+v", g)
	}
	f.call(t, http.MethodPost, "/api/v1/groups/sre/members", api.AddGroupMemberRequest{Email: "Ann@Example.com"}, http.StatusCreated, &g)
	if want := []api.GroupMember{{UserID: ann.ID, Email: ann.Email, Source: "local"}}; !cmp.Equal(g.Members, want) {
		t.Errorf("members = %+v, want %+v", g.Members, want)
	}
	ev := f.auditEvents(t)[0]
	if ev.Code != audit.CodeGroupMemberAdded || strings.Contains(string(ev.Request), ann.Email) || !strings.Contains(string(ev.Response), ann.Email) {
		t.Errorf("member added event = %s %s -> %s", ev.Code, ev.Request, ev.Response)
	}
	f.call(t, http.MethodDelete, "/api/v1/groups/sre/members/ann@example.com", nil, http.StatusOK, &g)
	if len(g.Members) != 0 {
		t.Errorf("members after removal = %+v", g.Members)
	}
	f.call(t, http.MethodPost, "/api/v1/groups/sre/members", api.AddGroupMemberRequest{Email: ann.Email}, http.StatusCreated, nil)
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", api.GrantEndpointRequest{Group: "sre"}, http.StatusCreated, nil)
	_, eps, err := f.st.UserAccess(ctx, ann.ID)
	if err != nil || len(eps) != 1 {
		t.Fatalf("ann's endpoints through sre = %v, %v", eps, err)
	}
	f.call(t, http.MethodDelete, "/api/v1/groups/sre", nil, http.StatusNoContent, nil)
	groups, eps, err := f.st.UserAccess(ctx, ann.ID)
	if err != nil || len(groups) != 0 || len(eps) != 0 {
		t.Errorf("after delete ann has groups %v endpoints %v (%v), want none", groups, eps, err)
	}
	ep, _ := f.st.GetEndpointByName(ctx, "main")
	if gs, _ := f.st.ListEndpointGrants(ctx, ep.ID); len(gs) != 0 {
		t.Errorf("grants after delete = %+v", gs)
	}
	if ev := f.auditEvents(t)[0]; ev.Code != audit.CodeGroupDeleted || !strings.Contains(string(ev.Request), ann.Email) {
		t.Errorf("delete event = %s %s", ev.Code, ev.Request)
	}
}

func groupCases(t *testing.T, f *fixture) []badCase {
	ctx := t.Context()
	u, _ := f.newUser(t, "in@example.com", store.RoleMember, false)
	g := store.Group{ID: "grp_sre", Name: "sre", Source: store.GroupSourceLocal, CreatedAt: f.clock.Now()}
	if err := f.st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: u.ID, Source: "local", CreatedAt: g.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	const c, m = "POST /api/v1/groups", "POST /api/v1/groups/{name}/members"
	cases := jsonCases(c)
	for _, bc := range []badCase{
		{name: "name missing", body: `{}`, field: "name", msg: "required"},
		{name: "name with spaces around", body: `{"name":" sre"}`, field: "name"},
		{name: "name with a control character", body: `{"name":"a\u0007b"}`, field: "name"},
		{name: "name too long", body: `{"name":"` + strings.Repeat("g", 201) + `"}`, field: "name"},
		{name: "taken name", body: `{"name":"sre"}`, status: 409, code: api.CodeConflict, field: "name", msg: `"sre"`},
	} {
		bc.route = c
		if bc.status == 0 {
			bc.status, bc.code = 400, api.CodeInvalidField
		}
		cases = append(cases, bc)
	}
	for _, bc := range jsonCases(m) {
		bc.path = "/api/v1/groups/sre/members"
		cases = append(cases, bc)
	}
	for _, bc := range []badCase{
		{name: "email missing", body: `{}`, field: "email"},
		{name: "not an email", body: `{"email":"ann"}`, field: "email"},
		{name: "unknown user", body: `{"email":"nobody@example.com"}`, field: "email", msg: "user create"},
		{name: "already a member", body: `{"email":"in@example.com"}`, status: 409, code: api.CodeConflict, field: "email", msg: "already"},
	} {
		bc.route, bc.path = m, "/api/v1/groups/sre/members"
		if bc.status == 0 {
			bc.status, bc.code = 400, api.CodeInvalidField
		}
		cases = append(cases, bc)
	}
	const rm = "DELETE /api/v1/groups/{name}/members/{email}"
	return append(cases,
		badCase{name: "unknown group", route: m, path: "/api/v1/groups/nope/members", body: `{"email":"in@example.com"}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown group", route: "DELETE /api/v1/groups/{name}", path: "/api/v1/groups/nope", status: 404, code: api.CodeNotFound, msg: "group list"},
		badCase{name: "unknown group", route: rm, path: "/api/v1/groups/nope/members/in@example.com", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "not a member", route: rm, path: "/api/v1/groups/sre/members/other@example.com", status: 404, code: api.CodeNotFound, msg: "not in group"},
	)
}
