package admin

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
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
