-- Groups of users and their memberships. A group named by an identity
-- provider's groups claim has source 'sso'; so do the memberships SSO
-- sign-in manages, which it rewrites at every sign-in while leaving
-- locally managed ('local') memberships alone.

CREATE TABLE user_groups (
    id          text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    source      text NOT NULL,
    created_at  bigint NOT NULL
);

CREATE TABLE group_members (
    group_id    text NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      text NOT NULL,
    created_at  bigint NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX group_members_user_id ON group_members (user_id);
