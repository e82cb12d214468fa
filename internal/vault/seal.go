package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// sealVersion is the first byte of every ciphertext Seal produces.
const sealVersion = 1

const (
	nonceSize  = 12 // AES-GCM standard nonce
	headerSize = 1 + 4 + nonceSize
	tagSize    = 16
)

// Errors returned by Unseal and KeyIDOf. They never include plaintext.
var (
	// ErrMalformed means the ciphertext is too short or has an unknown
	// version byte.
	ErrMalformed = errors.New("vault: malformed ciphertext")
	// ErrUnknownKey means the ciphertext names a data key that is not in
	// the loaded keyring; Reload may find it if another replica rotated.
	ErrUnknownKey = errors.New("vault: ciphertext names an unknown data key")
	// ErrDecrypt means authentication failed: the blob was tampered with
	// or belongs to another record.
	ErrDecrypt = errors.New("vault: ciphertext does not open: tampered, or sealed for another record")
)

// Seal encrypts plaintext with the active data key, bound to the record
// kind/id (for example "credential", "cr_8f2…"). Kind and id must be
// non-empty and kind must not contain "/".
func (v *Vault) Seal(plaintext []byte, kind, id string) ([]byte, error) {
	ad, err := recordAD(kind, id)
	if err != nil {
		return nil, err
	}
	v.reloadIfStale()
	v.mu.RLock()
	keyID, aead := v.active, v.keys[v.active]
	v.mu.RUnlock()
	if aead == nil {
		return nil, errors.New("vault: no active data key")
	}
	out := make([]byte, headerSize, headerSize+len(plaintext)+tagSize)
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:5], keyID)
	nonce := out[5:headerSize]
	copy(nonce, randomBytes(nonceSize))
	return aead.Seal(out, nonce, plaintext, ad), nil
}

// Unseal decrypts a ciphertext produced by Seal for the same kind and id.
// Bad input gives an error (ErrMalformed, ErrUnknownKey, ErrDecrypt), never
// a panic.
func (v *Vault) Unseal(ciphertext []byte, kind, id string) ([]byte, error) {
	ad, err := recordAD(kind, id)
	if err != nil {
		return nil, err
	}
	keyID, err := KeyIDOf(ciphertext)
	if err != nil {
		return nil, err
	}
	if len(ciphertext) < headerSize+tagSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(ciphertext))
	}
	aead, ok := v.key(keyID)
	if !ok && v.refreshFor(keyID) {
		aead, ok = v.key(keyID)
	}
	if !ok {
		return nil, fmt.Errorf("%w: key %d", ErrUnknownKey, keyID)
	}
	plain, err := aead.Open(nil, ciphertext[5:headerSize], ciphertext[headerSize:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w (%s/%s)", ErrDecrypt, kind, id)
	}
	return plain, nil
}

// KeyIDOf returns the ID of the data key that sealed ciphertext, without
// decrypting it. The rewrap job uses it to find rows on retired keys.
func KeyIDOf(ciphertext []byte) (uint32, error) {
	if len(ciphertext) < headerSize {
		return 0, fmt.Errorf("%w: %d bytes", ErrMalformed, len(ciphertext))
	}
	if ciphertext[0] != sealVersion {
		return 0, fmt.Errorf("%w: version %d", ErrMalformed, ciphertext[0])
	}
	return binary.BigEndian.Uint32(ciphertext[1:5]), nil
}

// KeyIDOf is the method form of the package-level KeyIDOf.
func (v *Vault) KeyIDOf(ciphertext []byte) (uint32, error) {
	return KeyIDOf(ciphertext)
}

// recordAD builds the associated data "<kind>/<id>".
func recordAD(kind, id string) ([]byte, error) {
	if kind == "" || id == "" || strings.Contains(kind, "/") {
		return nil, fmt.Errorf("vault: record kind %q and id %q must be non-empty, kind without '/'", kind, id)
	}
	return []byte(kind + "/" + id), nil
}
