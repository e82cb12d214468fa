package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func init() {
	auditTests = append(auditTests, suite{"SSOIdentities/Link", testSSOIdentities})
}

// testSSOIdentities: a subject binds to one user per issuer and a user
// to one subject; the binding goes with the user.
func testSSOIdentities(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateUser(ctx, newUser("u1", "a@example.com")))
	check(t, s.CreateUser(ctx, newUser("u2", "b@example.com")))
	const iss = "https://idp.example"
	id := store.SSOIdentity{Issuer: iss, Subject: "sub-1", UserID: "u1", CreatedAt: at(1)}
	_, err := s.GetSSOIdentity(ctx, iss, "sub-1")
	wantErr(t, err, store.ErrNotFound)
	check(t, s.LinkSSOIdentity(ctx, id))
	got, err := s.GetSSOIdentity(ctx, iss, "sub-1")
	check(t, err)
	diff(t, "by subject", got, id)
	got, err = s.GetSSOIdentityOfUser(ctx, iss, "u1")
	check(t, err)
	diff(t, "by user", got, id)
	wantErr(t, s.LinkSSOIdentity(ctx, store.SSOIdentity{Issuer: iss, Subject: "sub-1", UserID: "u2", CreatedAt: at(2)}), store.ErrConflict)
	wantErr(t, s.LinkSSOIdentity(ctx, store.SSOIdentity{Issuer: iss, Subject: "sub-2", UserID: "u1", CreatedAt: at(2)}), store.ErrConflict)
	wantErr(t, s.LinkSSOIdentity(ctx, store.SSOIdentity{Issuer: iss, Subject: "sub-3", UserID: "nobody", CreatedAt: at(2)}), store.ErrNotFound)
	// Another issuer is another namespace.
	check(t, s.LinkSSOIdentity(ctx, store.SSOIdentity{Issuer: "https://other.example", Subject: "sub-1", UserID: "u2", CreatedAt: at(3)}))
}
