package storetest

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var oauthTests = []suite{
	{"OAuth/Clients", testOAuthClients},
	{"OAuth/RedeemCode", testRedeemCode},
	{"OAuth/RedeemCodeIssueFails", testRedeemCodeIssueFails},
	{"OAuth/RedeemCodeConcurrent", testRedeemCodeConcurrent},
	{"OAuth/RotateRefresh", testRotateRefresh},
	{"OAuth/RevokeAndList", testGrantRevokeList},
	{"OAuth/Cascade", testOAuthCascade},
}

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func newOAuthClient(id string) store.OAuthClient {
	return store.OAuthClient{
		ID: id, Name: "client " + id, RedirectURIs: []string{"http://127.0.0.1/cb", "https://app.example/cb"},
		AuthMethod: store.ClientAuthNone, GrantTypes: []string{"authorization_code", "refresh_token"},
		Metadata: json.RawMessage(`{"client_uri":"https://app.example"}`), Source: store.ClientSourceDCR,
		CreatedAt: at(0), LastUsedAt: at(0),
	}
}

// oauthFixture creates user u1, server s1, endpoint e1 and client c1.
func oauthFixture(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev", "s1")))
	check(t, s.CreateOAuthClient(ctx, newOAuthClient("c1")))
}

func newCode(name string) store.AuthCode {
	return store.AuthCode{
		Hash: hashOf("code " + name), ClientID: "c1", UserID: "u1", EndpointID: "e1",
		Resource: "https://sb.example/mcp/dev", RedirectURI: "http://127.0.0.1:5555/cb", Challenge: "chal",
		GrantTTL: 30 * 24 * time.Hour, CreatedAt: at(0), ExpiresAt: at(1),
	}
}

func newGrantFrom(c store.AuthCode, id string) store.Grant {
	return store.Grant{ID: id, UserID: c.UserID, ClientID: c.ClientID, EndpointID: c.EndpointID,
		Resource: c.Resource, CreatedAt: at(0), ExpiresAt: at(0).Add(c.GrantTTL)}
}

func newOAuthToken(id, kind, grantID string) store.OAuthToken {
	return store.OAuthToken{ID: id, Hash: hashOf("token " + id), Kind: kind, GrantID: grantID, CreatedAt: at(0), ExpiresAt: at(60)}
}

func testOAuthClients(t *testing.T, s store.Store) {
	ctx := t.Context()
	pub, conf := newOAuthClient("c1"), newOAuthClient("c2")
	conf.AuthMethod, conf.SecretHash, conf.Metadata, conf.CreatedAt = store.ClientAuthBasic, hashOf("secret"), nil, at(1)
	check(t, s.CreateOAuthClient(ctx, pub))
	check(t, s.CreateOAuthClient(ctx, conf))
	wantErr(t, s.CreateOAuthClient(ctx, pub), store.ErrConflict)

	got, err := s.GetOAuthClient(ctx, "c2")
	check(t, err)
	diff(t, "GetOAuthClient", got, conf)
	list, err := s.ListOAuthClients(ctx)
	check(t, err)
	diff(t, "ListOAuthClients", list, []store.OAuthClient{pub, conf})

	check(t, s.TouchOAuthClient(ctx, "c1", at(7)))
	check(t, s.TouchOAuthClient(ctx, "c1", at(3))) // never backwards
	got, err = s.GetOAuthClient(ctx, "c1")
	check(t, err)
	if !got.LastUsedAt.Equal(at(7)) {
		t.Errorf("LastUsedAt = %v, want %v", got.LastUsedAt, at(7))
	}
	wantErr(t, s.TouchOAuthClient(ctx, "nope", at(1)), store.ErrNotFound)

	upd, err := s.UpdateOAuthClient(ctx, "c1", func(c store.OAuthClient) (store.OAuthClient, error) {
		c.Name, c.RedirectURIs, c.Source, c.ID = "renamed", []string{"https://new.example/cb"}, "ignored", "ignored"
		return c, nil
	})
	check(t, err)
	got, err = s.GetOAuthClient(ctx, "c1")
	check(t, err)
	diff(t, "UpdateOAuthClient", got, upd)
	if got.Name != "renamed" || got.Source != pub.Source || got.ID != "c1" || len(got.RedirectURIs) != 1 {
		t.Errorf("updated client = %+v", got)
	}
	_, err = s.UpdateOAuthClient(ctx, "nope", func(c store.OAuthClient) (store.OAuthClient, error) { return c, nil })
	wantErr(t, err, store.ErrNotFound)

	// c1 was used at 7, c2 at its creation; prune by source and last use.
	ids, err := s.DeleteUnusedOAuthClients(ctx, conf.Source, at(7))
	check(t, err)
	diff(t, "DeleteUnusedOAuthClients", ids, []string{"c2"})
	check(t, s.CreateOAuthClient(ctx, conf))
	ids, err = s.DeleteUnusedOAuthClients(ctx, "admin-only", at(100))
	check(t, err)
	if len(ids) != 0 {
		t.Errorf("pruned %v of another source", ids)
	}
	check(t, s.DeleteOAuthClient(ctx, "c2"))
	wantErr(t, s.DeleteOAuthClient(ctx, "c2"), store.ErrNotFound)
	_, err = s.GetOAuthClient(ctx, "c2")
	wantErr(t, err, store.ErrNotFound)
}

func testRedeemCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	oauthFixture(t, s)
	code := newCode("a")
	check(t, s.CreateAuthCode(ctx, code))
	bad := newCode("b")
	bad.ClientID = "nope"
	wantErr(t, s.CreateAuthCode(ctx, bad), store.ErrNotFound)

	var seen store.AuthCode
	g := newGrantFrom(code, "g1")
	access, refresh := newOAuthToken("at1", store.TokenAccess, "g1"), newOAuthToken("rt1", store.TokenRefresh, "g1")
	got, err := s.RedeemAuthCode(ctx, code.Hash, at(0), func(c store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		seen = c
		return g, []store.OAuthToken{access, refresh}, nil
	})
	check(t, err)
	want := code
	want.UsedAt = at(0)
	diff(t, "code passed to issue", seen, want)
	want.GrantID = "g1"
	diff(t, "RedeemAuthCode result", got, want)

	tok, grant, err := s.GetOAuthToken(ctx, access.Hash)
	check(t, err)
	diff(t, "GetOAuthToken token", tok, access)
	diff(t, "GetOAuthToken grant", grant, g)

	called := false
	again, err := s.RedeemAuthCode(ctx, code.Hash, at(0), func(store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		called = true
		return store.Grant{}, nil, nil
	})
	wantErr(t, err, store.ErrConflict)
	if called || again.GrantID != "g1" {
		t.Errorf("replay: issue called = %v, GrantID = %q; want false, g1", called, again.GrantID)
	}
	_, err = s.RedeemAuthCode(ctx, hashOf("unknown"), at(0), nil)
	wantErr(t, err, store.ErrNotFound)
}

func testRedeemCodeIssueFails(t *testing.T, s store.Store) {
	ctx := t.Context()
	oauthFixture(t, s)
	code := newCode("a")
	check(t, s.CreateAuthCode(ctx, code))
	_, err := s.RedeemAuthCode(ctx, code.Hash, at(0), func(c store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		return newGrantFrom(c, "g1"), nil, errBoom
	})
	wantErr(t, err, errBoom)
	if _, err := s.GetGrant(ctx, "g1"); !isNotFound(err) {
		t.Errorf("a failed issue stored its grant: %v", err)
	}
	// The code is spent all the same.
	got, err := s.RedeemAuthCode(ctx, code.Hash, at(0), nil)
	wantErr(t, err, store.ErrConflict)
	if got.GrantID != "" || got.UsedAt.IsZero() {
		t.Errorf("spent code = %+v, want used without a grant", got)
	}
}

func testRedeemCodeConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	oauthFixture(t, s)
	code := newCode("a")
	check(t, s.CreateAuthCode(ctx, code))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			id := string(rune('a' + i))
			_, errs[i] = s.RedeemAuthCode(ctx, code.Hash, at(0), func(c store.AuthCode) (store.Grant, []store.OAuthToken, error) {
				return newGrantFrom(c, "g"+id), []store.OAuthToken{newOAuthToken("at"+id, store.TokenAccess, "g"+id)}, nil
			})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d redemptions succeeded, want exactly 1", won)
	}
	gs, err := s.ListGrants(ctx, "")
	check(t, err)
	if len(gs) != 1 {
		t.Errorf("%d grants stored, want 1", len(gs))
	}
}

// issuedGrant redeems a fresh code into grant g1 with access token at1 and
// refresh token rt1.
func issuedGrant(t *testing.T, s store.Store) store.Grant {
	t.Helper()
	oauthFixture(t, s)
	code := newCode("a")
	check(t, s.CreateAuthCode(t.Context(), code))
	g := newGrantFrom(code, "g1")
	_, err := s.RedeemAuthCode(t.Context(), code.Hash, at(0), func(store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		return g, []store.OAuthToken{newOAuthToken("at1", store.TokenAccess, "g1"), newOAuthToken("rt1", store.TokenRefresh, "g1")}, nil
	})
	check(t, err)
	return g
}

func testRotateRefresh(t *testing.T, s store.Store) {
	ctx := t.Context()
	g := issuedGrant(t, s)
	rt1 := newOAuthToken("rt1", store.TokenRefresh, "g1")

	_, _, err := s.RotateRefreshToken(ctx, rt1.Hash, at(5), func(store.OAuthToken, store.Grant) ([]store.OAuthToken, error) {
		return []store.OAuthToken{newOAuthToken("rt-x", store.TokenRefresh, "g1")}, errBoom
	})
	wantErr(t, err, errBoom)
	if _, _, err := s.GetOAuthToken(ctx, hashOf("token rt-x")); !isNotFound(err) {
		t.Errorf("a failed rotation stored a token: %v", err)
	}

	next := []store.OAuthToken{newOAuthToken("at2", store.TokenAccess, "g1"), newOAuthToken("rt2", store.TokenRefresh, "g1")}
	tok, grant, err := s.RotateRefreshToken(ctx, rt1.Hash, at(5), func(tok store.OAuthToken, gr store.Grant) ([]store.OAuthToken, error) {
		diff(t, "grant passed to issue", gr, g)
		return next, nil
	})
	check(t, err)
	rt1.UsedAt = at(5)
	diff(t, "rotated token", tok, rt1)
	diff(t, "its grant", grant, g)
	if _, _, err := s.GetOAuthToken(ctx, next[1].Hash); err != nil {
		t.Errorf("the new refresh token is missing: %v", err)
	}

	tok, grant, err = s.RotateRefreshToken(ctx, rt1.Hash, at(6), func(store.OAuthToken, store.Grant) ([]store.OAuthToken, error) {
		t.Error("issue called on reuse")
		return nil, nil
	})
	wantErr(t, err, store.ErrConflict)
	if tok.ID != "rt1" || grant.ID != "g1" {
		t.Errorf("reuse returned %q of %q, want rt1 of g1", tok.ID, grant.ID)
	}
	_, _, err = s.RotateRefreshToken(ctx, hashOf("token at1"), at(6), nil)
	wantErr(t, err, store.ErrNotFound) // an access token cannot be rotated
	_, _, err = s.RotateRefreshToken(ctx, hashOf("unknown"), at(6), nil)
	wantErr(t, err, store.ErrNotFound)
}

func testGrantRevokeList(t *testing.T, s store.Store) {
	ctx := t.Context()
	g := issuedGrant(t, s)
	check(t, s.RevokeOAuthToken(ctx, "at1", at(2)))
	check(t, s.RevokeOAuthToken(ctx, "at1", at(3))) // keeps the first time
	tok, _, err := s.GetOAuthToken(ctx, hashOf("token at1"))
	check(t, err)
	if !tok.RevokedAt.Equal(at(2)) {
		t.Errorf("token RevokedAt = %v, want %v", tok.RevokedAt, at(2))
	}
	wantErr(t, s.RevokeOAuthToken(ctx, "nope", at(2)), store.ErrNotFound)

	check(t, s.RevokeGrant(ctx, "g1", at(4), "user"))
	check(t, s.RevokeGrant(ctx, "g1", at(5), "refresh_reuse"))
	wantErr(t, s.RevokeGrant(ctx, "nope", at(5), "user"), store.ErrNotFound)
	g.RevokedAt, g.RevokeReason = at(4), "user"
	got, err := s.GetGrant(ctx, "g1")
	check(t, err)
	diff(t, "revoked grant", got, g)
	_, grant, err := s.GetOAuthToken(ctx, hashOf("token rt1"))
	check(t, err)
	diff(t, "grant of a token", grant, g)

	mine, err := s.ListGrants(ctx, "u1")
	check(t, err)
	diff(t, "ListGrants(u1)", mine, []store.Grant{g})
	none, err := s.ListGrants(ctx, "u2")
	check(t, err)
	diff(t, "ListGrants(u2)", none, []store.Grant(nil))
}

func testOAuthCascade(t *testing.T, s store.Store) {
	ctx := t.Context()
	issuedGrant(t, s)
	check(t, s.DeleteOAuthClient(ctx, "c1"))
	if _, err := s.GetGrant(ctx, "g1"); !isNotFound(err) {
		t.Errorf("grant of a deleted client: %v", err)
	}
	if _, _, err := s.GetOAuthToken(ctx, hashOf("token at1")); !isNotFound(err) {
		t.Errorf("token of a deleted client: %v", err)
	}
}
