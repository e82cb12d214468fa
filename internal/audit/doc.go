// Package audit records Switchboard's tamper-evident audit trail.
//
// Events carry stable dotted codes (codes.go). The Writer assigns each event
// a sequence number and chains it to its predecessor with
// Hash = SHA-256(PrevHash || seq || "\n" || canonical JSON of the rest)
// (chain.go). It group-commits concurrent events in one store transaction,
// and Record returns only once the caller's own event is durable, so the
// gateway can fail closed. Large payloads are stored truncated with their
// size and SHA-256 (payload.go).
//
// Verify (verify*.go) walks the chain in ascending pages, recomputing every
// hash, and names the first broken seq and why: edited, deleted or
// reordered. A Signer (checkpoint_signer.go) holds an Ed25519 key sealed by
// the vault. The Checkpointer (checkpoint.go) signs the head every N events
// or T seconds, so that even a consistent rewrite of the chain shows.
// Retention (retention.go) deletes old events behind a signed anchor from
// which the rest still verifies. DESIGN.md shows the flows.
package audit
