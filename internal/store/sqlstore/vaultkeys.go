package sqlstore

import (
	"context"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ListVaultKeys returns the keyring, ordered by key ID.
func (s *Store) ListVaultKeys(ctx context.Context) ([]store.VaultKey, error) {
	rows, err := s.reader().query(ctx, `SELECT id, wrapped, active, created_at FROM vault_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list vault keys: %w", err)
	}
	ks, err := collect(rows, scanVaultKey)
	if err != nil {
		return nil, fmt.Errorf("list vault keys: %w", err)
	}
	return ks, nil
}

// AddVaultKey stores k. When k.Active, every other key is deactivated in
// the same transaction. A taken ID is store.ErrConflict.
func (s *Store) AddVaultKey(ctx context.Context, k store.VaultKey) error {
	err := s.update(ctx, func(c conn) error {
		if k.Active {
			if _, err := c.exec(ctx, `UPDATE vault_keys SET active = $1 WHERE active`, false); err != nil {
				return err
			}
		}
		_, err := c.exec(ctx, `INSERT INTO vault_keys (id, wrapped, active, created_at) VALUES ($1, $2, $3, $4)`,
			int64(k.ID), k.Wrapped, k.Active, unixNano(k.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("add vault key %d: %w", k.ID, err)
	}
	return nil
}

func scanVaultKey(r scanner) (store.VaultKey, error) {
	var (
		k  store.VaultKey
		id int64
	)
	err := r.Scan(&id, bytesCol{&k.Wrapped}, &k.Active, timeCol{&k.CreatedAt})
	k.ID = uint32(id)
	return k, err
}
