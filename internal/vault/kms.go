package vault

import (
	"context"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// ErrKeyAuth is what a KeyWrapper returns (wrapped) when a wrapped data
// key does not authenticate under its key-encryption key: the master key
// or KMS key is not the one that wrapped it.
var ErrKeyAuth = errors.New("does not open with this master key")

// errWrapAuth is the historical name of ErrKeyAuth.
var errWrapAuth = ErrKeyAuth

// KeyWrapper wraps and unwraps the vault's data keys under a
// key-encryption key (KEK). It is the seam where an external KMS plugs in:
//
//   - LocalWrapper, the built-in one, derives the KEK from a 32-byte master
//     key that a KeyProvider reads from a file or the environment, and wraps
//     in process with AES-256-GCM.
//   - A cloud KMS wrapper (AWS KMS Encrypt/Decrypt, GCP Cloud KMS, Azure Key
//     Vault wrapKey/unwrapKey, HashiCorp Vault transit) would send the 32-byte
//     data key to the KMS and store what it returns; the KEK never leaves
//     the KMS. It must bind the wrap to keyID (as encryption context or
//     additional authenticated data) so that a wrapped key copied onto
//     another row does not open, and map "wrong key / tampered" to an error
//     wrapping ErrKeyAuth. Only Open, Reload and Rotate call it, never a
//     Seal or Unseal, so KMS latency does not touch tool calls. Not built.
//
// Implementations must be safe for concurrent use.
type KeyWrapper interface {
	// ID names the key-encryption key without revealing it, such as a
	// fingerprint or a KMS key ARN. It appears in status output and errors.
	ID() string
	// WrapKey seals a 32-byte data key bound to keyID.
	WrapKey(ctx context.Context, keyID uint32, dataKey []byte) ([]byte, error)
	// UnwrapKey opens what WrapKey returned for the same keyID.
	UnwrapKey(ctx context.Context, keyID uint32, wrapped []byte) ([]byte, error)
}

// fingerprintInfo is the HKDF info of a master key's public fingerprint;
// it differs from kekInfo, so the fingerprint reveals nothing of the KEK.
const fingerprintInfo = "switchboard vault master key fingerprint v1"

// LocalWrapper is the KeyWrapper of a master key held in process: HKDF-
// SHA256 derives the KEK, AES-256-GCM wraps, the layout is
// version(1)=1 | nonce(12) | GCM(data key 32 + tag 16), AD "vaultkey/<id>".
type LocalWrapper struct {
	kek cipher.AEAD
	id  string
}

var _ KeyWrapper = (*LocalWrapper)(nil)

// NewLocalWrapper derives the KEK from a 32-byte master key.
func NewLocalWrapper(masterKey []byte) (*LocalWrapper, error) {
	kek, err := deriveKEK(masterKey)
	if err != nil {
		return nil, err
	}
	return &LocalWrapper{kek: kek, id: Fingerprint(masterKey)}, nil
}

// Fingerprint names a master key without revealing it: "mk-" and 8 bytes
// of an HKDF output in hex. Two keys with the same fingerprint are the
// same key, for any practical purpose.
func Fingerprint(masterKey []byte) string {
	fp, err := hkdf.Key(sha256.New, masterKey, nil, fingerprintInfo, 8)
	if err != nil { // only for absurd lengths
		return "mk-invalid"
	}
	return "mk-" + hex.EncodeToString(fp)
}

// ID implements KeyWrapper: the master key's Fingerprint.
func (w *LocalWrapper) ID() string { return w.id }

// WrapKey implements KeyWrapper.
func (w *LocalWrapper) WrapKey(_ context.Context, keyID uint32, dataKey []byte) ([]byte, error) {
	if len(dataKey) != DataKeySize {
		return nil, fmt.Errorf("vault: data key must be %d bytes, got %d", DataKeySize, len(dataKey))
	}
	nonce := randomBytes(w.kek.NonceSize())
	out := append([]byte{wrapVersion}, nonce...)
	return w.kek.Seal(out, nonce, dataKey, wrapAD(keyID)), nil
}

// UnwrapKey implements KeyWrapper.
func (w *LocalWrapper) UnwrapKey(_ context.Context, keyID uint32, wrapped []byte) ([]byte, error) {
	ns := w.kek.NonceSize()
	if len(wrapped) != 1+ns+DataKeySize+w.kek.Overhead() || wrapped[0] != wrapVersion {
		return nil, fmt.Errorf("data key %d: malformed", keyID)
	}
	key, err := w.kek.Open(nil, wrapped[1:1+ns], wrapped[1+ns:], wrapAD(keyID))
	if err != nil {
		return nil, fmt.Errorf("data key %d: %w", keyID, ErrKeyAuth)
	}
	return key, nil
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

func wrapAD(id uint32) []byte {
	return []byte("vaultkey/" + strconv.FormatUint(uint64(id), 10))
}
