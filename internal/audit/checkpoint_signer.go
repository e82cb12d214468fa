package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// SigningKeyKind is the vault record kind of the sealed checkpoint key.
const SigningKeyKind = "audit-signing-key"

// checkpointDomain starts every signed checkpoint message, so that a
// checkpoint signature can never be mistaken for a signature over
// anything else.
const checkpointDomain = "switchboard audit checkpoint v1\n"

// Sealer seals and opens secrets bound to a record; *vault.Vault
// implements it.
type Sealer interface {
	Seal(plaintext []byte, kind, id string) ([]byte, error)
	Unseal(ciphertext []byte, kind, id string) ([]byte, error)
}

// SigningKeyStore holds the sealed signing keys; store.AuditCheckpoints
// satisfies it.
type SigningKeyStore interface {
	ListAuditSigningKeys(ctx context.Context) ([]store.AuditSigningKey, error)
	CreateAuditSigningKey(ctx context.Context, k store.AuditSigningKey) error
}

// SignerConfig configures OpenSigner. Store and Sealer are required.
type SignerConfig struct {
	Store  SigningKeyStore
	Sealer Sealer
	Now    func() time.Time
}

// Signer signs checkpoints with the newest Ed25519 signing key and knows
// the public half of every key, for verification. It is safe for
// concurrent use: it never changes after OpenSigner.
type Signer struct {
	id   string
	priv ed25519.PrivateKey
	pubs map[string]ed25519.PublicKey
	now  func() time.Time
}

// OpenSigner unseals the signing keys, generating and storing the first
// one when there is none yet. Replicas starting together agree on one key.
func OpenSigner(ctx context.Context, cfg SignerConfig) (*Signer, error) {
	if cfg.Store == nil || cfg.Sealer == nil {
		return nil, errors.New("audit: SignerConfig.Store and Sealer are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	keys, err := cfg.Store.ListAuditSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: load signing keys: %w", err)
	}
	if len(keys) == 0 {
		if keys, err = createSigningKey(ctx, cfg); err != nil {
			return nil, err
		}
	}
	s := &Signer{pubs: map[string]ed25519.PublicKey{}, now: cfg.Now}
	for _, k := range keys {
		seed, err := cfg.Sealer.Unseal(k.Sealed, SigningKeyKind, k.ID)
		if err != nil {
			return nil, fmt.Errorf("audit: open signing key %s: %w", k.ID, err)
		}
		if len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("audit: signing key %s has %d bytes, want %d", k.ID, len(seed), ed25519.SeedSize)
		}
		priv := ed25519.NewKeyFromSeed(seed)
		pub := priv.Public().(ed25519.PublicKey)
		if KeyID(pub) != k.ID {
			return nil, fmt.Errorf("audit: signing key %s is stored under the wrong ID", k.ID)
		}
		s.id, s.priv, s.pubs[k.ID] = k.ID, priv, pub // the newest key signs
	}
	return s, nil
}

// createSigningKey generates a key, seals it and stores it, then lists the
// keys again: another replica may have won the race.
func createSigningKey(ctx context.Context, cfg SignerConfig) ([]store.AuditSigningKey, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, fmt.Errorf("audit: generate signing key: %w", err)
	}
	id := KeyID(pub)
	sealed, err := cfg.Sealer.Seal(priv.Seed(), SigningKeyKind, id)
	if err != nil {
		return nil, fmt.Errorf("audit: seal signing key: %w", err)
	}
	err = cfg.Store.CreateAuditSigningKey(ctx, store.AuditSigningKey{ID: id, Sealed: sealed, CreatedAt: cfg.Now().UTC()})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("audit: store signing key: %w", err)
	}
	keys, err := cfg.Store.ListAuditSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: load signing keys: %w", err)
	}
	return keys, nil
}

// KeyID returns the ID of an Ed25519 public key: "ed25519-" and the first
// 8 bytes of its SHA-256 in hex. Anyone holding the public key can compute
// it, so a verifier needs nothing but the key.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519-" + hex.EncodeToString(sum[:8])
}

// KeyID returns the ID of the key that signs.
func (s *Signer) KeyID() string { return s.id }

// PublicKey returns the public half of the key that signs.
func (s *Signer) PublicKey() ed25519.PublicKey { return s.pubs[s.id] }

// PublicKeys returns every known public key by ID.
func (s *Signer) PublicKeys() map[string]ed25519.PublicKey { return maps.Clone(s.pubs) }

// Sign returns a checkpoint stating that event seq had hash, signed now.
func (s *Signer) Sign(seq int64, hash []byte) store.AuditCheckpoint {
	at := s.now().UTC()
	return store.AuditCheckpoint{
		Seq: seq, Hash: hash, SignedAt: at, KeyID: s.id,
		Signature: ed25519.Sign(s.priv, CheckpointMessage(seq, hash, at)),
	}
}

// CheckpointMessage returns the bytes that a checkpoint signature covers.
// The encoding is frozen:
//
//	"switchboard audit checkpoint v1\n"   32 bytes
//	seq                                    8 bytes, big endian
//	len(hash)                              2 bytes, big endian
//	hash                                   len(hash) bytes (32 for SHA-256)
//	signed_at as Unix nanoseconds          8 bytes, big endian, two's complement
func CheckpointMessage(seq int64, hash []byte, signedAt time.Time) []byte {
	b := make([]byte, 0, len(checkpointDomain)+8+2+len(hash)+8)
	b = append(b, checkpointDomain...)
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = binary.BigEndian.AppendUint16(b, uint16(len(hash)))
	b = append(b, hash...)
	return binary.BigEndian.AppendUint64(b, uint64(signedAt.UnixNano()))
}

// ErrBadSignature means a checkpoint's signature does not verify with the
// key it names, or names no known key.
var ErrBadSignature = errors.New("audit: checkpoint signature does not verify")

// VerifyCheckpoint checks cp's signature with the key its KeyID names.
func VerifyCheckpoint(keys map[string]ed25519.PublicKey, cp store.AuditCheckpoint) error {
	pub, ok := keys[cp.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: unknown key %q at seq %d", ErrBadSignature, cp.KeyID, cp.Seq)
	}
	if len(cp.Hash) > 0xffff || !ed25519.Verify(pub, CheckpointMessage(cp.Seq, cp.Hash, cp.SignedAt), cp.Signature) {
		return fmt.Errorf("%w: seq %d", ErrBadSignature, cp.Seq)
	}
	return nil
}
