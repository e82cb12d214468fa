package storetest

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var vaultSealedTests = []suite{
	{"VaultKeys/Delete", testVaultKeyDelete},
	{"VaultKeys/Rewrap", testVaultKeyRewrap},
	{"Sealed/ListSwapCount", testSealedListSwapCount},
}

func init() { vaultKeyTests = append(vaultKeyTests, vaultSealedTests...) }

// sealedBlob looks like a vault ciphertext sealed by data key keyID: the
// version byte, the key ID big endian, then opaque bytes.
func sealedBlob(keyID uint32, tail string) []byte {
	b := binary.BigEndian.AppendUint32([]byte{1}, keyID)
	return append(b, tail...)
}

func testVaultKeyDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AddVaultKey(ctx, newVaultKey(1, true)))
	check(t, s.AddVaultKey(ctx, newVaultKey(2, true)))
	check(t, s.AddVaultKey(ctx, newVaultKey(3, true)))
	twoServers(t, s)
	c := newCredential("cr1", "s1", "")
	c.Ciphertext = sealedBlob(1, "x")
	check(t, s.PutCredential(ctx, c))

	wantErr(t, s.DeleteVaultKey(ctx, 3), store.ErrConflict) // active
	wantErr(t, s.DeleteVaultKey(ctx, 1), store.ErrConflict) // still sealing cr1
	wantErr(t, s.DeleteVaultKey(ctx, 9), store.ErrNotFound)
	check(t, s.DeleteVaultKey(ctx, 2))

	c.Ciphertext = sealedBlob(3, "y")
	check(t, s.PutCredential(ctx, c))
	check(t, s.DeleteVaultKey(ctx, 1))
	ks, err := s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring after retiring 1 and 2", ks, []store.VaultKey{newVaultKey(3, true)})
}

func testVaultKeyRewrap(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AddVaultKey(ctx, newVaultKey(1, false)))
	check(t, s.AddVaultKey(ctx, newVaultKey(2, true)))
	before, err := s.ListVaultKeys(ctx)
	check(t, err)

	// A rewrap that drops or edits a key is refused; so is fn's error.
	err = s.RewrapVaultKeys(ctx, func(ks []store.VaultKey) ([]store.VaultKey, error) { return ks[:1], nil })
	if err == nil {
		t.Fatal("rewrap that drops a key: no error")
	}
	err = s.RewrapVaultKeys(ctx, func(ks []store.VaultKey) ([]store.VaultKey, error) {
		ks[0].Active = true
		return ks, nil
	})
	if err == nil {
		t.Fatal("rewrap that activates a key: no error")
	}
	err = s.RewrapVaultKeys(ctx, func(ks []store.VaultKey) ([]store.VaultKey, error) { return nil, errBoom })
	wantErr(t, err, errBoom)
	after, err := s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring after refused rewraps", after, before)

	check(t, s.RewrapVaultKeys(ctx, func(ks []store.VaultKey) ([]store.VaultKey, error) {
		for i := range ks {
			ks[i].Wrapped = []byte("rewrapped")
		}
		return ks, nil
	}))
	after, err = s.ListVaultKeys(ctx)
	check(t, err)
	want := slices.Clone(before)
	for i := range want {
		want[i].Wrapped = []byte("rewrapped")
	}
	diff(t, "keyring after rewrap", after, want)
}

func testSealedListSwapCount(t *testing.T, s store.Store) {
	ctx := t.Context()
	kinds, err := s.SealedKinds(ctx)
	check(t, err)
	for _, k := range []string{store.SealedCredential, store.SealedAuditSigningKey} {
		if !slices.Contains(kinds, k) {
			t.Errorf("SealedKinds = %v, missing %q", kinds, k)
		}
	}
	twoServers(t, s)
	for i, id := range []string{"cr1", "cr2", "cr3"} {
		c := newCredential(id, "s1", "u"+id)
		c.Ciphertext = sealedBlob(uint32(1+i%2), id)
		check(t, s.PutCredential(ctx, c))
	}
	check(t, s.CreateAuditSigningKey(ctx, store.AuditSigningKey{ID: "ed25519-1", Sealed: sealedBlob(1, "sk"), CreatedAt: at(0)}))

	page, err := s.ListSealed(ctx, store.SealedCredential, "", 2)
	check(t, err)
	diff(t, "first page", page, []store.SealedRecord{
		{Kind: "credential", ID: "cr1", Sealed: sealedBlob(1, "cr1")},
		{Kind: "credential", ID: "cr2", Sealed: sealedBlob(2, "cr2")},
	})
	page, err = s.ListSealed(ctx, store.SealedCredential, "cr2", 2)
	check(t, err)
	diff(t, "second page", page, []store.SealedRecord{{Kind: "credential", ID: "cr3", Sealed: sealedBlob(1, "cr3")}})
	_, err = s.ListSealed(ctx, "nope", "", 2)
	wantErr(t, err, store.ErrNotFound)

	ok, err := s.SwapSealed(ctx, store.SealedCredential, "cr1", sealedBlob(1, "cr1"), sealedBlob(2, "new"))
	check(t, err)
	if !ok {
		t.Error("swap with the current value did not swap")
	}
	ok, err = s.SwapSealed(ctx, store.SealedCredential, "cr1", sealedBlob(1, "cr1"), sealedBlob(2, "lost"))
	check(t, err)
	if ok {
		t.Error("swap with a stale value swapped: a concurrent write would be lost")
	}
	got, err := s.GetCredential(ctx, "s1", "ucr1")
	check(t, err)
	diff(t, "cr1 after swaps", got.Ciphertext, sealedBlob(2, "new"))
	ok, err = s.SwapSealed(ctx, store.SealedAuditSigningKey, "ed25519-1", sealedBlob(1, "sk"), sealedBlob(2, "sk2"))
	check(t, err)
	if !ok {
		t.Error("swap of the signing key did not swap")
	}

	counts, err := s.CountSealed(ctx)
	check(t, err)
	counts = slices.DeleteFunc(counts, func(c store.SealedCount) bool { return c.Kind == store.SealedServerOAuth })
	diff(t, "counts by key", counts, []store.SealedCount{
		{Kind: "credential", KeyID: 1, Rows: 1}, {Kind: "credential", KeyID: 2, Rows: 2},
		{Kind: "audit-signing-key", KeyID: 2, Rows: 1},
	})
}
