package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const (
	codeColumns = `hash, client_id, user_id, endpoint_id, resource, redirect_uri, challenge, scope, grant_ttl,
	created_at, expires_at, used_at, grant_id`
	grantColumns = `id, user_id, client_id, endpoint_id, resource, scope, created_at, expires_at, revoked_at,
	revoke_reason`
	oauthTokenColumns = `id, hash, kind, grant_id, created_at, expires_at, used_at, revoked_at`
)

// codeKeep is how long a code stays after it expired, so that a late
// replay is still recognised and revokes the grant issued from it.
const codeKeep = 24 * time.Hour

// CreateAuthCode stores an authorization code. It also deletes codes that
// expired more than a day before c.CreatedAt. An unknown client, user or
// endpoint is store.ErrNotFound.
func (s *Store) CreateAuthCode(ctx context.Context, ac store.AuthCode) error {
	err := s.update(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM oauth_codes WHERE expires_at < $1`, unixNano(ac.CreatedAt.Add(-codeKeep))); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO oauth_codes (`+codeColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			ac.Hash, ac.ClientID, ac.UserID, ac.EndpointID, ac.Resource, ac.RedirectURI, ac.Challenge, ac.Scope,
			int64(ac.GrantTTL), unixNano(ac.CreatedAt), unixNano(ac.ExpiresAt), unixNano(ac.UsedAt), ac.GrantID)
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create auth code: %w", err)
	}
	return nil
}

// RedeemAuthCode consumes a code and stores what issue returns; see
// store.OAuthGrants.
func (s *Store) RedeemAuthCode(ctx context.Context, hash []byte, at time.Time,
	issue func(store.AuthCode) (store.Grant, []store.OAuthToken, error)) (store.AuthCode, error) {
	var code store.AuthCode
	var issueErr error
	err := s.update(ctx, func(c conn) error {
		issueErr = nil
		res, err := c.exec(ctx, `UPDATE oauth_codes SET used_at = $2 WHERE hash = $1 AND used_at = 0`, hash, unixNano(at))
		if err != nil {
			return err
		}
		claimed, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if code, err = scanAuthCode(c.queryRow(ctx, `SELECT `+codeColumns+` FROM oauth_codes WHERE hash = $1`, hash)); err != nil {
			return rowErr(err)
		}
		if claimed == 0 {
			return store.ErrConflict
		}
		g, toks, err := issue(code)
		if err != nil {
			issueErr = err
			return nil // commit the consumption alone
		}
		if err := s.insertGrant(ctx, c, g, toks); err != nil {
			return err
		}
		code.GrantID = g.ID
		_, err = c.exec(ctx, `UPDATE oauth_codes SET grant_id = $2 WHERE hash = $1`, hash, g.ID)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return code, fmt.Errorf("redeem auth code: already used: %w", store.ErrConflict)
	}
	if err != nil {
		return store.AuthCode{}, fmt.Errorf("redeem auth code: %w", err)
	}
	return code, issueErr
}

func (s *Store) insertGrant(ctx context.Context, c conn, g store.Grant, toks []store.OAuthToken) error {
	_, err := c.exec(ctx, `INSERT INTO oauth_grants (`+grantColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		g.ID, g.UserID, g.ClientID, g.EndpointID, g.Resource, g.Scope,
		unixNano(g.CreatedAt), unixNano(g.ExpiresAt), unixNano(g.RevokedAt), g.RevokeReason)
	if err != nil {
		return s.insertErr(err)
	}
	return s.insertTokens(ctx, c, toks)
}

func (s *Store) insertTokens(ctx context.Context, c conn, toks []store.OAuthToken) error {
	for _, t := range toks {
		_, err := c.exec(ctx, `INSERT INTO oauth_tokens (`+oauthTokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			t.ID, t.Hash, t.Kind, t.GrantID, unixNano(t.CreatedAt), unixNano(t.ExpiresAt), unixNano(t.UsedAt), unixNano(t.RevokedAt))
		if err != nil {
			return s.insertErr(err)
		}
	}
	return nil
}

// RotateRefreshToken consumes a refresh token and stores what issue
// returns; see store.OAuthGrants.
func (s *Store) RotateRefreshToken(ctx context.Context, hash []byte, at time.Time,
	issue func(store.OAuthToken, store.Grant) ([]store.OAuthToken, error)) (store.OAuthToken, store.Grant, error) {
	var tok store.OAuthToken
	var g store.Grant
	err := s.update(ctx, func(c conn) error {
		var err error
		if tok, g, err = getTokenWithGrant(ctx, c, hash); err != nil {
			return err
		}
		if tok.Kind != store.TokenRefresh {
			return store.ErrNotFound
		}
		if !tok.UsedAt.IsZero() {
			return store.ErrConflict
		}
		toks, err := issue(tok, g)
		if err != nil {
			return err
		}
		res, err := c.exec(ctx, `UPDATE oauth_tokens SET used_at = $2 WHERE id = $1 AND used_at = 0`, tok.ID, unixNano(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, store.ErrConflict)
		}
		tok.UsedAt = at
		return s.insertTokens(ctx, c, toks)
	})
	if errors.Is(err, store.ErrConflict) {
		return tok, g, fmt.Errorf("rotate refresh token: already used: %w", store.ErrConflict)
	}
	if err != nil {
		return store.OAuthToken{}, store.Grant{}, fmt.Errorf("rotate refresh token: %w", err)
	}
	return tok, g, nil
}

// GetOAuthToken returns a token and its grant by the token's hash.
func (s *Store) GetOAuthToken(ctx context.Context, hash []byte) (store.OAuthToken, store.Grant, error) {
	tok, g, err := getTokenWithGrant(ctx, s.reader(), hash)
	if err != nil {
		return store.OAuthToken{}, store.Grant{}, fmt.Errorf("get oauth token by hash: %w", err)
	}
	return tok, g, nil
}

func getTokenWithGrant(ctx context.Context, c conn, hash []byte) (store.OAuthToken, store.Grant, error) {
	var t store.OAuthToken
	var g store.Grant
	err := c.queryRow(ctx, `SELECT t.id, t.hash, t.kind, t.grant_id, t.created_at, t.expires_at, t.used_at, t.revoked_at,
		g.id, g.user_id, g.client_id, g.endpoint_id, g.resource, g.scope, g.created_at, g.expires_at, g.revoked_at,
		g.revoke_reason
		FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id WHERE t.hash = $1`, hash).Scan(
		&t.ID, bytesCol{&t.Hash}, &t.Kind, &t.GrantID, timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt},
		timeCol{&t.UsedAt}, timeCol{&t.RevokedAt},
		&g.ID, &g.UserID, &g.ClientID, &g.EndpointID, &g.Resource, &g.Scope, timeCol{&g.CreatedAt},
		timeCol{&g.ExpiresAt}, timeCol{&g.RevokedAt}, &g.RevokeReason)
	return t, g, rowErr(err)
}

// RevokeOAuthToken revokes one token, keeping the first revocation time.
func (s *Store) RevokeOAuthToken(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		var revoked int64
		if err := c.queryRow(ctx, `SELECT revoked_at FROM oauth_tokens WHERE id = $1`, id).Scan(&revoked); err != nil || revoked != 0 {
			return rowErr(err)
		}
		_, err := c.exec(ctx, `UPDATE oauth_tokens SET revoked_at = $2 WHERE id = $1`, id, unixNano(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke oauth token %q: %w", id, err)
	}
	return nil
}

// GetGrant returns the grant with the given ID.
func (s *Store) GetGrant(ctx context.Context, id string) (store.Grant, error) {
	g, err := scanGrant(s.reader().queryRow(ctx, `SELECT `+grantColumns+` FROM oauth_grants WHERE id = $1`, id))
	if err != nil {
		return store.Grant{}, fmt.Errorf("get grant %q: %w", id, rowErr(err))
	}
	return g, nil
}

// ListGrants returns the grants of userID, or all when userID is "",
// newest first.
func (s *Store) ListGrants(ctx context.Context, userID string) ([]store.Grant, error) {
	rows, err := s.reader().query(ctx, `SELECT `+grantColumns+` FROM oauth_grants
		WHERE $1 = '' OR user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	gs, err := collect(rows, scanGrant)
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	return gs, nil
}

// RevokeGrant revokes a grant, keeping the first time and reason.
func (s *Store) RevokeGrant(ctx context.Context, id string, at time.Time, reason string) error {
	err := s.update(ctx, func(c conn) error {
		var revoked int64
		if err := c.queryRow(ctx, `SELECT revoked_at FROM oauth_grants WHERE id = $1`, id).Scan(&revoked); err != nil || revoked != 0 {
			return rowErr(err)
		}
		_, err := c.exec(ctx, `UPDATE oauth_grants SET revoked_at = $2, revoke_reason = $3 WHERE id = $1`, id, unixNano(at), reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke grant %q: %w", id, err)
	}
	return nil
}

func scanAuthCode(r scanner) (store.AuthCode, error) {
	var ac store.AuthCode
	var ttl int64
	err := r.Scan(bytesCol{&ac.Hash}, &ac.ClientID, &ac.UserID, &ac.EndpointID, &ac.Resource, &ac.RedirectURI,
		&ac.Challenge, &ac.Scope, &ttl, timeCol{&ac.CreatedAt}, timeCol{&ac.ExpiresAt}, timeCol{&ac.UsedAt}, &ac.GrantID)
	ac.GrantTTL = time.Duration(ttl)
	return ac, err
}

func scanGrant(r scanner) (store.Grant, error) {
	var g store.Grant
	err := r.Scan(&g.ID, &g.UserID, &g.ClientID, &g.EndpointID, &g.Resource, &g.Scope,
		timeCol{&g.CreatedAt}, timeCol{&g.ExpiresAt}, timeCol{&g.RevokedAt}, &g.RevokeReason)
	return g, err
}
