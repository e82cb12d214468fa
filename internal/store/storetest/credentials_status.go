package storetest

import (
	"errors"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var credentialStatusTests = []suite{
	{"Credentials/StatusFields", testCredentialStatusFields},
	{"Credentials/List", testCredentialList},
	{"Credentials/Update", testCredentialUpdate},
	{"Credentials/UpdateMissing", testCredentialUpdateMissing},
}

// oauthCredential is a personal OAuth credential with every status field set.
func oauthCredential(id, serverID, userID string) store.Credential {
	c := newCredential(id, serverID, userID)
	c.Kind, c.Status = store.CredentialOAuth, store.CredentialExpired
	c.ExpiresAt, c.Scopes, c.LastError = at(60), "repo read:org", "refresh token rejected"
	return c
}

// testCredentialStatusFields checks that kind, status, expiry, scopes and
// last error round-trip and are replaced by a later put.
func testCredentialStatusFields(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	want := oauthCredential("cr1", "s1", "u1")
	check(t, s.PutCredential(ctx, want))
	got, err := s.GetCredential(ctx, "s1", "u1")
	check(t, err)
	diff(t, "oauth credential", got, want)
	if got.Usable() {
		t.Errorf("expired credential is usable")
	}

	again := newCredential("cr2", "s1", "u1")
	again.Kind, again.Status, again.UpdatedAt = store.CredentialStatic, store.CredentialConnected, at(5)
	check(t, s.PutCredential(ctx, again))
	got, err = s.GetCredential(ctx, "s1", "u1")
	check(t, err)
	diff(t, "replaced by a static credential", got, again)
	if !got.Usable() {
		t.Errorf("connected credential is not usable")
	}
}

func testCredentialList(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	shared := newCredential("cr1", "s1", "")
	u1s1 := oauthCredential("cr2", "s1", "u1")
	u2s1 := newCredential("cr3", "s1", "u2")
	u1s2 := newCredential("cr4", "s2", "u1")
	for _, c := range []store.Credential{u1s2, u2s1, shared, u1s1} {
		check(t, s.PutCredential(ctx, c))
	}
	for name, tc := range map[string]struct {
		f    store.CredentialFilter
		want []store.Credential
	}{
		"all":                {store.CredentialFilter{AnyUser: true}, []store.Credential{shared, u1s1, u2s1, u1s2}},
		"server, any user":   {store.CredentialFilter{ServerID: "s1", AnyUser: true}, []store.Credential{shared, u1s1, u2s1}},
		"user, any server":   {store.CredentialFilter{UserID: "u1"}, []store.Credential{u1s1, u1s2}},
		"shared only":        {store.CredentialFilter{}, []store.Credential{shared}},
		"server and user":    {store.CredentialFilter{ServerID: "s2", UserID: "u1"}, []store.Credential{u1s2}},
		"unknown user":       {store.CredentialFilter{UserID: "nobody"}, nil},
		"server, no shared":  {store.CredentialFilter{ServerID: "s2"}, nil},
		"AnyUser ignores ID": {store.CredentialFilter{ServerID: "s2", UserID: "u2", AnyUser: true}, []store.Credential{u1s2}},
	} {
		got, err := s.ListCredentials(ctx, tc.f)
		check(t, err)
		diff(t, name, got, tc.want)
	}
}

// testCredentialUpdate changes the status and reseals in place: the
// closure sees the current row, keys and CreatedAt cannot change.
func testCredentialUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	orig := oauthCredential("cr1", "s1", "u1")
	check(t, s.PutCredential(ctx, orig))
	other := newCredential("cr2", "s1", "u2")
	check(t, s.PutCredential(ctx, other))

	got, err := s.UpdateCredential(ctx, "s1", "u1", func(c store.Credential) (store.Credential, error) {
		diff(t, "current credential", c, orig)
		c.ServerID, c.UserID, c.CreatedAt = "s2", "u9", at(99)
		c.Status, c.LastError, c.Ciphertext = store.CredentialNeedsReconnect, "invalid_grant", []byte("resealed")
		c.ExpiresAt, c.UpdatedAt = at(120), at(10)
		return c, nil
	})
	check(t, err)
	want := orig
	want.Status, want.LastError, want.Ciphertext = store.CredentialNeedsReconnect, "invalid_grant", []byte("resealed")
	want.ExpiresAt, want.UpdatedAt = at(120), at(10)
	diff(t, "returned credential", got, want)
	stored, err := s.GetCredential(ctx, "s1", "u1")
	check(t, err)
	diff(t, "stored credential", stored, want)
	stored, err = s.GetCredential(ctx, "s1", "u2")
	check(t, err)
	diff(t, "other credential", stored, other)

	// A failing closure writes nothing.
	_, err = s.UpdateCredential(ctx, "s1", "u1", func(c store.Credential) (store.Credential, error) {
		c.Status = store.CredentialConnected
		return c, errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("error = %v, want boom", err)
	}
	stored, err = s.GetCredential(ctx, "s1", "u1")
	check(t, err)
	diff(t, "credential after failed update", stored, want)

	// An ID in use by another credential is a conflict.
	_, err = s.UpdateCredential(ctx, "s1", "u1", func(c store.Credential) (store.Credential, error) {
		c.ID = "cr2"
		return c, nil
	})
	wantErr(t, err, store.ErrConflict)
}

func testCredentialUpdateMissing(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	check(t, s.PutCredential(ctx, newCredential("cr1", "s1", "")))
	called := false
	_, err := s.UpdateCredential(ctx, "s1", "u1", func(c store.Credential) (store.Credential, error) {
		called = true
		return c, nil
	})
	wantErr(t, err, store.ErrNotFound)
	if called {
		t.Errorf("closure called without a credential")
	}
}
