package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const roleColumns = `id, name, description, permissions, created_at, updated_at`

// CreateRole stores r. A taken ID or name is store.ErrConflict.
func (s *Store) CreateRole(ctx context.Context, r store.Role) error {
	perms, err := marshalPermissions(r.Permissions)
	if err != nil {
		return fmt.Errorf("create role %q: %w", r.Name, err)
	}
	err = s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO roles (`+roleColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			r.ID, r.Name, r.Description, perms, unixNano(r.CreatedAt), unixNano(r.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create role %q: %w", r.Name, err)
	}
	return nil
}

// GetRoleByName returns the custom role named name.
func (s *Store) GetRoleByName(ctx context.Context, name string) (store.Role, error) {
	r, err := scanRole(s.reader().queryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE name = $1`, name))
	if err != nil {
		return store.Role{}, fmt.Errorf("get role %q: %w", name, rowErr(err))
	}
	return r, nil
}

// ListRoles returns every custom role, ordered by name.
func (s *Store) ListRoles(ctx context.Context) ([]store.Role, error) {
	rows, err := s.reader().query(ctx, `SELECT `+roleColumns+` FROM roles ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	rs, err := collect(rows, scanRole)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	return rs, nil
}

// UpdateRole replaces the description and permissions of role id.
func (s *Store) UpdateRole(ctx context.Context, id string, fn func(store.Role) (store.Role, error)) (store.Role, error) {
	var out store.Role
	err := s.update(ctx, func(c conn) error {
		cur, err := scanRole(c.queryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE id = $1`, id))
		if err != nil {
			return rowErr(err)
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID, out.Name, out.CreatedAt = cur.ID, cur.Name, cur.CreatedAt
		perms, err := marshalPermissions(out.Permissions)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE roles SET description = $2, permissions = $3, updated_at = $4 WHERE id = $1`,
			id, out.Description, perms, unixNano(out.UpdatedAt))
		return err
	})
	if err != nil {
		return store.Role{}, fmt.Errorf("update role %q: %w", id, err)
	}
	return out, nil
}

// DeleteRole removes role id; store.ErrConflict while a user has it.
func (s *Store) DeleteRole(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		var n int64
		err := c.queryRow(ctx, `SELECT count(*) FROM users WHERE role = (SELECT name FROM roles WHERE id = $1)`, id).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %d users have the role", store.ErrConflict, n)
		}
		res, err := c.exec(ctx, `DELETE FROM roles WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete role %q: %w", id, err)
	}
	return nil
}

func marshalPermissions(ps []store.Permission) (string, error) {
	if ps == nil {
		ps = []store.Permission{}
	}
	b, err := json.Marshal(ps)
	if err != nil {
		return "", fmt.Errorf("encode permissions: %w", err)
	}
	return string(b), nil
}

func scanRole(r scanner) (store.Role, error) {
	var out store.Role
	var perms string
	err := r.Scan(&out.ID, &out.Name, &out.Description, &perms, timeCol{&out.CreatedAt}, timeCol{&out.UpdatedAt})
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal([]byte(perms), &out.Permissions); err != nil {
		return out, errors.Join(errors.New("decode role permissions"), err)
	}
	return out, nil
}
