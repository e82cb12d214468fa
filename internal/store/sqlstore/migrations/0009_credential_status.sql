-- Credentials gain a kind (static secret or OAuth token set), a status
-- (connected, expired, needs_reconnect), an expiry, the granted OAuth
-- scopes and the last refresh or use error. Existing rows are static and
-- connected.

ALTER TABLE credentials ADD COLUMN kind text NOT NULL DEFAULT 'static';
ALTER TABLE credentials ADD COLUMN status text NOT NULL DEFAULT 'connected';
ALTER TABLE credentials ADD COLUMN expires_at bigint NOT NULL DEFAULT 0;
ALTER TABLE credentials ADD COLUMN scopes text NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN last_error text NOT NULL DEFAULT '';

CREATE INDEX credentials_user ON credentials (user_id);
