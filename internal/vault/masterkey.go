package vault

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeySize is the length of the master key in bytes.
const MasterKeySize = 32

// MasterKeyEnv is the environment variable that may hold the master key.
const MasterKeyEnv = "SWITCHBOARD_MASTER_KEY"

// KeyProvider supplies the master key. FileKeyProvider and EnvKeyProvider
// are the built-in sources, and the only ones implemented. An external KMS
// can plug in at either of two places without touching the keyring code:
// as a KeyProvider that decrypts a KMS-encrypted master key once at start
// (the key then lives in process memory, as with a file), or as a
// KeyWrapper (kms.go) that wraps and unwraps the data keys inside the KMS,
// so that no master key exists in process at all.
type KeyProvider interface {
	MasterKey(ctx context.Context) ([]byte, error)
}

// FileKeyProvider reads the master key from Path, generating it on first
// use. When it generates one, Created is called (if set) so the caller can
// print a loud notice telling the operator to back the file up.
type FileKeyProvider struct {
	Path    string
	Created func(path string)
}

// MasterKey implements KeyProvider.
func (p FileKeyProvider) MasterKey(ctx context.Context) ([]byte, error) {
	key, created, err := LoadOrCreateMasterKey(p.Path)
	if err != nil {
		return nil, err
	}
	if created && p.Created != nil {
		p.Created(p.Path)
	}
	return key, nil
}

// EnvKeyProvider takes the master key from a string, normally the value of
// SWITCHBOARD_MASTER_KEY. The string is parsed by ParseMasterKey.
type EnvKeyProvider struct {
	Value Secret
}

// MasterKey implements KeyProvider.
func (p EnvKeyProvider) MasterKey(ctx context.Context) ([]byte, error) {
	key, err := ParseMasterKey(p.Value.Reveal())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MasterKeyEnv, err)
	}
	return key, nil
}

// ParseMasterKey decodes a master key written as text: standard base64
// (44 characters with padding, as LoadOrCreateMasterKey writes it) or hex
// (64 characters). Surrounding white space is ignored. Any other length is
// an error that says what is expected.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("vault: master key is empty")
	}
	if len(s) == 2*MasterKeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("vault: master key must be %d bytes as base64 or hex text: %w", MasterKeySize, err)
	}
	if len(key) != MasterKeySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, got %d; generate one with: openssl rand -base64 32",
			MasterKeySize, len(key))
	}
	return key, nil
}

// EncodeMasterKey returns the text form of key written to key files:
// standard base64 and a newline.
func EncodeMasterKey(key []byte) string {
	return base64.StdEncoding.EncodeToString(key) + "\n"
}

// LoadOrCreateMasterKey reads the master key file at path (base64 or hex
// text, see ParseMasterKey). When the file does not exist it generates a
// random key, writes it as base64 with mode 0600 (creating the parent
// directory with mode 0700 when missing) and reports created = true.
// An existing file is never overwritten.
func LoadOrCreateMasterKey(path string) (key []byte, created bool, err error) {
	data, err := os.ReadFile(path)
	if err == nil {
		key, err := ParseMasterKey(string(data))
		if err != nil {
			return nil, false, fmt.Errorf("read master key file %s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read master key file: %w", err)
	}
	key = randomBytes(MasterKeySize)
	if err := writeKeyFile(path, []byte(EncodeMasterKey(key))); err != nil {
		if errors.Is(err, fs.ErrExist) { // created concurrently: use that one
			return LoadOrCreateMasterKey(path)
		}
		return nil, false, fmt.Errorf("create master key file: %w", err)
	}
	return key, true, nil
}

// writeKeyFile creates path exclusively with mode 0600 and syncs it.
func writeKeyFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // never leave a half-written key behind
	}
	return err
}
