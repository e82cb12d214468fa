// Package audit records Switchboard's tamper-evident audit trail.
//
// Events carry stable dotted codes (codes.go). The Writer assigns each event
// a sequence number and chains it to its predecessor with
// Hash = SHA-256(PrevHash || canonical JSON of the event) (chain.go). It
// group-commits concurrent events in one store transaction, and Record
// returns only once the caller's own event is durable, so the gateway can
// fail closed. Large payloads are stored truncated with their size and
// SHA-256 (payload.go).
package audit
