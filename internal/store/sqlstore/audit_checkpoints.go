package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const checkpointColumns = `seq, hash, signed_at, key_id, signature`

// maxCheckpointLimit caps a page of ListAuditCheckpoints.
const maxCheckpointLimit = 1000

// AddAuditCheckpoint stores cp; a taken Seq is store.ErrConflict.
func (s *Store) AddAuditCheckpoint(ctx context.Context, cp store.AuditCheckpoint) error {
	err := s.update(ctx, func(c conn) error { return s.insertCheckpoint(ctx, c, cp) })
	if err != nil {
		return fmt.Errorf("add audit checkpoint %d: %w", cp.Seq, err)
	}
	return nil
}

func (s *Store) insertCheckpoint(ctx context.Context, c conn, cp store.AuditCheckpoint) error {
	_, err := c.exec(ctx, `INSERT INTO audit_checkpoints (`+checkpointColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		cp.Seq, cp.Hash, unixNano(cp.SignedAt), cp.KeyID, cp.Signature)
	return s.insertErr(err)
}

// GetAuditCheckpoint returns the checkpoint at seq.
func (s *Store) GetAuditCheckpoint(ctx context.Context, seq int64) (store.AuditCheckpoint, error) {
	cp, err := scanCheckpoint(s.reader().queryRow(ctx,
		`SELECT `+checkpointColumns+` FROM audit_checkpoints WHERE seq = $1`, seq))
	if err != nil {
		return cp, fmt.Errorf("get audit checkpoint %d: %w", seq, rowErr(err))
	}
	return cp, nil
}

// LatestAuditCheckpoint returns the checkpoint with the highest Seq.
func (s *Store) LatestAuditCheckpoint(ctx context.Context) (store.AuditCheckpoint, error) {
	cp, err := scanCheckpoint(s.reader().queryRow(ctx,
		`SELECT `+checkpointColumns+` FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`))
	if err != nil {
		return cp, fmt.Errorf("latest audit checkpoint: %w", rowErr(err))
	}
	return cp, nil
}

// ListAuditCheckpoints returns up to limit checkpoints above afterSeq,
// lowest first. A limit outside 1…1000 means 1000.
func (s *Store) ListAuditCheckpoints(ctx context.Context, afterSeq int64, limit int) ([]store.AuditCheckpoint, error) {
	if limit <= 0 || limit > maxCheckpointLimit {
		limit = maxCheckpointLimit
	}
	rows, err := s.reader().query(ctx, `SELECT `+checkpointColumns+` FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT `+
		strconv.Itoa(limit), afterSeq)
	if err != nil {
		return nil, fmt.Errorf("list audit checkpoints: %w", err)
	}
	cps, err := collect(rows, scanCheckpoint)
	if err != nil {
		return nil, fmt.Errorf("list audit checkpoints: %w", err)
	}
	return cps, nil
}

// PruneAudit stores anchor and deletes the events up to and including its
// Seq, and the checkpoints below it, in one transaction.
func (s *Store) PruneAudit(ctx context.Context, anchor store.AuditCheckpoint) (int64, error) {
	var deleted int64
	err := s.update(ctx, func(c conn) error {
		deleted = 0
		existing, err := scanCheckpoint(c.queryRow(ctx,
			`SELECT `+checkpointColumns+` FROM audit_checkpoints WHERE seq = $1`, anchor.Seq))
		switch err = rowErr(err); {
		case errors.Is(err, store.ErrNotFound):
			if err := s.insertCheckpoint(ctx, c, anchor); err != nil {
				return err
			}
		case err != nil:
			return err
		case !bytes.Equal(existing.Hash, anchor.Hash):
			return fmt.Errorf("a checkpoint with another hash is stored at seq %d: %w", anchor.Seq, store.ErrConflict)
		}
		res, err := c.exec(ctx, `DELETE FROM audit_events WHERE seq <= $1`, anchor.Seq)
		if err != nil {
			return err
		}
		if deleted, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = c.exec(ctx, `DELETE FROM audit_checkpoints WHERE seq < $1`, anchor.Seq)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune audit through %d: %w", anchor.Seq, err)
	}
	return deleted, nil
}

// ListAuditSigningKeys returns the signing keys, oldest first.
func (s *Store) ListAuditSigningKeys(ctx context.Context) ([]store.AuditSigningKey, error) {
	rows, err := s.reader().query(ctx, `SELECT id, sealed, created_at FROM audit_signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list audit signing keys: %w", err)
	}
	ks, err := collect(rows, func(r scanner) (store.AuditSigningKey, error) {
		var k store.AuditSigningKey
		err := r.Scan(&k.ID, bytesCol{&k.Sealed}, timeCol{&k.CreatedAt})
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("list audit signing keys: %w", err)
	}
	return ks, nil
}

// CreateAuditSigningKey stores k unless a signing key exists already, in
// which case it returns store.ErrConflict.
func (s *Store) CreateAuditSigningKey(ctx context.Context, k store.AuditSigningKey) error {
	err := s.update(ctx, func(c conn) error {
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM audit_signing_keys`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("a signing key exists already: %w", store.ErrConflict)
		}
		_, err := c.exec(ctx, `INSERT INTO audit_signing_keys (id, sealed, created_at) VALUES ($1, $2, $3)`,
			k.ID, k.Sealed, unixNano(k.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create audit signing key %s: %w", k.ID, err)
	}
	return nil
}

func scanCheckpoint(r scanner) (store.AuditCheckpoint, error) {
	var cp store.AuditCheckpoint
	err := r.Scan(&cp.Seq, bytesCol{&cp.Hash}, timeCol{&cp.SignedAt}, &cp.KeyID, bytesCol{&cp.Signature})
	return cp, err
}
