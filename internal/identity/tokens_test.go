package identity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

func newStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/id.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestBootstrapTokenVerifies(t *testing.T) {
	st := newStore(t)
	now := time.Now().UTC()
	u, text, err := Bootstrap(t.Context(), st, "Admin@Example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "admin@example.com" || u.Role != store.RoleAdmin {
		t.Errorf("user = %+v", u)
	}
	if !strings.HasPrefix(text, TokenPrefix) || len(text) < 30 {
		t.Errorf("token %q is not a prefixed high-entropy string", text)
	}
	tokens, _ := st.ListAPITokens(t.Context(), u.ID)
	if len(tokens) != 1 || strings.Contains(string(tokens[0].Hash), text) {
		t.Fatalf("stored tokens = %+v", tokens)
	}
	p, err := NewVerifier(st, nil, nil, 0).Verify(t.Context(), text)
	if err != nil || p.ID != u.ID || p.TokenID != tokens[0].ID {
		t.Errorf("Verify = %+v, %v", p, err)
	}
	if _, _, err := Bootstrap(t.Context(), st, "admin@example.com", now); !errors.Is(err, ErrAlreadyBootstrapped) {
		t.Errorf("second bootstrap: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	st := newStore(t)
	now := time.Now().UTC()
	u, _, err := Bootstrap(t.Context(), st, "a@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(mod func(*store.APIToken)) string {
		text, hash := NewToken()
		tok := store.APIToken{ID: NewID("tok"), Name: "t", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: now}
		mod(&tok)
		if err := st.CreateAPIToken(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		return text
	}
	expired := mk(func(tk *store.APIToken) { tk.ExpiresAt = now.Add(-time.Minute) })
	revoked := mk(func(tk *store.APIToken) { tk.RevokedAt = now })
	v := NewVerifier(st, nil, func() time.Time { return now }, 0)
	for name, text := range map[string]string{
		"unknown": TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAA", "no prefix": "abc",
		"expired": expired, "revoked": revoked, "too long": TokenPrefix + strings.Repeat("A", 200),
	} {
		if _, err := v.Verify(t.Context(), text); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: err = %v, want ErrInvalidToken", name, err)
		}
	}
}

func TestVerifierCacheAndForget(t *testing.T) {
	st := newStore(t)
	now := time.Now().UTC()
	u, text, _ := Bootstrap(t.Context(), st, "a@example.com", now)
	clock := now
	v := NewVerifier(st, nil, func() time.Time { return clock }, 5*time.Second)
	if _, err := v.Verify(t.Context(), text); err != nil {
		t.Fatal(err)
	}
	tokens, _ := st.ListAPITokens(t.Context(), u.ID)
	if err := st.RevokeAPIToken(t.Context(), tokens[0].ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), text); err != nil {
		t.Fatalf("within the TTL the cached answer stands: %v", err)
	}
	clock = clock.Add(6 * time.Second)
	if _, err := v.Verify(t.Context(), text); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("after the TTL a revoked token must fail, got %v", err)
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, ok := range map[string]bool{"a@b.co": true, " A@B.CO ": true, "nope": false, "a@": false, "Name <a@b.co>": false, "": false} {
		_, err := NormalizeEmail(in)
		if (err == nil) != ok {
			t.Errorf("NormalizeEmail(%q) err = %v", in, err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	st, err := sqlite.Open(context.Background(), b.TempDir()+"/id.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	_, text, _ := Bootstrap(context.Background(), st, "a@example.com", time.Now())
	v := NewVerifier(st, nil, nil, time.Hour)
	for b.Loop() {
		if _, err := v.Verify(context.Background(), text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyResolvesGrants checks that a principal carries its groups and
// granted endpoints, and that a grant's removal takes effect once the
// cache entry ends, with no sleeps.
func TestVerifyResolvesGrants(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := now
	u := store.User{ID: NewID("usr"), Email: "m@example.com", Role: store.RoleMember, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	g := store.Group{ID: NewID("grp"), Name: "devs", Source: store.GroupSourceLocal, CreatedAt: now}
	ep := store.Endpoint{ID: NewID("ep"), Name: "dev", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: u.ID, Source: store.GroupSourceLocal, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	text, hash := NewToken()
	if err := st.CreateAPIToken(ctx, store.APIToken{ID: NewID("tok"), Name: "t", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(st, nil, func() time.Time { return clock }, time.Hour) // capped
	verify := func() Principal {
		t.Helper()
		p, err := v.Verify(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := verify(); len(p.Groups) != 1 || p.Groups[0] != g.ID || len(p.Endpoints) != 0 {
		t.Fatalf("before grant: groups %v endpoints %v", p.Groups, p.Endpoints)
	}
	grant := store.EndpointGrant{ID: NewID("egr"), EndpointID: ep.ID, PrincipalType: store.GrantGroup, PrincipalID: g.ID, CreatedAt: now}
	if err := st.AddEndpointGrant(ctx, grant); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(MaxTokenCacheTTL)
	if p := verify(); len(p.Endpoints) != 1 || p.Endpoints[0] != ep.ID {
		t.Fatalf("after grant: endpoints %v", p.Endpoints)
	}
	if err := st.RemoveEndpointGrant(ctx, ep.ID, grant.ID); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(MaxTokenCacheTTL - time.Nanosecond)
	if p := verify(); len(p.Endpoints) != 1 {
		t.Fatalf("within the cache TTL: endpoints %v", p.Endpoints)
	}
	clock = clock.Add(time.Nanosecond)
	if p := verify(); len(p.Endpoints) != 0 {
		t.Fatalf("after revoke and TTL: endpoints %v", p.Endpoints)
	}
}

func TestVerifyServiceAccountToken(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := now
	sa := store.ServiceAccount{ID: NewID("sa"), Name: "ci", CreatedAt: now}
	ep := store.Endpoint{ID: NewID("ep"), Name: "dev", CreatedAt: now, UpdatedAt: now}
	text, hash := NewServiceAccountToken()
	tok := store.ServiceAccountToken{ID: NewID("tok"), Name: "t", ServiceAccountID: sa.ID, Hash: hash, Prefix: text[:11],
		EndpointID: ep.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	for _, err := range []error{st.CreateServiceAccount(ctx, sa), st.CreateEndpoint(ctx, ep), st.CreateServiceAccountToken(ctx, tok),
		st.AddEndpointGrant(ctx, store.EndpointGrant{ID: NewID("egr"), EndpointID: ep.ID, PrincipalType: store.GrantServiceAccount, PrincipalID: sa.ID, CreatedAt: now})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(text, TokenPrefix) {
		t.Fatalf("token %q does not start with %q", text, TokenPrefix)
	}
	v := NewVerifier(st, nil, func() time.Time { return clock }, 0)
	p, err := v.Verify(ctx, text)
	if err != nil || p.Type != PrincipalServiceAccount || p.ID != sa.ID || p.Role != "" || p.EndpointID != ep.ID ||
		len(p.Endpoints) != 1 || p.Endpoints[0] != ep.ID {
		t.Fatalf("Verify = %+v, %v", p, err)
	}
	clock = now.Add(time.Hour)
	if _, err := v.Verify(ctx, text); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("expired: %v", err)
	}
	clock = now.Add(time.Minute)
	if err := st.RevokeServiceAccountToken(ctx, tok.ID, clock); err != nil {
		t.Fatal(err)
	}
	v.Forget()
	if _, err := v.Verify(ctx, text); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("revoked: %v", err)
	}
	if _, err := v.Verify(ctx, ServiceAccountTokenPrefix+"NOPE"); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("unknown: %v", err)
	}
}
