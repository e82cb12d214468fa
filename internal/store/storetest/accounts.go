package storetest

import (
	"crypto/sha256"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var accountTests = []suite{
	{"Accounts/UpdateUser", testUpdateUser},
	{"Accounts/UpdateUserFailure", testUpdateUserFailure},
	{"Accounts/Password", testPassword},
	{"Sessions/CreateGetTouchDelete", testSessionLifecycle},
	{"Sessions/Expiry", testSessionExpiry},
	{"Sessions/UserSignOut", testSessionsOfUser},
}

func testUpdateUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser("u1", "a@example.com")
	check(t, s.CreateUser(ctx, u))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	got, err := s.UpdateUser(ctx, "u1", func(u store.User) (store.User, error) {
		u.Disabled, u.Role, u.Email, u.UpdatedAt = true, store.RoleAdmin, "A2@Example.com", at(9)
		u.CreatedAt = at(99) // ignored
		return u, nil
	})
	check(t, err)
	want := u
	want.Disabled, want.Role, want.Email, want.UpdatedAt = true, store.RoleAdmin, "a2@example.com", at(9)
	diff(t, "UpdateUser result", got, want)
	stored, err := s.GetUser(ctx, "u1")
	check(t, err)
	diff(t, "GetUser after update", stored, want)

	_, err = s.UpdateUser(ctx, "u1", func(u store.User) (store.User, error) {
		u.Email = "b@example.com"
		return u, nil
	})
	wantErr(t, err, store.ErrConflict)
	_, err = s.UpdateUser(ctx, "nope", func(u store.User) (store.User, error) { return u, nil })
	wantErr(t, err, store.ErrNotFound)
}

func testUpdateUserFailure(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser("u1", "a@example.com")
	check(t, s.CreateUser(ctx, u))
	_, err := s.UpdateUser(ctx, "u1", func(u store.User) (store.User, error) {
		u.Disabled = true
		return u, errBoom
	})
	wantErr(t, err, errBoom)
	got, err := s.GetUser(ctx, "u1")
	check(t, err)
	diff(t, "user after a failed update", got, u)
}

func testPassword(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	_, err := s.GetPasswordHash(ctx, "u1")
	wantErr(t, err, store.ErrNotFound)
	check(t, s.SetPasswordHash(ctx, "u1", "$argon2id$one", at(1)))
	check(t, s.SetPasswordHash(ctx, "u1", "$argon2id$two", at(2)))
	got, err := s.GetPasswordHash(ctx, "u1")
	check(t, err)
	if got != "$argon2id$two" {
		t.Errorf("GetPasswordHash = %q, want the second hash", got)
	}
	wantErr(t, s.SetPasswordHash(ctx, "nobody", "$argon2id$x", at(1)), store.ErrNotFound)
}

func newSession(id, userID string) store.Session {
	h := sha256.Sum256([]byte("cookie " + id))
	return store.Session{ID: id, Hash: h[:], UserID: userID, CreatedAt: at(0), LastSeenAt: at(0), ExpiresAt: at(600)}
}

func testSessionLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	se := newSession("se1", "u1")
	check(t, s.CreateSession(ctx, se))
	wantErr(t, s.CreateSession(ctx, se), store.ErrConflict)
	wantErr(t, s.CreateSession(ctx, newSession("se2", "nobody")), store.ErrNotFound)

	got, err := s.GetSessionByHash(ctx, se.Hash)
	check(t, err)
	diff(t, "GetSessionByHash", got, se)

	check(t, s.TouchSession(ctx, "se1", at(5)))
	check(t, s.TouchSession(ctx, "se1", at(3))) // never backwards
	got, err = s.GetSessionByHash(ctx, se.Hash)
	check(t, err)
	if !got.LastSeenAt.Equal(at(5)) {
		t.Errorf("LastSeenAt = %v, want %v", got.LastSeenAt, at(5))
	}
	wantErr(t, s.TouchSession(ctx, "nope", at(5)), store.ErrNotFound)

	check(t, s.DeleteSession(ctx, "se1"))
	wantErr(t, s.DeleteSession(ctx, "se1"), store.ErrNotFound)
	_, err = s.GetSessionByHash(ctx, se.Hash)
	wantErr(t, err, store.ErrNotFound)
}

func testSessionExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	live, idle, old := newSession("live", "u1"), newSession("idle", "u1"), newSession("old", "u1")
	live.LastSeenAt = at(50)
	idle.LastSeenAt = at(10)
	old.LastSeenAt, old.ExpiresAt = at(50), at(55)
	for _, se := range []store.Session{live, idle, old} {
		check(t, s.CreateSession(ctx, se))
	}
	n, err := s.DeleteExpiredSessions(ctx, at(60), at(30))
	check(t, err)
	if n != 2 {
		t.Errorf("DeleteExpiredSessions removed %d, want 2", n)
	}
	if _, err := s.GetSessionByHash(ctx, live.Hash); err != nil {
		t.Errorf("the live session is gone: %v", err)
	}
	for _, se := range []store.Session{idle, old} {
		_, err := s.GetSessionByHash(ctx, se.Hash)
		wantErr(t, err, store.ErrNotFound)
	}
}

func testSessionsOfUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	a, b, c := newSession("a", "u1"), newSession("b", "u1"), newSession("c", "u2")
	for _, se := range []store.Session{a, b, c} {
		check(t, s.CreateSession(ctx, se))
	}
	check(t, s.DeleteUserSessions(ctx, "u1"))
	for _, se := range []store.Session{a, b} {
		_, err := s.GetSessionByHash(ctx, se.Hash)
		wantErr(t, err, store.ErrNotFound)
	}
	if _, err := s.GetSessionByHash(ctx, c.Hash); err != nil {
		t.Errorf("another user's session is gone: %v", err)
	}
}
