-- Tool policy: ordered allow and deny rules of an endpoint, conditions in
-- CEL. Positions run 1..n per endpoint; the store keeps them without gaps
-- (no unique constraint, so that a shift can renumber in one UPDATE).

CREATE TABLE tool_rules (
    id           text PRIMARY KEY,
    endpoint_id  text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    effect       text NOT NULL,
    name         text NOT NULL,
    tools        text NOT NULL,
    condition    text NOT NULL,
    enabled      boolean NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);

CREATE INDEX tool_rules_endpoint ON tool_rules (endpoint_id, position);
