package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const tokenColumns = `id, name, user_id, hash, prefix, endpoint_id, created_at, expires_at, revoked_at`

// CreateAPIToken stores t. A taken ID or hash is store.ErrConflict; an
// unknown user is store.ErrNotFound.
func (s *Store) CreateAPIToken(ctx context.Context, t store.APIToken) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, t.Name, t.UserID, t.Hash, t.Prefix, t.EndpointID,
			unixNano(t.CreatedAt), unixNano(t.ExpiresAt), unixNano(t.RevokedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create api token %q: %w", t.ID, err)
	}
	return nil
}

// GetAPITokenByHash returns the token whose secret hashes to hash, revoked
// and expired ones included: the caller decides what they may do.
func (s *Store) GetAPITokenByHash(ctx context.Context, hash []byte) (store.APIToken, error) {
	t, err := scanToken(s.reader().queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = $1`, hash))
	if err != nil {
		return store.APIToken{}, fmt.Errorf("get api token by hash: %w", rowErr(err))
	}
	return t, nil
}

// ListAPITokens returns the tokens of userID, or every token when userID
// is "", ordered by creation time.
func (s *Store) ListAPITokens(ctx context.Context, userID string) ([]store.APIToken, error) {
	rows, err := s.reader().query(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE $1 = '' OR user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	ts, err := collect(rows, scanToken)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return ts, nil
}

// RevokeAPIToken marks the token revoked at at. Revoking a revoked token
// keeps the first revocation time.
func (s *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		var revoked int64
		err := c.queryRow(ctx, `SELECT revoked_at FROM api_tokens WHERE id = $1`, id).Scan(&revoked)
		if err != nil || revoked != 0 {
			return rowErr(err)
		}
		_, err = c.exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, id, unixNano(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke api token %q: %w", id, err)
	}
	return nil
}

func scanToken(r scanner) (store.APIToken, error) {
	var t store.APIToken
	err := r.Scan(&t.ID, &t.Name, &t.UserID, bytesCol{&t.Hash}, &t.Prefix, &t.EndpointID,
		timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt}, timeCol{&t.RevokedAt})
	return t, err
}
