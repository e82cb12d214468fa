package sqlstore

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// sealedColumn is one table column that holds vault-sealed values. The
// names are constants, never user input, so they are safe to splice into
// queries.
type sealedColumn struct {
	kind, table, idCol, col string
}

// sealedColumns registers every sealed column. A column whose table is
// missing (a migration not applied by this binary's peers yet) is skipped.
var sealedColumns = []sealedColumn{
	{store.SealedCredential, "credentials", "id", "ciphertext"},
	{store.SealedAuditSigningKey, "audit_signing_keys", "id", "sealed"},
	{store.SealedServerOAuth, "server_oauth", "server_id", "client_secret_sealed"},
}

// presentSealed returns the registered columns that exist in the database.
func (s *Store) presentSealed(ctx context.Context, c conn) ([]sealedColumn, error) {
	var out []sealedColumn
	for _, sc := range sealedColumns {
		q := `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`
		if s.d.Flavor == SQLite {
			q = `SELECT count(*) FROM pragma_table_info($1) WHERE name = $2`
		}
		var n int64
		if err := c.queryRow(ctx, q, sc.table, sc.col).Scan(&n); err != nil {
			return nil, fmt.Errorf("look up %s.%s: %w", sc.table, sc.col, err)
		}
		if n > 0 {
			out = append(out, sc)
		}
	}
	return out, nil
}

// sealedColumnOf returns the column of kind when it exists.
func (s *Store) sealedColumnOf(ctx context.Context, c conn, kind string) (sealedColumn, error) {
	cols, err := s.presentSealed(ctx, c)
	if err != nil {
		return sealedColumn{}, err
	}
	for _, sc := range cols {
		if sc.kind == kind {
			return sc, nil
		}
	}
	return sealedColumn{}, fmt.Errorf("sealed kind %q: %w", kind, store.ErrNotFound)
}

// registeredSealed returns the registry entry of kind, whether or not its
// table exists; SwapSealed uses it to keep its transaction to one UPDATE.
func registeredSealed(kind string) (sealedColumn, bool) {
	for _, sc := range sealedColumns {
		if sc.kind == kind {
			return sc, true
		}
	}
	return sealedColumn{}, false
}

// SealedKinds returns the kinds whose columns exist, in registry order.
func (s *Store) SealedKinds(ctx context.Context) ([]string, error) {
	cols, err := s.presentSealed(ctx, s.reader())
	if err != nil {
		return nil, fmt.Errorf("sealed kinds: %w", err)
	}
	kinds := make([]string, len(cols))
	for i, sc := range cols {
		kinds[i] = sc.kind
	}
	return kinds, nil
}

// ListSealed returns a page of kind's sealed values, by ID.
func (s *Store) ListSealed(ctx context.Context, kind, afterID string, limit int) ([]store.SealedRecord, error) {
	c := s.reader()
	sc, err := s.sealedColumnOf(ctx, c, kind)
	if err != nil {
		return nil, fmt.Errorf("list sealed: %w", err)
	}
	rows, err := c.query(ctx, `SELECT `+sc.idCol+`, `+sc.col+` FROM `+sc.table+
		` WHERE `+sc.idCol+` > $1 AND `+sc.col+` IS NOT NULL ORDER BY `+sc.idCol+` LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list sealed %s: %w", kind, err)
	}
	recs, err := collect(rows, func(r scanner) (store.SealedRecord, error) {
		rec := store.SealedRecord{Kind: kind}
		err := r.Scan(&rec.ID, bytesCol{&rec.Sealed})
		return rec, err
	})
	if err != nil {
		return nil, fmt.Errorf("list sealed %s: %w", kind, err)
	}
	return recs, nil
}

// SwapSealed writes sealed over kind/id only while the row still holds old.
func (s *Store) SwapSealed(ctx context.Context, kind, id string, old, sealed []byte) (bool, error) {
	var swapped bool
	sc, ok := registeredSealed(kind)
	if !ok {
		return false, fmt.Errorf("swap sealed: kind %q: %w", kind, store.ErrNotFound)
	}
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE `+sc.table+` SET `+sc.col+` = $1 WHERE `+sc.idCol+` = $2 AND `+sc.col+` = $3`,
			sealed, id, old)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		swapped = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("swap sealed %s/%s: %w", kind, id, err)
	}
	return swapped, nil
}

// CountSealed groups every sealed column by the key ID in bytes 2..5 of
// the value (the vault's header), in one snapshot.
func (s *Store) CountSealed(ctx context.Context) ([]store.SealedCount, error) {
	var out []store.SealedCount
	err := s.view(ctx, func(c conn) error {
		out = nil
		cols, err := s.presentSealed(ctx, c)
		if err != nil {
			return err
		}
		for _, sc := range cols {
			rows, err := c.query(ctx, `SELECT substr(`+sc.col+`, 2, 4), count(*) FROM `+sc.table+
				` WHERE `+sc.col+` IS NOT NULL GROUP BY substr(`+sc.col+`, 2, 4) ORDER BY 1`)
			if err != nil {
				return err
			}
			err = eachRow(rows, func(r scanner) error {
				var head []byte
				var n int64
				if err := r.Scan(bytesCol{&head}, &n); err != nil {
					return err
				}
				out = append(out, store.SealedCount{Kind: sc.kind, KeyID: headerKeyID(head), Rows: int(n)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count sealed: %w", err)
	}
	return out, nil
}

// headerKeyID decodes the 4-byte key ID of a sealed value's header; a
// shorter value names no key (0).
func headerKeyID(b []byte) uint32 {
	if len(b) != 4 {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

// keyIDBytes is the header form of a key ID, for comparing with substr.
func keyIDBytes(id uint32) []byte {
	return binary.BigEndian.AppendUint32(nil, id)
}

// sealedUsers counts the sealed values, in every column, that name key id.
func (s *Store) sealedUsers(ctx context.Context, c conn, id uint32) (int64, error) {
	cols, err := s.presentSealed(ctx, c)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, sc := range cols {
		var n int64
		err := c.queryRow(ctx, `SELECT count(*) FROM `+sc.table+` WHERE substr(`+sc.col+`, 2, 4) = $1`,
			keyIDBytes(id)).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("count %s on key %d: %w", sc.kind, id, err)
		}
		total += n
	}
	return total, nil
}
