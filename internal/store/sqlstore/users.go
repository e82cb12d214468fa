package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const userColumns = `id, email, name, role, disabled, created_at, updated_at`

// CreateUser stores u with its email in lower case. A taken email is
// store.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, strings.ToLower(u.Email), u.Name, u.Role, u.Disabled, unixNano(u.CreatedAt), unixNano(u.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	return nil
}

// GetUser returns the user with the given ID.
func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	u, err := scanUser(s.reader().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return store.User{}, fmt.Errorf("get user %q: %w", id, rowErr(err))
	}
	return u, nil
}

// GetUserByEmail returns the user with the given email, compared without
// regard to case.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := scanUser(s.reader().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`,
		strings.ToLower(email)))
	if err != nil {
		return store.User{}, fmt.Errorf("get user by email %q: %w", email, rowErr(err))
	}
	return u, nil
}

// ListUsers returns every user, ordered by email.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.reader().query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	us, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

func scanUser(r scanner) (store.User, error) {
	var u store.User
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Disabled, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
	return u, err
}
