package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var userTests = []suite{
	{"Users/CreateGet", testUserCreateGet},
	{"Users/NotFound", testUserNotFound},
	{"Users/Conflict", testUserConflict},
	{"Users/List", testUserList},
}

func newUser(id, email string) store.User {
	return store.User{
		ID: id, Email: email, Name: "User " + id, Role: store.RoleMember,
		CreatedAt: at(0), UpdatedAt: at(1),
	}
}

func testUserCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser("u1", "Alice@Example.COM")
	u.Disabled = true
	u.Role = store.RoleAdmin
	check(t, s.CreateUser(ctx, u))

	want := u
	want.Email = "alice@example.com"
	got, err := s.GetUser(ctx, "u1")
	check(t, err)
	diff(t, "GetUser", got, want)

	for _, email := range []string{"alice@example.com", "ALICE@example.com"} {
		got, err = s.GetUserByEmail(ctx, email)
		check(t, err)
		diff(t, "GetUserByEmail("+email+")", got, want)
	}
}

func testUserNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	_, err := s.GetUser(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetUserByEmail(ctx, "b@example.com")
	wantErr(t, err, store.ErrNotFound)
}

func testUserConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	wantErr(t, s.CreateUser(ctx, newUser("u1", "b@example.com")), store.ErrConflict)
	wantErr(t, s.CreateUser(ctx, newUser("u2", "A@Example.com")), store.ErrConflict)

	us, err := s.ListUsers(ctx)
	check(t, err)
	if len(us) != 1 {
		t.Errorf("ListUsers after conflicts = %d users, want 1", len(us))
	}
}

func testUserList(t *testing.T, s store.Store) {
	ctx := t.Context()
	us, err := s.ListUsers(ctx)
	check(t, err)
	diff(t, "ListUsers on empty store", us, []store.User(nil))

	c, a, b := newUser("u1", "c@example.com"), newUser("u2", "a@example.com"), newUser("u3", "b@example.com")
	for _, u := range []store.User{c, a, b} {
		check(t, s.CreateUser(ctx, u))
	}
	us, err = s.ListUsers(ctx)
	check(t, err)
	diff(t, "ListUsers", us, []store.User{a, b, c})
}
