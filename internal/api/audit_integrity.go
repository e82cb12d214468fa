package api

import "time"

// Reasons of a failed AuditVerifyReport.
const (
	VerifyEdited    = "edited"    // an event or checkpoint changed, or the chain was rewritten
	VerifyDeleted   = "deleted"   // events are missing
	VerifyReordered = "reordered" // events are present but out of chain order
)

// AuditVerifyReport is the answer of GET /api/v1/audit/verify. When OK is
// false, FirstBadSeq is the first sequence number that cannot be trusted
// and Reason is one of the Verify* constants.
type AuditVerifyReport struct {
	OK          bool   `json:"ok"`
	Count       int64  `json:"count"` // events verified
	FirstSeq    int64  `json:"first_seq,omitempty"`
	LastSeq     int64  `json:"last_seq,omitempty"`
	AnchorSeq   int64  `json:"anchor_seq,omitempty"` // the retention anchor the chain starts after
	Checkpoints int    `json:"checkpoints,omitempty"`
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

// AuditCheckpoint is a signed statement that the event at Seq had Hash.
// The Ed25519 signature covers
//
//	"switchboard audit checkpoint v1\n" | seq (8 bytes) | len(hash) (2 bytes) | hash | signed_at (8 bytes)
//
// with integers big endian and signed_at in Unix nanoseconds.
type AuditCheckpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"` // hex
	SignedAt  time.Time `json:"signed_at"`
	KeyID     string    `json:"key_id"`
	Signature string    `json:"signature"` // standard base64
}

// AuditCheckpointList is a page of checkpoints, lowest seq first.
// NextCursor is empty on the last page.
type AuditCheckpointList struct {
	Checkpoints []AuditCheckpoint `json:"checkpoints"`
	NextCursor  string            `json:"next_cursor,omitempty"`
}

// AuditPublicKey is a public key that verifies checkpoint signatures.
// KeyID is "ed25519-" and the first 8 bytes of the SHA-256 of the raw key
// in hex, so it can be recomputed from the key alone.
type AuditPublicKey struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`  // "Ed25519"
	PublicKey string `json:"public_key"` // the raw 32-byte key, standard base64
	PEM       string `json:"pem"`        // the same key as a PKIX "PUBLIC KEY" PEM block
	Active    bool   `json:"active"`     // signs new checkpoints
}

// AuditPublicKeys is the answer of GET /api/v1/audit/public-key.
type AuditPublicKeys struct {
	Keys []AuditPublicKey `json:"keys"`
}
