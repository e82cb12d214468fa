-- Signed checkpoints of the audit chain: "event seq had this hash", signed
-- with Ed25519 over (seq, hash, signed_at). Retention keeps the checkpoint
-- of the last event it deleted, the anchor the remaining chain starts from.

CREATE TABLE audit_checkpoints (
    seq        bigint PRIMARY KEY,
    hash       bytea NOT NULL,
    signed_at  bigint NOT NULL,
    key_id     text NOT NULL,
    signature  bytea NOT NULL
);

-- The key that signs checkpoints; the private half is sealed by the vault.
CREATE TABLE audit_signing_keys (
    id          text PRIMARY KEY,
    sealed      bytea NOT NULL,
    created_at  bigint NOT NULL
);
