-- Sign-in and Switchboard's OAuth 2.1 authorization server: local
-- passwords, browser sessions, OAuth clients, authorization codes, grants
-- and their tokens. Every secret is stored as a hash: argon2id for
-- passwords, SHA-256 for high-entropy session cookies, codes and tokens.

CREATE TABLE user_passwords (
    user_id     text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    hash        text NOT NULL,
    updated_at  bigint NOT NULL
);

CREATE TABLE sessions (
    id            text PRIMARY KEY,
    hash          bytea NOT NULL UNIQUE,
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    bigint NOT NULL,
    last_seen_at  bigint NOT NULL,
    expires_at    bigint NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE oauth_clients (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    redirect_uris  bytea NOT NULL,
    auth_method    text NOT NULL,
    secret_hash    bytea,
    grant_types    bytea NOT NULL,
    metadata       bytea,
    source         text NOT NULL,
    created_at     bigint NOT NULL,
    last_used_at   bigint NOT NULL
);

-- Unused clients are pruned by last use.
CREATE INDEX oauth_clients_last_used_at ON oauth_clients (last_used_at);

CREATE TABLE oauth_grants (
    id             text PRIMARY KEY,
    user_id        text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id      text NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    endpoint_id    text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    resource       text NOT NULL,
    scope          text NOT NULL,
    created_at     bigint NOT NULL,
    expires_at     bigint NOT NULL,
    revoked_at     bigint NOT NULL,
    revoke_reason  text NOT NULL
);

CREATE INDEX oauth_grants_user_id ON oauth_grants (user_id, created_at);
CREATE INDEX oauth_grants_client_id ON oauth_grants (client_id);

CREATE TABLE oauth_codes (
    hash          bytea PRIMARY KEY,
    client_id     text NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint_id   text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    resource      text NOT NULL,
    redirect_uri  text NOT NULL,
    challenge     text NOT NULL,
    scope         text NOT NULL,
    grant_ttl     bigint NOT NULL,
    created_at    bigint NOT NULL,
    expires_at    bigint NOT NULL,
    used_at       bigint NOT NULL,
    grant_id      text NOT NULL
);

CREATE INDEX oauth_codes_expires_at ON oauth_codes (expires_at);

CREATE TABLE oauth_tokens (
    id          text PRIMARY KEY,
    hash        bytea NOT NULL UNIQUE,
    kind        text NOT NULL,
    grant_id    text NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    used_at     bigint NOT NULL,
    revoked_at  bigint NOT NULL
);

CREATE INDEX oauth_tokens_grant_id ON oauth_tokens (grant_id);
