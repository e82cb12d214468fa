-- Grants of endpoints to principals: users, groups and service accounts.
-- principal_id has no foreign key because it names rows of different
-- tables; deleting a user or group deletes its grants in the store.

CREATE TABLE endpoint_grants (
    id              text PRIMARY KEY,
    endpoint_id     text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    principal_type  text NOT NULL,
    principal_id    text NOT NULL,
    created_at      bigint NOT NULL,
    UNIQUE (endpoint_id, principal_type, principal_id)
);

CREATE INDEX endpoint_grants_principal ON endpoint_grants (principal_type, principal_id);

-- Service accounts are principals for headless agents and CI. Their API
-- tokens are stored hashed, bound to one endpoint, and expire.

CREATE TABLE service_accounts (
    id           text PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    description  text NOT NULL,
    created_at   bigint NOT NULL
);

CREATE TABLE service_account_tokens (
    id                  text PRIMARY KEY,
    name                text NOT NULL,
    service_account_id  text NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    hash                bytea NOT NULL UNIQUE,
    prefix              text NOT NULL,
    endpoint_id         text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    created_at          bigint NOT NULL,
    expires_at          bigint NOT NULL,
    revoked_at          bigint NOT NULL
);

CREATE INDEX service_account_tokens_sa ON service_account_tokens (service_account_id);
