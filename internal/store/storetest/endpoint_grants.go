package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var endpointGrantTests = []suite{
	{"EndpointGrants/AddListRemove", testEndpointGrants},
	{"EndpointGrants/UserAccess", testUserAccess},
}

func newEndpointGrant(id, endpointID, typ, principalID string) store.EndpointGrant {
	return store.EndpointGrant{ID: id, EndpointID: endpointID, PrincipalType: typ, PrincipalID: principalID, CreatedAt: at(1)}
}

func testEndpointGrants(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e2", "prod")))
	got, err := s.ListEndpointGrants(ctx, "e1")
	check(t, err)
	diff(t, "ListEndpointGrants of no grants", got, []store.EndpointGrant(nil))
	u := newEndpointGrant("eg1", "e1", store.GrantUser, "u1")
	g := newEndpointGrant("eg2", "e1", store.GrantGroup, "g1")
	other := newEndpointGrant("eg3", "e2", store.GrantUser, "u1")
	check(t, s.AddEndpointGrant(ctx, u))
	check(t, s.AddEndpointGrant(ctx, g))
	check(t, s.AddEndpointGrant(ctx, other))
	wantErr(t, s.AddEndpointGrant(ctx, newEndpointGrant("eg4", "e1", store.GrantUser, "u1")), store.ErrConflict)
	wantErr(t, s.AddEndpointGrant(ctx, newEndpointGrant("eg1", "e2", store.GrantGroup, "g9")), store.ErrConflict)
	wantErr(t, s.AddEndpointGrant(ctx, newEndpointGrant("eg5", "nope", store.GrantUser, "u1")), store.ErrNotFound)
	got, err = s.ListEndpointGrants(ctx, "e1")
	check(t, err)
	diff(t, "ListEndpointGrants e1", got, []store.EndpointGrant{g, u})
	wantErr(t, s.RemoveEndpointGrant(ctx, "e2", "eg1"), store.ErrNotFound)
	check(t, s.RemoveEndpointGrant(ctx, "e1", "eg1"))
	wantErr(t, s.RemoveEndpointGrant(ctx, "e1", "eg1"), store.ErrNotFound)
	got, err = s.ListEndpointGrants(ctx, "e1")
	check(t, err)
	diff(t, "ListEndpointGrants e1 after remove", got, []store.EndpointGrant{g})
	check(t, s.DeleteEndpoint(ctx, "e2"))
	got, err = s.ListEndpointGrants(ctx, "e2")
	check(t, err)
	diff(t, "ListEndpointGrants of a deleted endpoint", got, []store.EndpointGrant(nil))
}

func testUserAccess(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	check(t, s.CreateGroup(ctx, newGroup("g1", "alpha", store.GroupSourceLocal)))
	check(t, s.CreateGroup(ctx, newGroup("g2", "beta", store.GroupSourceSSO)))
	check(t, s.AddMembership(ctx, store.Membership{GroupID: "g2", UserID: "u1", Source: store.GroupSourceSSO, CreatedAt: at(1)}))
	check(t, s.AddMembership(ctx, store.Membership{GroupID: "g1", UserID: "u1", Source: store.GroupSourceLocal, CreatedAt: at(1)}))
	for _, id := range []string{"e1", "e2", "e3", "e4"} {
		check(t, s.CreateEndpoint(ctx, newEndpoint(id, "ep-"+id)))
	}
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("a", "e3", store.GrantUser, "u1")))
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("b", "e3", store.GrantGroup, "g1"))) // twice: listed once
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("c", "e1", store.GrantGroup, "g2")))
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("d", "e2", store.GrantUser, "u2")))
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("e", "e4", store.GrantServiceAccount, "u1"))) // not the user
	groups, eps, err := s.UserAccess(ctx, "u1")
	check(t, err)
	diff(t, "UserAccess groups", groups, []string{"g1", "g2"})
	diff(t, "UserAccess endpoints", eps, []string{"e1", "e3"})
	groups, eps, err = s.UserAccess(ctx, "nobody")
	check(t, err)
	diff(t, "UserAccess groups of nobody", groups, []string(nil))
	diff(t, "UserAccess endpoints of nobody", eps, []string(nil))
}
