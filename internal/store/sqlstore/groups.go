package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const (
	groupColumns      = `id, name, source, created_at`
	membershipColumns = `group_id, user_id, source, created_at`
)

// CreateGroup stores g. A taken ID or name is store.ErrConflict.
func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO user_groups (`+groupColumns+`) VALUES ($1, $2, $3, $4)`,
			g.ID, g.Name, g.Source, unixNano(g.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create group %q: %w", g.Name, err)
	}
	return nil
}

// GetGroupByName returns the group named name.
func (s *Store) GetGroupByName(ctx context.Context, name string) (store.Group, error) {
	g, err := scanGroup(s.reader().queryRow(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE name = $1`, name))
	if err != nil {
		return store.Group{}, fmt.Errorf("get group %q: %w", name, rowErr(err))
	}
	return g, nil
}

// ListGroups returns every group, ordered by name.
func (s *Store) ListGroups(ctx context.Context) ([]store.Group, error) {
	rows, err := s.reader().query(ctx, `SELECT `+groupColumns+` FROM user_groups ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	gs, err := collect(rows, scanGroup)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	return gs, nil
}

// DeleteGroup removes group id, its memberships (by cascade) and its
// endpoint grants, which have no foreign key.
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM endpoint_grants WHERE principal_type = $1 AND principal_id = $2`,
			store.GrantGroup, id); err != nil {
			return err
		}
		res, err := c.exec(ctx, `DELETE FROM user_groups WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete group %q: %w", id, err)
	}
	return nil
}

// AddMembership stores m. A user already in the group is
// store.ErrConflict; an unknown group or user is store.ErrNotFound.
func (s *Store) AddMembership(ctx context.Context, m store.Membership) error {
	err := s.update(ctx, func(c conn) error { return s.addMembership(ctx, c, m) })
	if err != nil {
		return fmt.Errorf("add user %q to group %q: %w", m.UserID, m.GroupID, err)
	}
	return nil
}

func (s *Store) addMembership(ctx context.Context, c conn, m store.Membership) error {
	_, err := c.exec(ctx, `INSERT INTO group_members (`+membershipColumns+`) VALUES ($1, $2, $3, $4)`,
		m.GroupID, m.UserID, m.Source, unixNano(m.CreatedAt))
	return s.insertErr(err)
}

// RemoveMembership takes userID out of groupID.
func (s *Store) RemoveMembership(ctx context.Context, groupID, userID string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, groupID, userID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("remove user %q from group %q: %w", userID, groupID, err)
	}
	return nil
}

// ListMemberships returns the memberships of userID, or every one when
// userID is "".
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]store.Membership, error) {
	ms, err := listMemberships(ctx, s.reader(), userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	return ms, nil
}

func listMemberships(ctx context.Context, c conn, userID string) ([]store.Membership, error) {
	rows, err := c.query(ctx, `SELECT `+membershipColumns+` FROM group_members
		WHERE $1 = '' OR user_id = $1 ORDER BY group_id, user_id`, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanMembership)
}

// SetSourcedMemberships makes the source-managed memberships of userID
// exactly groupIDs; memberships of other sources stay.
func (s *Store) SetSourcedMemberships(ctx context.Context, userID, source string, groupIDs []string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		have, err := listMemberships(ctx, c, userID)
		if err != nil {
			return err
		}
		present := map[string]bool{}
		for _, m := range have {
			present[m.GroupID] = true
			if m.Source != source || slices.Contains(groupIDs, m.GroupID) {
				continue
			}
			if _, err := c.exec(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`,
				m.GroupID, userID); err != nil {
				return err
			}
		}
		for _, id := range groupIDs {
			if present[id] {
				continue
			}
			present[id] = true
			m := store.Membership{GroupID: id, UserID: userID, Source: source, CreatedAt: at}
			if err := s.addMembership(ctx, c, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set %s memberships of user %q: %w", source, userID, err)
	}
	return nil
}

func scanGroup(r scanner) (store.Group, error) {
	var g store.Group
	err := r.Scan(&g.ID, &g.Name, &g.Source, timeCol{&g.CreatedAt})
	return g, err
}

func scanMembership(r scanner) (store.Membership, error) {
	var m store.Membership
	err := r.Scan(&m.GroupID, &m.UserID, &m.Source, timeCol{&m.CreatedAt})
	return m, err
}
