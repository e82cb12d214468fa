package store

import "context"

// Sealed record kinds: the vault binds each sealed value to "<kind>/<id>".
const (
	SealedCredential      = "credential"        // credentials.ciphertext, id = credential ID
	SealedAuditSigningKey = "audit-signing-key" // audit_signing_keys.sealed, id = key ID
	SealedServerOAuth     = "server_oauth"      // server_oauth.client_secret_sealed, id = server ID
)

// SealedRecord is one vault-sealed value and the record it is bound to.
type SealedRecord struct {
	Kind   string
	ID     string
	Sealed []byte
}

// SealedCount is how many records of Kind are sealed with data key KeyID
// (0 for a value too short to name a key).
type SealedCount struct {
	Kind  string
	KeyID uint32
	Rows  int
}

// Sealed reaches every vault-sealed column, whatever its table, so that
// `vault rotate` can re-seal them all with the new data key.
type Sealed interface {
	// SealedKinds returns the record kinds whose tables exist in this
	// database, in a fixed order.
	SealedKinds(ctx context.Context) ([]string, error)
	// ListSealed returns up to limit records of kind with an ID greater
	// than afterID, ordered by ID. An unknown kind is ErrNotFound.
	ListSealed(ctx context.Context, kind, afterID string, limit int) ([]SealedRecord, error)
	// SwapSealed replaces the sealed value of kind/id with sealed when it
	// is still old (compare and swap) and reports whether it did: a
	// concurrent write wins.
	SwapSealed(ctx context.Context, kind, id string, old, sealed []byte) (bool, error)
	// CountSealed counts the sealed records of every kind by the data key
	// that sealed them.
	CountSealed(ctx context.Context) ([]SealedCount, error)
}

// VaultKeyring holds the keyring operations of vault rotation, beside
// VaultKeys.
type VaultKeyring interface {
	// DeleteVaultKey retires data key id. It is ErrNotFound when missing,
	// and ErrConflict when the key is active or any sealed record still
	// names it; then nothing changes.
	DeleteVaultKey(ctx context.Context, id uint32) error
	// RewrapVaultKeys replaces the wrapped form of every data key in one
	// transaction: fn gets the whole keyring and returns it with new
	// Wrapped values (same IDs, nothing else changed). fn may run more
	// than once; an error from it aborts with nothing written.
	RewrapVaultKeys(ctx context.Context, fn func([]VaultKey) ([]VaultKey, error)) error
}
