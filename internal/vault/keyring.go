package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
	"restore the original key file or SWITCHBOARD_MASTER_KEY, or, after `switchboard vault rotate-master-key`, use the new key")

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

// WithReloadOnUnknownKey makes Unseal reload the keyring (at most once a
// second) when a ciphertext names a data key that is not loaded, as
// happens on a replica after another one ran `vault rotate`. Without it
// Unseal returns ErrUnknownKey and the caller may Reload.
func WithReloadOnUnknownKey() Option {
	return func(v *Vault) { v.autoReload = true }
}

// WithSealReload makes Seal reload the keyring first when it was last
// loaded more than every ago, so that a replica learns within that bound
// that another one rotated, and stops sealing with a retiring key.
func WithSealReload(every time.Duration) Option {
	return func(v *Vault) { v.sealReload = every }
}

// Vault is an unwrapped keyring. It is safe for concurrent use.
type Vault struct {
	w   KeyWrapper
	ks  KeyStore
	now func() time.Time

	mu     sync.RWMutex
	keys   map[uint32]cipher.AEAD
	active uint32

	rotating   sync.Mutex // held by RotateAll
	autoReload bool       // WithReloadOnUnknownKey
	sealReload time.Duration
	loadedAt   atomic.Int64 // unix nanoseconds of the last keyring load

	refreshMu   sync.Mutex // serializes reloads for unknown key IDs
	lastRefresh time.Time
}

// Open derives the key-wrapping key from masterKey, loads and unwraps every
// data key in ks, and creates data key 1 when the keyring is empty. A master
// key that does not match the keyring gives ErrWrongMasterKey.
func Open(ctx context.Context, masterKey []byte, ks KeyStore, opts ...Option) (*Vault, error) {
	w, err := NewLocalWrapper(masterKey)
	if err != nil {
		return nil, err
	}
	return OpenWithWrapper(ctx, w, ks, opts...)
}

// OpenWithWrapper is Open with the data keys wrapped by w, for example an
// external KMS (see KeyWrapper).
func OpenWithWrapper(ctx context.Context, w KeyWrapper, ks KeyStore, opts ...Option) (*Vault, error) {
	v := &Vault{w: w, ks: ks, now: time.Now}
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

// newAEAD returns AES-256-GCM with the standard 12-byte nonce.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// Reload reads the keyring again, picking up keys that another replica
// added and the active key it chose. Keys already loaded stay loaded even
// when a rotation retired them from the database, so that a request that
// read a record just before it was re-sealed still opens it. Unseal
// reloads by itself when it meets an unknown key ID.
func (v *Vault) Reload(ctx context.Context) error {
	rows, err := v.ks.ListVaultKeys(ctx)
	if err != nil {
		return fmt.Errorf("vault: list data keys: %w", err)
	}
	keys, active, err := v.unwrapAll(ctx, rows)
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for id, k := range v.keys {
		if _, ok := keys[id]; !ok {
			keys[id] = k
		}
	}
	v.keys, v.active = keys, active
	v.loadedAt.Store(v.now().UnixNano())
	return nil
}

// reloadIfStale reloads the keyring when WithSealReload is set and the
// last load is older than its bound. A failed reload keeps the loaded keys.
func (v *Vault) reloadIfStale() {
	if v.sealReload <= 0 || v.now().UnixNano()-v.loadedAt.Load() < int64(v.sealReload) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = v.Reload(ctx)
}

// refreshInterval bounds how often Unseal reloads the keyring for an
// unknown key ID, so garbage ciphertexts cannot hammer the database.
const refreshInterval = time.Second

// refreshFor reloads the keyring when keyID is not loaded (another replica
// rotated), at most once per refreshInterval, and reports whether keyID is
// loaded afterwards.
func (v *Vault) refreshFor(keyID uint32) bool {
	if !v.autoReload {
		return false
	}
	v.refreshMu.Lock()
	defer v.refreshMu.Unlock()
	if _, ok := v.key(keyID); ok {
		return true
	}
	if time.Since(v.lastRefresh) < refreshInterval {
		return false
	}
	v.lastRefresh = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := v.Reload(ctx); err != nil {
		return false
	}
	_, ok := v.key(keyID)
	return ok
}

// unwrapAll unwraps every row. When none opens the master key is wrong;
// when only some fail the keyring itself is damaged.
func (v *Vault) unwrapAll(ctx context.Context, rows []store.VaultKey) (map[uint32]cipher.AEAD, uint32, error) {
	keys := make(map[uint32]cipher.AEAD, len(rows))
	var active uint32
	var bad []error
	authFailures := 0
	for _, r := range rows {
		aead, err := v.unwrap(ctx, r)
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
		return nil, 0, fmt.Errorf("%w (the key given is %s)", ErrWrongMasterKey, v.w.ID())
	case len(bad) > 0:
		return nil, 0, fmt.Errorf("vault: keyring is damaged: %w", errors.Join(bad...))
	case len(rows) > 0 && active == 0:
		return nil, 0, errors.New("vault: keyring has no active data key")
	}
	return keys, active, nil
}

// unwrap opens one wrapped data key with the KeyWrapper.
func (v *Vault) unwrap(ctx context.Context, r store.VaultKey) (cipher.AEAD, error) {
	key, err := v.w.UnwrapKey(ctx, r.ID, r.Wrapped)
	if err != nil {
		return nil, err
	}
	if len(key) != DataKeySize {
		return nil, fmt.Errorf("data key %d: malformed", r.ID)
	}
	return newAEAD(key)
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
	wrapped, err := v.w.WrapKey(ctx, id, key)
	if err != nil {
		return 0, fmt.Errorf("vault: wrap data key %d: %w", id, err)
	}
	row := store.VaultKey{ID: id, Wrapped: wrapped, Active: true, CreatedAt: v.now().UTC()}
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
