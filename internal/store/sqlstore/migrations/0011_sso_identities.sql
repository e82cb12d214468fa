-- SSO identities bind a user to the provider's subject (issuer, sub) at
-- the first SSO sign-in, so that a later sign-in is matched by subject
-- and an email address that moves to another person at the provider
-- does not open the first person's account.

CREATE TABLE sso_identities (
    issuer      text NOT NULL,
    subject     text NOT NULL,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  bigint NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (issuer, user_id)
);
