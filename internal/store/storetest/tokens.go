package storetest

import (
	"crypto/sha256"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var tokenTests = []suite{
	{"Tokens/CreateGet", testTokenCreateGet},
	{"Tokens/NotFound", testTokenNotFound},
	{"Tokens/Conflict", testTokenConflict},
	{"Tokens/List", testTokenList},
	{"Tokens/Revoke", testTokenRevoke},
}

func newToken(id, userID string) store.APIToken {
	h := sha256.Sum256([]byte("sbt_secret_" + id))
	return store.APIToken{
		ID: id, Name: "token " + id, UserID: userID, Hash: h[:], Prefix: "sbt_" + id,
		CreatedAt: at(0),
	}
}

func testTokenCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	tok := newToken("t1", "u1")
	tok.EndpointID = "ep1"
	tok.ExpiresAt = at(60)
	check(t, s.CreateAPIToken(ctx, tok))

	got, err := s.GetAPITokenByHash(ctx, tok.Hash)
	check(t, err)
	diff(t, "GetAPITokenByHash", got, tok)
	if !got.RevokedAt.IsZero() {
		t.Errorf("RevokedAt = %v, want zero", got.RevokedAt)
	}
}

func testTokenNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateAPIToken(ctx, newToken("t1", "u1")))

	_, err := s.GetAPITokenByHash(ctx, newToken("t2", "u1").Hash)
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.RevokeAPIToken(ctx, "t2", at(5)), store.ErrNotFound)
	wantErr(t, s.CreateAPIToken(ctx, newToken("t3", "nobody")), store.ErrNotFound)
}

func testTokenConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	t1 := newToken("t1", "u1")
	check(t, s.CreateAPIToken(ctx, t1))

	sameHash := newToken("t2", "u1")
	sameHash.Hash = t1.Hash
	wantErr(t, s.CreateAPIToken(ctx, sameHash), store.ErrConflict)
	wantErr(t, s.CreateAPIToken(ctx, t1), store.ErrConflict)

	ts, err := s.ListAPITokens(ctx, "u1")
	check(t, err)
	diff(t, "ListAPITokens after conflicts", ts, []store.APIToken{t1})
}

func testTokenList(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	a, b, c := newToken("t1", "u1"), newToken("t2", "u2"), newToken("t3", "u1")
	a.CreatedAt, b.CreatedAt, c.CreatedAt = at(3), at(2), at(1)
	for _, tok := range []store.APIToken{a, b, c} {
		check(t, s.CreateAPIToken(ctx, tok))
	}

	for _, tc := range []struct {
		user string
		want []store.APIToken
	}{
		{"u1", []store.APIToken{c, a}},
		{"u2", []store.APIToken{b}},
		{"u3", nil},
		{"", []store.APIToken{c, b, a}},
	} {
		got, err := s.ListAPITokens(ctx, tc.user)
		check(t, err)
		diff(t, "ListAPITokens("+tc.user+")", got, tc.want)
	}
}

func testTokenRevoke(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	tok := newToken("t1", "u1")
	check(t, s.CreateAPIToken(ctx, tok))

	check(t, s.RevokeAPIToken(ctx, "t1", at(10)))
	check(t, s.RevokeAPIToken(ctx, "t1", at(20))) // keeps the first time
	got, err := s.GetAPITokenByHash(ctx, tok.Hash)
	check(t, err)
	tok.RevokedAt = at(10)
	diff(t, "revoked token", got, tok)
}
