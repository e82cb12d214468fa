package store

import (
	"context"
	"time"
)

// AuditSinkCursors stores how far each audit sink has delivered the trail,
// so that a sink resumes after a restart or an outage without losing
// events.
type AuditSinkCursors interface {
	// GetAuditSinkCursor returns the Seq of the last event that the named
	// sink delivered, or ErrNotFound when it has delivered none.
	GetAuditSinkCursor(ctx context.Context, name string) (int64, error)
	// SetAuditSinkCursor records seq as the named sink's cursor. A cursor
	// never moves backwards: a lower seq than the stored one is ignored.
	SetAuditSinkCursor(ctx context.Context, name string, seq int64, at time.Time) error
}
