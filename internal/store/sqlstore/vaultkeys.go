package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

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

// DeleteVaultKey retires data key id. It refuses the active key and a key
// that any sealed column still names, in the same transaction as the
// delete, so a key in use is never lost.
func (s *Store) DeleteVaultKey(ctx context.Context, id uint32) error {
	err := s.update(ctx, func(c conn) error {
		var active bool
		err := c.queryRow(ctx, `SELECT active FROM vault_keys WHERE id = $1`, int64(id)).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if active {
			return fmt.Errorf("%w: it is the active key", store.ErrConflict)
		}
		n, err := s.sealedUsers(ctx, c, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %d sealed records still use it", store.ErrConflict, n)
		}
		_, err = c.exec(ctx, `DELETE FROM vault_keys WHERE id = $1`, int64(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete vault key %d: %w", id, err)
	}
	return nil
}

// RewrapVaultKeys replaces every Wrapped value in one transaction. fn must
// return exactly the keys it was given, with new Wrapped values only.
func (s *Store) RewrapVaultKeys(ctx context.Context, fn func([]store.VaultKey) ([]store.VaultKey, error)) error {
	err := s.update(ctx, func(c conn) error {
		rows, err := c.query(ctx, `SELECT id, wrapped, active, created_at FROM vault_keys ORDER BY id`)
		if err != nil {
			return err
		}
		old, err := collect(rows, scanVaultKey)
		if err != nil {
			return err
		}
		rewrapped, err := fn(slices.Clone(old))
		if err != nil {
			return err
		}
		if err := sameKeyring(old, rewrapped); err != nil {
			return err
		}
		for _, k := range rewrapped {
			if _, err := c.exec(ctx, `UPDATE vault_keys SET wrapped = $1 WHERE id = $2`, k.Wrapped, int64(k.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rewrap vault keys: %w", err)
	}
	return nil
}

// sameKeyring checks that a rewrap changed nothing but Wrapped.
func sameKeyring(old, rewrapped []store.VaultKey) error {
	if len(old) != len(rewrapped) {
		return fmt.Errorf("rewrap returned %d keys for %d", len(rewrapped), len(old))
	}
	for i, k := range rewrapped {
		o := old[i]
		if k.ID != o.ID || k.Active != o.Active || !k.CreatedAt.Equal(o.CreatedAt) || len(k.Wrapped) == 0 {
			return fmt.Errorf("rewrap changed data key %d beyond its wrapped form", o.ID)
		}
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
