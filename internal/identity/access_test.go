package identity

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

// grantEnv is a store with user u, endpoint ep and one grant of client c
// that holds an access and a refresh token.
type grantEnv struct {
	st              store.Store
	user            store.User
	grant           store.Grant
	access, refresh string
	clock           *fakeClock
}

func newGrantEnv(t testing.TB, st store.Store) *grantEnv {
	t.Helper()
	ctx := context.Background()
	c := newClock()
	now := c.Now()
	e := &grantEnv{st: st, clock: c}
	e.user = store.User{ID: NewID("usr"), Email: "a@example.com", Role: store.RoleMember, CreatedAt: now, UpdatedAt: now}
	srv := store.Server{ID: NewID("srv"), Name: "s", URL: "https://s.example/mcp", Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthNone, CredentialMode: store.ModeShared, CreatedAt: now, UpdatedAt: now}
	ep := store.Endpoint{ID: NewID("ep"), Name: "dev", ServerIDs: []string{srv.ID}, CreatedAt: now, UpdatedAt: now}
	cl := store.OAuthClient{ID: NewID("cl"), Name: "c", RedirectURIs: []string{"http://127.0.0.1/cb"},
		AuthMethod: store.ClientAuthNone, Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now}
	for _, err := range []error{st.CreateUser(ctx, e.user), st.CreateServer(ctx, srv, nil),
		st.CreateEndpoint(ctx, ep), st.CreateOAuthClient(ctx, cl)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, codeHash := NewSecret(AuthCodePrefix)
	code := store.AuthCode{Hash: codeHash, ClientID: cl.ID, UserID: e.user.ID, EndpointID: ep.ID, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
	if err := st.CreateAuthCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	e.grant = store.Grant{ID: NewID("grt"), UserID: e.user.ID, ClientID: cl.ID, EndpointID: ep.ID,
		CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	var ah, rh []byte
	e.access, ah = NewSecret(AccessTokenPrefix)
	e.refresh, rh = NewSecret(RefreshTokenPrefix)
	toks := []store.OAuthToken{
		{ID: NewID("oat"), Hash: ah, Kind: store.TokenAccess, GrantID: e.grant.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{ID: NewID("oat"), Hash: rh, Kind: store.TokenRefresh, GrantID: e.grant.ID, CreatedAt: now, ExpiresAt: e.grant.ExpiresAt},
	}
	_, err := st.RedeemAuthCode(ctx, codeHash, now, func(store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		return e.grant, toks, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rejection(err error) string {
	if r, ok := errors.AsType[*TokenRejection](err); ok {
		return r.Reason
	}
	return "not a rejection"
}

func TestAccessVerifier(t *testing.T) {
	e := newGrantEnv(t, newStore(t))
	v := NewAccessVerifier(e.st, e.clock.Now, 0)
	p, err := v.Verify(t.Context(), e.access)
	if err != nil {
		t.Fatal(err)
	}
	want := Principal{Type: "user", ID: e.user.ID, Email: e.user.Email, Role: e.user.Role, TokenID: e.grant.ID,
		EndpointID: e.grant.EndpointID, ExpiresAt: e.clock.Now().Add(time.Hour)}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("principal = %+v\nwant %+v", p, want)
	}
	for name, text := range map[string]string{
		"refresh token": e.refresh, "api token": TokenPrefix + "x", "unknown": AccessTokenPrefix + "nope",
	} {
		_, err := v.Verify(t.Context(), text)
		if !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: err = %v, want ErrInvalidToken", name, err)
		}
	}
	if _, err := v.Verify(t.Context(), e.refresh); rejection(err) != RejectUnknown {
		t.Errorf("a refresh token was refused as %q, want %q (prefix check)", rejection(err), RejectUnknown)
	}
}

func TestAccessVerifierExpiry(t *testing.T) {
	e := newGrantEnv(t, newStore(t))
	v := NewAccessVerifier(e.st, e.clock.Now, 0)
	if _, err := v.Verify(t.Context(), e.access); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour) // the cached answer must not outlive the token
	_, err := v.Verify(t.Context(), e.access)
	if rejection(err) != RejectExpired {
		t.Fatalf("at expiry: %v", err)
	}
	if r, _ := errors.AsType[*TokenRejection](err); r.Principal.ID != e.user.ID {
		t.Errorf("the rejection does not name the owner: %+v", r.Principal)
	}
}

func TestAccessVerifierRevocation(t *testing.T) {
	ctx := t.Context()
	e := newGrantEnv(t, newStore(t))
	v := NewAccessVerifier(e.st, e.clock.Now, 0)
	if _, err := v.Verify(ctx, e.access); err != nil {
		t.Fatal(err)
	}
	if err := e.st.RevokeGrant(ctx, e.grant.ID, e.clock.Now(), "user"); err != nil {
		t.Fatal(err)
	}
	// Another replica revoked: this process learns within the cache TTL.
	if _, err := v.Verify(ctx, e.access); err != nil {
		t.Fatalf("within the TTL the cached answer may stand: %v", err)
	}
	e.clock.Advance(MaxAccessCacheTTL)
	if _, err := v.Verify(ctx, e.access); rejection(err) != RejectGrantRevoked {
		t.Errorf("one TTL after revocation: %v", err)
	}
}

func TestAccessVerifierForget(t *testing.T) {
	ctx := t.Context()
	e := newGrantEnv(t, newStore(t))
	v := NewAccessVerifier(e.st, e.clock.Now, 0)
	v.Verify(ctx, e.access)
	e.st.UpdateUser(ctx, e.user.ID, func(u store.User) (store.User, error) { u.Disabled = true; return u, nil })
	v.Forget()
	if _, err := v.Verify(ctx, e.access); rejection(err) != RejectUserDisabled {
		t.Errorf("after Forget: %v", err)
	}
}

func TestAccessVerifierTTLIsCapped(t *testing.T) {
	v := NewAccessVerifier(nil, nil, time.Hour)
	if v.ttl != MaxAccessCacheTTL {
		t.Errorf("ttl = %v, want it capped at %v", v.ttl, MaxAccessCacheTTL)
	}
}

// BenchmarkAccessVerify measures access-token validation on the MCP hot
// path: "cached" is the common case (a hash and a map lookup), "store" a
// miss that reads the token, its grant and its owner from SQLite.
func BenchmarkAccessVerify(b *testing.B) {
	st, err := sqlite.Open(context.Background(), b.TempDir()+"/id.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e := newGrantEnv(b, st)
	ctx := context.Background()
	b.Run("cached", func(b *testing.B) {
		v := NewAccessVerifier(st, e.clock.Now, 0)
		for b.Loop() {
			if _, err := v.Verify(ctx, e.access); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("store", func(b *testing.B) {
		v := NewAccessVerifier(st, e.clock.Now, 0)
		for b.Loop() {
			v.Forget()
			if _, err := v.Verify(ctx, e.access); err != nil {
				b.Fatal(err)
			}
		}
	})
}
