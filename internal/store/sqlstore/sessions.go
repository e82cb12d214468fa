package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const sessionColumns = `id, hash, user_id, created_at, last_seen_at, expires_at`

// CreateSession stores a browser session. An unknown user is
// store.ErrNotFound; a taken ID or hash is store.ErrConflict.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			se.ID, se.Hash, se.UserID, unixNano(se.CreatedAt), unixNano(se.LastSeenAt), unixNano(se.ExpiresAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create session %q: %w", se.ID, err)
	}
	return nil
}

// GetSessionByHash returns the session whose cookie hashes to hash,
// expired ones included.
func (s *Store) GetSessionByHash(ctx context.Context, hash []byte) (store.Session, error) {
	var se store.Session
	err := s.reader().queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = $1`, hash).Scan(
		&se.ID, bytesCol{&se.Hash}, &se.UserID, timeCol{&se.CreatedAt}, timeCol{&se.LastSeenAt}, timeCol{&se.ExpiresAt})
	if err != nil {
		return store.Session{}, fmt.Errorf("get session by hash: %w", rowErr(err))
	}
	return se, nil
}

// TouchSession moves the session's LastSeenAt forward to at; it never
// moves it back.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, id, unixNano(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var one int
		return rowErr(c.queryRow(ctx, `SELECT 1 FROM sessions WHERE id = $1`, id).Scan(&one))
	})
	if err != nil {
		return fmt.Errorf("touch session %q: %w", id, err)
	}
	return nil
}

// DeleteSession removes a session; an unknown one is store.ErrNotFound.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete session %q: %w", id, err)
	}
	return nil
}

// DeleteUserSessions removes every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete sessions of user %q: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or
// last seen before idleBefore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	var n int64
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2`,
			unixNano(now), unixNano(idleBefore))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}
