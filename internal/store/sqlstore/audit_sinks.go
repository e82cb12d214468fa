package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// GetAuditSinkCursor returns the Seq that the named sink delivered last,
// or store.ErrNotFound when it has delivered nothing yet.
func (s *Store) GetAuditSinkCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.reader().queryRow(ctx, `SELECT seq FROM audit_sink_cursors WHERE name = $1`, name).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("get audit sink cursor %s: %w", name, rowErr(err))
	}
	return seq, nil
}

// SetAuditSinkCursor stores seq as the named sink's cursor unless the
// stored one is already at or past it: a cursor never moves backwards,
// even when two replicas race.
func (s *Store) SetAuditSinkCursor(ctx context.Context, name string, seq int64, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO audit_sink_cursors (name, seq, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
			WHERE audit_sink_cursors.seq < excluded.seq`, name, seq, unixNano(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("set audit sink cursor %s: %w", name, err)
	}
	return nil
}
