package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var credentialTests = []suite{
	{"Credentials/PutGet", testCredentialPutGet},
	{"Credentials/Replace", testCredentialReplace},
	{"Credentials/UnknownServer", testCredentialUnknownServer},
	{"Credentials/Delete", testCredentialDelete},
}

func init() { credentialTests = append(credentialTests, credentialStatusTests...) }

func testCredentialPutGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	creds := []store.Credential{
		newCredential("cr1", "s1", ""), newCredential("cr2", "s1", "u1"),
		newCredential("cr3", "s1", "u2"), newCredential("cr4", "s2", "u1"),
	}
	for _, c := range creds {
		check(t, s.PutCredential(ctx, c))
	}
	for _, want := range creds {
		got, err := s.GetCredential(ctx, want.ServerID, want.UserID)
		check(t, err)
		diff(t, "credential "+want.ID, got, want)
	}
	_, err := s.GetCredential(ctx, "s2", "")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetCredential(ctx, "s2", "u2")
	wantErr(t, err, store.ErrNotFound)
}

// testCredentialReplace checks the upsert per (server, user): the ID and
// ciphertext are replaced together, CreatedAt is kept.
func testCredentialReplace(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	first := newCredential("cr1", "s1", "u1")
	check(t, s.PutCredential(ctx, first))
	other := newCredential("cr2", "s1", "u2")
	check(t, s.PutCredential(ctx, other))

	second := newCredential("cr3", "s1", "u1")
	second.Ciphertext = []byte("resealed")
	second.CreatedAt, second.UpdatedAt = at(7), at(7)
	check(t, s.PutCredential(ctx, second))

	got, err := s.GetCredential(ctx, "s1", "u1")
	check(t, err)
	want := second
	want.CreatedAt = first.CreatedAt
	diff(t, "replaced credential", got, want)
	got, err = s.GetCredential(ctx, "s1", "u2")
	check(t, err)
	diff(t, "other credential", got, other)

	// Another pair cannot take an ID in use.
	wantErr(t, s.PutCredential(ctx, newCredential("cr2", "s2", "u1")), store.ErrConflict)
}

func testCredentialUnknownServer(t *testing.T, s store.Store) {
	ctx := t.Context()
	wantErr(t, s.PutCredential(ctx, newCredential("cr1", "nope", "")), store.ErrNotFound)
	_, err := s.GetCredential(ctx, "nope", "")
	wantErr(t, err, store.ErrNotFound)
}

func testCredentialDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	check(t, s.PutCredential(ctx, newCredential("cr1", "s1", "")))
	check(t, s.PutCredential(ctx, newCredential("cr2", "s1", "u1")))

	check(t, s.DeleteCredential(ctx, "s1", "u1"))
	_, err := s.GetCredential(ctx, "s1", "u1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteCredential(ctx, "s1", "u1"), store.ErrNotFound)
	if _, err := s.GetCredential(ctx, "s1", ""); err != nil {
		t.Errorf("shared credential gone: %v", err)
	}
}
