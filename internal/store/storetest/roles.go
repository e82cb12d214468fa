package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var roleTests = []suite{
	{"Roles/CreateListGetUpdate", testRolesCRUD},
	{"Roles/DeleteRefusedWhileAssigned", testRoleDeleteAssigned},
	{"Groups/DeleteDropsGrantsAndMembers", testDeleteGroup},
	{"ServiceAccounts/DeleteDropsGrantsAndTokens", testDeleteServiceAccount},
}

func newRole(id, name string) store.Role {
	return store.Role{ID: id, Name: name, Description: "team " + name, CreatedAt: at(0), UpdatedAt: at(0),
		Permissions: []store.Permission{
			{Resource: "endpoints", Actions: []string{"read", "edit"},
				Conditions: []store.Condition{{Op: "glob", Values: []string{name + "-*"}}}},
			{Resource: "servers", Actions: []string{"read"}},
		}}
}

func testRolesCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.ListRoles(ctx)
	check(t, err)
	diff(t, "ListRoles of an empty store", got, []store.Role(nil))
	b, a := newRole("r2", "team-b"), newRole("r1", "team-a")
	check(t, s.CreateRole(ctx, b))
	check(t, s.CreateRole(ctx, a))
	wantErr(t, s.CreateRole(ctx, newRole("r3", "team-a")), store.ErrConflict)
	wantErr(t, s.CreateRole(ctx, newRole("r1", "team-c")), store.ErrConflict)
	got, err = s.ListRoles(ctx)
	check(t, err)
	diff(t, "ListRoles", got, []store.Role{a, b})
	r, err := s.GetRoleByName(ctx, "team-b")
	check(t, err)
	diff(t, "GetRoleByName", r, b)
	_, err = s.GetRoleByName(ctx, "Team-B")
	wantErr(t, err, store.ErrNotFound)

	want := b
	want.Description, want.UpdatedAt = "changed", at(5)
	want.Permissions = []store.Permission{{Resource: "audit", Actions: []string{"read", "export"}}}
	upd, err := s.UpdateRole(ctx, "r2", func(cur store.Role) (store.Role, error) {
		cur.Name, cur.CreatedAt = "renamed", at(9) // ignored: names and creation times stay
		cur.Description, cur.UpdatedAt, cur.Permissions = want.Description, want.UpdatedAt, want.Permissions
		return cur, nil
	})
	check(t, err)
	diff(t, "UpdateRole result", upd, want)
	r, err = s.GetRoleByName(ctx, "team-b")
	check(t, err)
	diff(t, "role after update", r, want)
	_, err = s.UpdateRole(ctx, "r2", func(store.Role) (store.Role, error) { return store.Role{}, errBoom })
	wantErr(t, err, errBoom)
	_, err = s.UpdateRole(ctx, "nope", func(cur store.Role) (store.Role, error) { return cur, nil })
	wantErr(t, err, store.ErrNotFound)
}

func testRoleDeleteAssigned(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateRole(ctx, newRole("r1", "team-a")))
	u := newUser("u1", "a@example.com")
	u.Role = "team-a"
	check(t, s.CreateUser(ctx, u))
	wantErr(t, s.DeleteRole(ctx, "r1"), store.ErrConflict)
	_, err := s.GetRoleByName(ctx, "team-a")
	check(t, err)
	_, err = s.UpdateUser(ctx, "u1", func(u store.User) (store.User, error) {
		u.Role = store.RoleMember
		return u, nil
	})
	check(t, err)
	check(t, s.DeleteRole(ctx, "r1"))
	wantErr(t, s.DeleteRole(ctx, "r1"), store.ErrNotFound)
	_, err = s.GetRoleByName(ctx, "team-a")
	wantErr(t, err, store.ErrNotFound)
}

func testDeleteGroup(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	check(t, s.CreateGroup(ctx, newGroup("g1", "alpha", store.GroupSourceLocal)))
	check(t, s.CreateGroup(ctx, newGroup("g2", "beta", store.GroupSourceLocal)))
	check(t, s.AddMembership(ctx, store.Membership{GroupID: "g1", UserID: "u1", Source: "local", CreatedAt: at(1)}))
	keep := newEndpointGrant("eg2", "e1", store.GrantGroup, "g2")
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("eg1", "e1", store.GrantGroup, "g1")))
	check(t, s.AddEndpointGrant(ctx, keep))
	check(t, s.DeleteGroup(ctx, "g1"))
	wantErr(t, s.DeleteGroup(ctx, "g1"), store.ErrNotFound)
	ms, err := s.ListMemberships(ctx, "")
	check(t, err)
	diff(t, "memberships after delete", ms, []store.Membership(nil))
	gs, err := s.ListEndpointGrants(ctx, "e1")
	check(t, err)
	diff(t, "grants after delete", gs, []store.EndpointGrant{keep})
	_, err = s.GetGroupByName(ctx, "alpha")
	wantErr(t, err, store.ErrNotFound)
}

func testDeleteServiceAccount(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	check(t, s.CreateServiceAccount(ctx, newServiceAccount("sa1", "ci")))
	check(t, s.CreateServiceAccount(ctx, newServiceAccount("sa2", "bot")))
	keep := newEndpointGrant("eg2", "e1", store.GrantServiceAccount, "sa2")
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("eg1", "e1", store.GrantServiceAccount, "sa1")))
	check(t, s.AddEndpointGrant(ctx, keep))
	tok := store.ServiceAccountToken{ID: "t1", Name: "dev", ServiceAccountID: "sa1", Hash: []byte("h1"), Prefix: "sbt_sa_x",
		EndpointID: "e1", CreatedAt: at(1), ExpiresAt: at(60)}
	check(t, s.CreateServiceAccountToken(ctx, tok))
	check(t, s.DeleteServiceAccount(ctx, "sa1"))
	wantErr(t, s.DeleteServiceAccount(ctx, "sa1"), store.ErrNotFound)
	_, err := s.GetServiceAccountTokenByHash(ctx, []byte("h1"))
	wantErr(t, err, store.ErrNotFound)
	gs, err := s.ListEndpointGrants(ctx, "e1")
	check(t, err)
	diff(t, "grants after delete", gs, []store.EndpointGrant{keep})
	as, err := s.ListServiceAccounts(ctx)
	check(t, err)
	diff(t, "accounts after delete", as, []store.ServiceAccount{newServiceAccount("sa2", "bot")})
}
