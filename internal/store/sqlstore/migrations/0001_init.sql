-- The initial schema. Times are Unix nanoseconds (0 = never); documents are
-- bytes, NULL when absent.

CREATE TABLE users (
    id          text PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    name        text NOT NULL,
    role        text NOT NULL,
    disabled    boolean NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL
);

CREATE TABLE api_tokens (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash         bytea NOT NULL UNIQUE,
    prefix       text NOT NULL,
    endpoint_id  text NOT NULL,
    created_at   bigint NOT NULL,
    expires_at   bigint NOT NULL,
    revoked_at   bigint NOT NULL
);

CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE servers (
    id               text PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    description      text NOT NULL,
    url              text NOT NULL,
    transport        text NOT NULL,
    auth_method      text NOT NULL,
    auth_header      text NOT NULL,
    credential_mode  text NOT NULL,
    synced_at        bigint NOT NULL,
    sync_error       text NOT NULL,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL
);

CREATE TABLE tools (
    server_id      text NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name           text NOT NULL,
    title          text NOT NULL,
    description    text NOT NULL,
    input_schema   bytea,
    output_schema  bytea,
    annotations    bytea,
    hash           text NOT NULL,
    updated_at     bigint NOT NULL,
    PRIMARY KEY (server_id, name)
);

CREATE TABLE credentials (
    id          text PRIMARY KEY,
    server_id   text NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id     text NOT NULL,
    ciphertext  bytea NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    UNIQUE (server_id, user_id)
);

CREATE TABLE endpoints (
    id           text PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    description  text NOT NULL,
    unprefixed   boolean NOT NULL,
    redact_requests  text NOT NULL DEFAULT 'off',
    redact_responses text NOT NULL DEFAULT 'off',
    redact_audit     text NOT NULL DEFAULT 'secrets',
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);

-- A server cannot be deleted while an endpoint lists it (no cascade).
CREATE TABLE endpoint_servers (
    endpoint_id  text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    server_id    text NOT NULL REFERENCES servers (id),
    position     integer NOT NULL,
    PRIMARY KEY (endpoint_id, server_id)
);

CREATE INDEX endpoint_servers_server_id ON endpoint_servers (server_id);

-- Selections outlive catalog syncs: no reference to tools.
CREATE TABLE endpoint_tools (
    endpoint_id    text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    server_id      text NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    tool           text NOT NULL,
    enabled        boolean NOT NULL,
    approved_hash  text NOT NULL,
    position       integer NOT NULL,
    PRIMARY KEY (endpoint_id, server_id, tool)
);

CREATE INDEX endpoint_tools_server_id ON endpoint_tools (server_id);

CREATE TABLE vault_keys (
    id          bigint PRIMARY KEY,
    wrapped     bytea NOT NULL,
    active      boolean NOT NULL,
    created_at  bigint NOT NULL
);

CREATE UNIQUE INDEX vault_keys_one_active ON vault_keys (active) WHERE active;

CREATE TABLE audit_events (
    seq             bigint PRIMARY KEY,
    id              text NOT NULL,
    at              bigint NOT NULL,
    code            text NOT NULL,
    request_id      text NOT NULL,
    actor_type      text NOT NULL,
    actor_id        text NOT NULL,
    actor_email     text NOT NULL,
    token_id        text NOT NULL,
    client_name     text NOT NULL,
    client_version  text NOT NULL,
    client_ip       text NOT NULL,
    user_agent      text NOT NULL,
    trace_id        text NOT NULL,
    session_id      text NOT NULL,
    endpoint        text NOT NULL,
    server          text NOT NULL,
    tool            text NOT NULL,
    method          text NOT NULL,
    outcome         text NOT NULL,
    error           text NOT NULL,
    request         bytea,
    response        bytea,
    redactions      text NOT NULL DEFAULT '',
    duration_us     bigint NOT NULL,
    prev_hash       bytea,
    hash            bytea
);

CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_request_id ON audit_events (request_id);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, seq);
CREATE INDEX audit_events_endpoint ON audit_events (endpoint, seq);
CREATE INDEX audit_events_code ON audit_events (code, seq);
CREATE INDEX audit_events_server_tool ON audit_events (server, tool, seq);
