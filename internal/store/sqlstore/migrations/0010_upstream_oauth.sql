-- Upstream OAuth: the OAuth client configuration of each oauth server,
-- the authorization flows in progress (so that a flow started on one
-- replica can finish on another), and leases, the cross-replica locks
-- that keep one refresh per credential at a time.

CREATE TABLE server_oauth (
    server_id               text PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    issuer                  text NOT NULL,
    authorization_endpoint  text NOT NULL,
    token_endpoint          text NOT NULL,
    registration_endpoint   text NOT NULL,
    scopes                  text NOT NULL,
    resource                text NOT NULL,
    client_id               text NOT NULL,
    client_secret_sealed    bytea,
    created_at              bigint NOT NULL,
    updated_at              bigint NOT NULL
);

CREATE TABLE oauth_flows (
    state_hash     text PRIMARY KEY,
    server_id      text NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id        text NOT NULL,
    started_by     text NOT NULL,
    code_verifier  text NOT NULL,
    return_to      text NOT NULL,
    created_at     bigint NOT NULL,
    expires_at     bigint NOT NULL
);

CREATE INDEX oauth_flows_expiry ON oauth_flows (expires_at);

CREATE TABLE leases (
    name        text PRIMARY KEY,
    holder      text NOT NULL,
    expires_at  bigint NOT NULL
);
