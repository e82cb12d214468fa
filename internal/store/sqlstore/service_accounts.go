package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const (
	serviceAccountColumns = `id, name, description, created_at`
	saTokenColumns        = `id, name, service_account_id, hash, prefix, endpoint_id, created_at, expires_at, revoked_at`
)

// CreateServiceAccount stores a. A taken ID or name is store.ErrConflict.
func (s *Store) CreateServiceAccount(ctx context.Context, a store.ServiceAccount) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO service_accounts (`+serviceAccountColumns+`) VALUES ($1, $2, $3, $4)`,
			a.ID, a.Name, a.Description, unixNano(a.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create service account %q: %w", a.Name, err)
	}
	return nil
}

// GetServiceAccount returns the service account with id.
func (s *Store) GetServiceAccount(ctx context.Context, id string) (store.ServiceAccount, error) {
	a, err := scanServiceAccount(s.reader().queryRow(ctx, `SELECT `+serviceAccountColumns+` FROM service_accounts WHERE id = $1`, id))
	if err != nil {
		return store.ServiceAccount{}, fmt.Errorf("get service account %q: %w", id, rowErr(err))
	}
	return a, nil
}

// GetServiceAccountByName returns the service account named name.
func (s *Store) GetServiceAccountByName(ctx context.Context, name string) (store.ServiceAccount, error) {
	a, err := scanServiceAccount(s.reader().queryRow(ctx, `SELECT `+serviceAccountColumns+` FROM service_accounts WHERE name = $1`, name))
	if err != nil {
		return store.ServiceAccount{}, fmt.Errorf("get service account %q: %w", name, rowErr(err))
	}
	return a, nil
}

// ListServiceAccounts returns every service account, ordered by name.
func (s *Store) ListServiceAccounts(ctx context.Context) ([]store.ServiceAccount, error) {
	rows, err := s.reader().query(ctx, `SELECT `+serviceAccountColumns+` FROM service_accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list service accounts: %w", err)
	}
	as, err := collect(rows, scanServiceAccount)
	if err != nil {
		return nil, fmt.Errorf("list service accounts: %w", err)
	}
	return as, nil
}

// DeleteServiceAccount removes account id, its tokens (by cascade) and
// its endpoint grants, which have no foreign key.
func (s *Store) DeleteServiceAccount(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM endpoint_grants WHERE principal_type = $1 AND principal_id = $2`,
			store.GrantServiceAccount, id); err != nil {
			return err
		}
		res, err := c.exec(ctx, `DELETE FROM service_accounts WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete service account %q: %w", id, err)
	}
	return nil
}

// CreateServiceAccountToken stores t.
func (s *Store) CreateServiceAccountToken(ctx context.Context, t store.ServiceAccountToken) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO service_account_tokens (`+saTokenColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, t.Name, t.ServiceAccountID, t.Hash, t.Prefix, t.EndpointID,
			unixNano(t.CreatedAt), unixNano(t.ExpiresAt), unixNano(t.RevokedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create service account token %q: %w", t.ID, err)
	}
	return nil
}

// GetServiceAccountTokenByHash returns the token whose secret hashes to hash.
func (s *Store) GetServiceAccountTokenByHash(ctx context.Context, hash []byte) (store.ServiceAccountToken, error) {
	t, err := scanSAToken(s.reader().queryRow(ctx, `SELECT `+saTokenColumns+` FROM service_account_tokens WHERE hash = $1`, hash))
	if err != nil {
		return store.ServiceAccountToken{}, fmt.Errorf("get service account token by hash: %w", rowErr(err))
	}
	return t, nil
}

// ListServiceAccountTokens returns the tokens of accountID.
func (s *Store) ListServiceAccountTokens(ctx context.Context, accountID string) ([]store.ServiceAccountToken, error) {
	rows, err := s.reader().query(ctx, `SELECT `+saTokenColumns+` FROM service_account_tokens
		WHERE service_account_id = $1 ORDER BY created_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list service account tokens: %w", err)
	}
	ts, err := collect(rows, scanSAToken)
	if err != nil {
		return nil, fmt.Errorf("list service account tokens: %w", err)
	}
	return ts, nil
}

// RevokeServiceAccountToken sets RevokedAt of token id, once.
func (s *Store) RevokeServiceAccountToken(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		var revoked int64
		err := c.queryRow(ctx, `SELECT revoked_at FROM service_account_tokens WHERE id = $1`, id).Scan(&revoked)
		if err != nil || revoked != 0 {
			return rowErr(err)
		}
		_, err = c.exec(ctx, `UPDATE service_account_tokens SET revoked_at = $2 WHERE id = $1`, id, unixNano(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke service account token %q: %w", id, err)
	}
	return nil
}

func scanServiceAccount(r scanner) (store.ServiceAccount, error) {
	var a store.ServiceAccount
	err := r.Scan(&a.ID, &a.Name, &a.Description, timeCol{&a.CreatedAt})
	return a, err
}

func scanSAToken(r scanner) (store.ServiceAccountToken, error) {
	var t store.ServiceAccountToken
	err := r.Scan(&t.ID, &t.Name, &t.ServiceAccountID, bytesCol{&t.Hash}, &t.Prefix, &t.EndpointID,
		timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt}, timeCol{&t.RevokedAt})
	return t, err
}
