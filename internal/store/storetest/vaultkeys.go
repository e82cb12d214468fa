package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var vaultKeyTests = []suite{
	{"VaultKeys/ActiveSwitch", testVaultKeyActiveSwitch},
	{"VaultKeys/Conflict", testVaultKeyConflict},
}

func newVaultKey(id uint32, active bool) store.VaultKey {
	return store.VaultKey{ID: id, Wrapped: []byte{byte(id), 0xff, 0x00, 0x10}, Active: active, CreatedAt: at(int(id % 1000))}
}

func testVaultKeyActiveSwitch(t *testing.T, s store.Store) {
	ctx := t.Context()
	ks, err := s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring of empty store", ks, []store.VaultKey(nil))

	check(t, s.AddVaultKey(ctx, newVaultKey(2, true)))
	check(t, s.AddVaultKey(ctx, newVaultKey(1, false)))
	ks, err = s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring", ks, []store.VaultKey{newVaultKey(1, false), newVaultKey(2, true)})

	check(t, s.AddVaultKey(ctx, newVaultKey(0xfffffffe, true)))
	ks, err = s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring after rotation", ks, []store.VaultKey{
		newVaultKey(1, false), newVaultKey(2, false), newVaultKey(0xfffffffe, true),
	})
}

func testVaultKeyConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AddVaultKey(ctx, newVaultKey(1, true)))
	check(t, s.AddVaultKey(ctx, newVaultKey(2, true)))
	wantErr(t, s.AddVaultKey(ctx, newVaultKey(1, true)), store.ErrConflict)

	// The failed add must not have deactivated key 2.
	ks, err := s.ListVaultKeys(ctx)
	check(t, err)
	diff(t, "keyring after conflict", ks, []store.VaultKey{newVaultKey(1, false), newVaultKey(2, true)})
}
