-- Custom roles: named sets of permissions (resource, actions, conditions
-- on the resource's name), kept as JSON text and validated by
-- internal/policy before they are written. users.role names either a
-- built-in role or one of these.

CREATE TABLE roles (
    id           text PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    description  text NOT NULL,
    permissions  text NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);
