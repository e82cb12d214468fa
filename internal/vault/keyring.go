package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// DataKeySize is the length of a data key in bytes (AES-256).
const DataKeySize = 32

// kekInfo is the HKDF info string for the key-wrapping key. Changing it
// makes every existing keyring unreadable.
const kekInfo = "switchboard vault kek v1"

// wrapVersion is the first byte of a wrapped data key.
const wrapVersion = 1

// ErrWrongMasterKey means the master key does not unwrap the keyring.
var ErrWrongMasterKey = errors.New("vault: the master key does not match this data directory's keyring; " +
	"restore the original key file or SWITCHBOARD_MASTER_KEY")

// errWrapAuth means a wrapped data key failed authentication.
var errWrapAuth = errors.New("does not open with this master key")

// KeyStore holds the wrapped data keys. store.VaultKeys satisfies it.
// AddVaultKey must return an error wrapping store.ErrConflict when the key
// ID is taken, and make an Active key the only active one.
type KeyStore interface {
	ListVaultKeys(ctx context.Context) ([]store.VaultKey, error)
	AddVaultKey(ctx context.Context, k store.VaultKey) error
}

// Option configures Open.
type Option func(*Vault)

// WithClock sets the clock used for the CreatedAt of new data keys.
func WithClock(now func() time.Time) Option {
	return func(v *Vault) { v.now = now }
}

// Vault is an unwrapped keyring. It is safe for concurrent use.
type Vault struct {
	kek cipher.AEAD
	ks  KeyStore
	now func() time.Time

	mu     sync.RWMutex
	keys   map[uint32]cipher.AEAD
	active uint32
}

// Open derives the key-wrapping key from masterKey, loads and unwraps every
// data key in ks, and creates data key 1 when the keyring is empty. A master
// key that does not match the keyring gives ErrWrongMasterKey.
func Open(ctx context.Context, masterKey []byte, ks KeyStore, opts ...Option) (*Vault, error) {
	kek, err := deriveKEK(masterKey)
	if err != nil {
		return nil, err
	}
	v := &Vault{kek: kek, ks: ks, now: time.Now}
	for _, o := range opts {
		o(v)
	}
	if err := v.Reload(ctx); err != nil {
		return nil, err
	}
	if err := v.ensureActive(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

// ensureActive creates data key 1 in an empty keyring. When another
// replica created it first, its key is loaded instead.
func (v *Vault) ensureActive(ctx context.Context) error {
	if v.ActiveKeyID() != 0 {
		return nil
	}
	_, err := v.addKey(ctx)
	if errors.Is(err, store.ErrConflict) {
		err = v.Reload(ctx)
	}
	if err != nil {
		return fmt.Errorf("vault: create first data key: %w", err)
	}
	return nil
}

// deriveKEK turns the master key into the AEAD that wraps data keys.
func deriveKEK(masterKey []byte) (cipher.AEAD, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, got %d", MasterKeySize, len(masterKey))
	}
	kek, err := hkdf.Key(sha256.New, masterKey, nil, kekInfo, DataKeySize)
	if err != nil {
		return nil, fmt.Errorf("vault: derive kek: %w", err)
	}
	return newAEAD(kek)
}

// newAEAD returns AES-256-GCM with the standard 12-byte nonce.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// Reload reads the keyring again, picking up keys that another replica
// added. Call it when Unseal reports ErrUnknownKey.
func (v *Vault) Reload(ctx context.Context) error {
	rows, err := v.ks.ListVaultKeys(ctx)
	if err != nil {
		return fmt.Errorf("vault: list data keys: %w", err)
	}
	keys, active, err := v.unwrapAll(rows)
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.keys, v.active = keys, active
	return nil
}

// unwrapAll unwraps every row. When none opens the master key is wrong;
// when only some fail the keyring itself is damaged.
func (v *Vault) unwrapAll(rows []store.VaultKey) (map[uint32]cipher.AEAD, uint32, error) {
	keys := make(map[uint32]cipher.AEAD, len(rows))
	var active uint32
	var bad []error
	authFailures := 0
	for _, r := range rows {
		aead, err := v.unwrap(r)
		if err != nil {
			bad = append(bad, err)
			if errors.Is(err, errWrapAuth) {
				authFailures++
			}
			continue
		}
		keys[r.ID] = aead
		if r.Active && r.ID > active {
			active = r.ID
		}
	}
	switch {
	case authFailures > 0 && len(keys) == 0:
		return nil, 0, ErrWrongMasterKey
	case len(bad) > 0:
		return nil, 0, fmt.Errorf("vault: keyring is damaged: %w", errors.Join(bad...))
	case len(rows) > 0 && active == 0:
		return nil, 0, errors.New("vault: keyring has no active data key")
	}
	return keys, active, nil
}

// unwrap opens one wrapped data key: version(1) | nonce(12) | sealed key.
func (v *Vault) unwrap(r store.VaultKey) (cipher.AEAD, error) {
	ns := v.kek.NonceSize()
	w := r.Wrapped
	if len(w) != 1+ns+DataKeySize+v.kek.Overhead() || w[0] != wrapVersion {
		return nil, fmt.Errorf("data key %d: malformed", r.ID)
	}
	key, err := v.kek.Open(nil, w[1:1+ns], w[1+ns:], wrapAD(r.ID))
	if err != nil {
		return nil, fmt.Errorf("data key %d: %w", r.ID, errWrapAuth)
	}
	return newAEAD(key)
}

// wrap seals a data key under the key-wrapping key.
func (v *Vault) wrap(id uint32, key []byte) []byte {
	nonce := randomBytes(v.kek.NonceSize())
	out := append([]byte{wrapVersion}, nonce...)
	return v.kek.Seal(out, nonce, key, wrapAD(id))
}

func wrapAD(id uint32) []byte {
	return []byte("vaultkey/" + strconv.FormatUint(uint64(id), 10))
}

// Rotate adds a new data key and makes it the active one. Older keys stay
// readable. When another replica took the next key ID first, Rotate reloads
// the keyring and tries again.
func (v *Vault) Rotate(ctx context.Context) (newKeyID uint32, err error) {
	const attempts = 3
	for range attempts {
		newKeyID, err = v.addKey(ctx)
		if !errors.Is(err, store.ErrConflict) {
			return newKeyID, err
		}
		if err := v.Reload(ctx); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("vault: rotate: %w", err)
}

// addKey generates, stores and installs the data key after the highest ID.
func (v *Vault) addKey(ctx context.Context) (uint32, error) {
	v.mu.RLock()
	id := v.maxID() + 1
	v.mu.RUnlock()
	if id == 0 {
		return 0, errors.New("vault: key IDs exhausted")
	}
	key := randomBytes(DataKeySize)
	aead, err := newAEAD(key)
	if err != nil {
		return 0, err
	}
	row := store.VaultKey{ID: id, Wrapped: v.wrap(id, key), Active: true, CreatedAt: v.now().UTC()}
	if err := v.ks.AddVaultKey(ctx, row); err != nil {
		return 0, fmt.Errorf("vault: store data key %d: %w", id, err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.keys[id] = aead
	v.active = id
	return id, nil
}

// maxID returns the highest loaded key ID; v.mu must be held.
func (v *Vault) maxID() uint32 {
	var m uint32
	for id := range v.keys {
		m = max(m, id)
	}
	return m
}

// ActiveKeyID returns the ID of the data key that Seal uses.
func (v *Vault) ActiveKeyID() uint32 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.active
}

// KeyIDs returns the IDs of every loaded data key, in no particular order.
func (v *Vault) KeyIDs() []uint32 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	ids := make([]uint32, 0, len(v.keys))
	for id := range v.keys {
		ids = append(ids, id)
	}
	return ids
}

// key returns the data key with the given ID.
func (v *Vault) key(id uint32) (cipher.AEAD, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	k, ok := v.keys[id]
	return k, ok
}

// randomBytes returns n bytes from crypto/rand, which never fails.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
