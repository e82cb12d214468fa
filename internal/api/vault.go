package api

import "time"

// VaultKey is one data key of the vault keyring and how many sealed
// records use it, by kind ("credential", "audit-signing-key",
// "server_oauth"). It never carries key material.
type VaultKey struct {
	ID        uint32         `json:"id"`
	Active    bool           `json:"active"`
	InKeyring bool           `json:"in_keyring"` // false: records name a key that is gone and cannot open
	CreatedAt *time.Time     `json:"created_at,omitempty"`
	Records   map[string]int `json:"records"`
}

// VaultStatus is the answer of GET /api/v1/vault. MasterKey is the
// fingerprint of the master key the server runs with ("mk-" and 16 hex
// digits), never the key.
type VaultStatus struct {
	MasterKey   string     `json:"master_key"`
	ActiveKeyID uint32     `json:"active_key_id"`
	Kinds       []string   `json:"kinds"`
	Keys        []VaultKey `json:"keys"`
}

// VaultRotateRequest is the body of POST /api/v1/vault/rotate. BatchSize
// (1–1000, default 100) is how many records are read per page; each is
// re-sealed in its own transaction.
type VaultRotateRequest struct {
	BatchSize int `json:"batch_size,omitempty"`
}

// VaultRotateReport is the outcome of a data-key rotation.
type VaultRotateReport struct {
	NewKeyID   uint32         `json:"new_key_id"`
	Resealed   map[string]int `json:"resealed"`         // records re-sealed, by kind
	Skipped    int            `json:"skipped"`          // records a concurrent write replaced first
	Failed     []string       `json:"failed,omitempty"` // "kind/id" of records that did not open
	Retired    []uint32       `json:"retired"`          // old data keys removed from the keyring
	Kept       []uint32       `json:"kept,omitempty"`   // old data keys still in use
	DurationMS int64          `json:"duration_ms"`
}
