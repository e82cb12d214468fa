package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// UpdateUser changes the user with the given ID through fn. The ID and
// creation time are kept; a taken email is store.ErrConflict.
func (s *Store) UpdateUser(ctx context.Context, id string, fn func(store.User) (store.User, error)) (store.User, error) {
	var out store.User
	err := s.update(ctx, func(c conn) error {
		cur, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		if err != nil {
			return rowErr(err)
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID, out.CreatedAt, out.Email = id, cur.CreatedAt, strings.ToLower(out.Email)
		_, err = c.exec(ctx, `UPDATE users SET email = $2, name = $3, role = $4, disabled = $5, updated_at = $6
			WHERE id = $1`, id, out.Email, out.Name, out.Role, out.Disabled, unixNano(out.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return store.User{}, fmt.Errorf("update user %q: %w", id, err)
	}
	return out, nil
}

// SetPasswordHash stores the encoded password hash of a user.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO user_passwords (user_id, hash, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
			userID, hash, unixNano(at))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("set password of user %q: %w", userID, err)
	}
	return nil
}

// GetPasswordHash returns the encoded password hash of a user.
func (s *Store) GetPasswordHash(ctx context.Context, userID string) (string, error) {
	var hash string
	err := s.reader().queryRow(ctx, `SELECT hash FROM user_passwords WHERE user_id = $1`, userID).Scan(&hash)
	if err != nil {
		return "", fmt.Errorf("get password of user %q: %w", userID, rowErr(err))
	}
	return hash, nil
}
