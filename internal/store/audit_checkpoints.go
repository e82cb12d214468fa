package store

import (
	"context"
	"time"
)

// AuditCheckpoint is a signed statement that the audit event Seq had Hash.
// The server writes one every N events or T seconds, and retention writes
// one for the last event it deletes (the anchor), from which the rest of
// the chain verifies.
type AuditCheckpoint struct {
	Seq       int64
	Hash      []byte
	SignedAt  time.Time
	KeyID     string // names the Ed25519 key that made Signature
	Signature []byte
}

// AuditSigningKey is an Ed25519 key that signs audit checkpoints. Its
// private half is sealed by the vault (kind "audit-signing-key", id ID).
type AuditSigningKey struct {
	ID        string
	Sealed    []byte
	CreatedAt time.Time
}

// AuditCheckpoints stores signed checkpoints of the audit chain, the key
// that signs them, and prunes the trail behind a retention anchor.
type AuditCheckpoints interface {
	// AddAuditCheckpoint stores cp. A checkpoint at the same Seq is
	// ErrConflict.
	AddAuditCheckpoint(ctx context.Context, cp AuditCheckpoint) error
	// GetAuditCheckpoint returns the checkpoint at seq, or ErrNotFound.
	GetAuditCheckpoint(ctx context.Context, seq int64) (AuditCheckpoint, error)
	// LatestAuditCheckpoint returns the checkpoint with the highest Seq,
	// or ErrNotFound.
	LatestAuditCheckpoint(ctx context.Context) (AuditCheckpoint, error)
	// ListAuditCheckpoints returns up to limit checkpoints with a Seq
	// above afterSeq, lowest first. limit is capped at 1000.
	ListAuditCheckpoints(ctx context.Context, afterSeq int64, limit int) ([]AuditCheckpoint, error)
	// PruneAudit, in one transaction, stores anchor (an identical
	// checkpoint already there is fine, a different one is ErrConflict),
	// deletes the audit events with Seq <= anchor.Seq and the checkpoints
	// below anchor.Seq, and returns how many events it deleted.
	PruneAudit(ctx context.Context, anchor AuditCheckpoint) (int64, error)

	// ListAuditSigningKeys returns the signing keys, oldest first.
	ListAuditSigningKeys(ctx context.Context) ([]AuditSigningKey, error)
	// CreateAuditSigningKey stores k when no signing key exists yet, and
	// returns ErrConflict otherwise, so that replicas starting together
	// agree on one key.
	CreateAuditSigningKey(ctx context.Context, k AuditSigningKey) error
}
