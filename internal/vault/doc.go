// Package vault seals upstream credentials with envelope encryption.
//
// A 32-byte master key (the root key, or KEK source) comes from a file or
// from SWITCHBOARD_MASTER_KEY through a KeyProvider. A key-wrapping key is
// derived from it with HKDF-SHA256 (info "switchboard vault kek v1") and
// unwraps a keyring of 32-byte data keys stored in the database (KeyStore,
// which store.VaultKeys satisfies). Data keys seal records with AES-256-GCM.
//
// Every ciphertext names the data key that sealed it and is bound to its
// row through the associated data "<kind>/<id>", so a blob copied onto
// another row fails to open:
//
//	version(1)=1 | keyID(4, big endian) | nonce(12) | AES-GCM(sealed || tag)
//
// Rotate adds a new active data key; RotateAll also re-seals every sealed
// record with it and retires the old keys, without downtime. RewrapKeyring
// moves the keyring to a new master key (or any KeyWrapper, the seam for an
// external KMS) in one transaction. Secret wraps plaintext so that it never
// reaches a log, fmt verb or JSON encoder. DESIGN.md beside this file shows
// the flows.
package vault
