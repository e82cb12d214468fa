package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// KeyRewrapper replaces the wrapped form of every data key in one
// transaction; store.VaultKeyring satisfies it.
type KeyRewrapper interface {
	RewrapVaultKeys(ctx context.Context, fn func([]store.VaultKey) ([]store.VaultKey, error)) error
}

// RewrapKeyring moves the keyring from one key-encryption key to another,
// for example from the old master key to a new one: every data key is
// unwrapped with from and wrapped with to, in one transaction. The data
// keys themselves do not change, so no sealed record is touched and a
// running server keeps working with the keys it holds. Afterwards only to
// opens the keyring; from gives ErrWrongMasterKey.
//
// It is idempotent: a data key that already opens with to is kept as it
// is, so running it again with the same two keys finishes an interrupted
// or raced rotation. It returns how many keys it rewrapped. When no key
// opens with either, from is the wrong key (ErrWrongMasterKey); when only
// some do not, the keyring is damaged; either way nothing changes.
func RewrapKeyring(ctx context.Context, from, to KeyWrapper, ks KeyRewrapper) (int, error) {
	if from.ID() == to.ID() {
		return 0, errors.New("vault: the new master key is the same as the current one")
	}
	var n int
	err := ks.RewrapVaultKeys(ctx, func(keys []store.VaultKey) ([]store.VaultKey, error) {
		n = 0
		var bad []uint32
		for i, k := range keys {
			if key, err := to.UnwrapKey(ctx, k.ID, k.Wrapped); err == nil {
				clear(key) // already under the new key
				continue
			}
			w, err := rewrapOne(ctx, from, to, k)
			if errors.Is(err, ErrKeyAuth) {
				bad = append(bad, k.ID)
				continue
			}
			if err != nil {
				return nil, err
			}
			keys[i].Wrapped = w
			n++
		}
		switch {
		case len(bad) > 0 && len(bad) == len(keys):
			return nil, fmt.Errorf("%w (the current key given is %s)", ErrWrongMasterKey, from.ID())
		case len(bad) > 0:
			return nil, fmt.Errorf("vault: keyring is damaged: data keys %v open with neither master key; nothing was changed", bad)
		}
		return keys, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// rewrapOne unwraps k with from, wraps it with to and checks the result
// opens again to the same key before anything is written.
func rewrapOne(ctx context.Context, from, to KeyWrapper, k store.VaultKey) ([]byte, error) {
	key, err := from.UnwrapKey(ctx, k.ID, k.Wrapped)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	w, err := to.WrapKey(ctx, k.ID, key)
	if err != nil {
		return nil, fmt.Errorf("vault: wrap data key %d: %w", k.ID, err)
	}
	back, err := to.UnwrapKey(ctx, k.ID, w)
	if err != nil || !bytes.Equal(back, key) {
		return nil, fmt.Errorf("vault: data key %d does not open after rewrapping; nothing was changed", k.ID)
	}
	clear(back)
	return w, nil
}
