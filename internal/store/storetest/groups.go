package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var groupTests = []suite{
	{"Groups/CreateListGet", testGroupsCreate},
	{"Groups/Memberships", testMemberships},
	{"Groups/SetSourcedMemberships", testSetSourcedMemberships},
}

func newGroup(id, name, source string) store.Group {
	return store.Group{ID: id, Name: name, Source: source, CreatedAt: at(0)}
}

func testGroupsCreate(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.ListGroups(ctx)
	check(t, err)
	diff(t, "ListGroups of an empty store", got, []store.Group(nil))
	b := newGroup("g2", "beta", store.GroupSourceSSO)
	a := newGroup("g1", "alpha", store.GroupSourceLocal)
	check(t, s.CreateGroup(ctx, b))
	check(t, s.CreateGroup(ctx, a))
	wantErr(t, s.CreateGroup(ctx, newGroup("g3", "alpha", store.GroupSourceSSO)), store.ErrConflict)
	wantErr(t, s.CreateGroup(ctx, newGroup("g1", "gamma", store.GroupSourceSSO)), store.ErrConflict)
	got, err = s.ListGroups(ctx)
	check(t, err)
	diff(t, "ListGroups", got, []store.Group{a, b})
	g, err := s.GetGroupByName(ctx, "beta")
	check(t, err)
	diff(t, "GetGroupByName", g, b)
	_, err = s.GetGroupByName(ctx, "Beta")
	wantErr(t, err, store.ErrNotFound)
}

func testMemberships(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	check(t, s.CreateGroup(ctx, newGroup("g1", "alpha", store.GroupSourceLocal)))
	m1 := store.Membership{GroupID: "g1", UserID: "u1", Source: store.GroupSourceLocal, CreatedAt: at(1)}
	m2 := store.Membership{GroupID: "g1", UserID: "u2", Source: store.GroupSourceSSO, CreatedAt: at(2)}
	check(t, s.AddMembership(ctx, m1))
	check(t, s.AddMembership(ctx, m2))
	dup := m1
	dup.Source = store.GroupSourceSSO
	wantErr(t, s.AddMembership(ctx, dup), store.ErrConflict)
	wantErr(t, s.AddMembership(ctx, store.Membership{GroupID: "nope", UserID: "u1", Source: "local"}), store.ErrNotFound)
	wantErr(t, s.AddMembership(ctx, store.Membership{GroupID: "g1", UserID: "nobody", Source: "local"}), store.ErrNotFound)
	all, err := s.ListMemberships(ctx, "")
	check(t, err)
	diff(t, "ListMemberships all", all, []store.Membership{m1, m2})
	mine, err := s.ListMemberships(ctx, "u2")
	check(t, err)
	diff(t, "ListMemberships u2", mine, []store.Membership{m2})
	check(t, s.RemoveMembership(ctx, "g1", "u1"))
	wantErr(t, s.RemoveMembership(ctx, "g1", "u1"), store.ErrNotFound)
	all, err = s.ListMemberships(ctx, "")
	check(t, err)
	diff(t, "ListMemberships after remove", all, []store.Membership{m2})
}

func testSetSourcedMemberships(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	for _, g := range []store.Group{newGroup("g1", "one", "sso"), newGroup("g2", "two", "sso"),
		newGroup("g3", "three", "sso"), newGroup("g4", "local", "local")} {
		check(t, s.CreateGroup(ctx, g))
	}
	local := store.Membership{GroupID: "g4", UserID: "u1", Source: store.GroupSourceLocal, CreatedAt: at(0)}
	localToo := store.Membership{GroupID: "g2", UserID: "u1", Source: store.GroupSourceLocal, CreatedAt: at(0)}
	other := store.Membership{GroupID: "g1", UserID: "u2", Source: store.GroupSourceSSO, CreatedAt: at(0)}
	check(t, s.AddMembership(ctx, local))
	check(t, s.AddMembership(ctx, localToo))
	check(t, s.AddMembership(ctx, other))
	sso := func(g string, n int) store.Membership {
		return store.Membership{GroupID: g, UserID: "u1", Source: store.GroupSourceSSO, CreatedAt: at(n)}
	}

	check(t, s.SetSourcedMemberships(ctx, "u1", store.GroupSourceSSO, []string{"g1", "g2", "g1"}, at(1)))
	got, err := s.ListMemberships(ctx, "u1")
	check(t, err)
	// g2 stays local: a membership of another source is left alone.
	diff(t, "after the first sync", got, []store.Membership{sso("g1", 1), localToo, local})

	check(t, s.SetSourcedMemberships(ctx, "u1", store.GroupSourceSSO, []string{"g3"}, at(2)))
	got, err = s.ListMemberships(ctx, "u1")
	check(t, err)
	diff(t, "after the second sync", got, []store.Membership{localToo, sso("g3", 2), local})

	check(t, s.SetSourcedMemberships(ctx, "u1", store.GroupSourceSSO, nil, at(3)))
	got, err = s.ListMemberships(ctx, "u1")
	check(t, err)
	diff(t, "after an empty sync", got, []store.Membership{localToo, local})
	others, err := s.ListMemberships(ctx, "u2")
	check(t, err)
	diff(t, "another user's memberships", others, []store.Membership{other})

	err = s.SetSourcedMemberships(ctx, "u1", store.GroupSourceSSO, []string{"g1", "nope"}, at(4))
	wantErr(t, err, store.ErrNotFound)
	got, err = s.ListMemberships(ctx, "u1")
	check(t, err)
	diff(t, "after a failed sync", got, []store.Membership{localToo, local})
}
