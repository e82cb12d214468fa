package sqlstore

import (
	"context"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const endpointGrantColumns = `id, endpoint_id, principal_type, principal_id, created_at`

// AddEndpointGrant stores g. A grant of the same endpoint to the same
// principal is store.ErrConflict; an unknown endpoint is store.ErrNotFound.
func (s *Store) AddEndpointGrant(ctx context.Context, g store.EndpointGrant) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO endpoint_grants (`+endpointGrantColumns+`) VALUES ($1, $2, $3, $4, $5)`,
			g.ID, g.EndpointID, g.PrincipalType, g.PrincipalID, unixNano(g.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("grant endpoint %q to %s %q: %w", g.EndpointID, g.PrincipalType, g.PrincipalID, err)
	}
	return nil
}

// RemoveEndpointGrant deletes grant id of endpointID.
func (s *Store) RemoveEndpointGrant(ctx context.Context, endpointID, id string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM endpoint_grants WHERE endpoint_id = $1 AND id = $2`, endpointID, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("remove grant %q of endpoint %q: %w", id, endpointID, err)
	}
	return nil
}

// ListEndpointGrants returns the grants of endpointID.
func (s *Store) ListEndpointGrants(ctx context.Context, endpointID string) ([]store.EndpointGrant, error) {
	rows, err := s.reader().query(ctx, `SELECT `+endpointGrantColumns+` FROM endpoint_grants
		WHERE endpoint_id = $1 ORDER BY principal_type, principal_id`, endpointID)
	if err != nil {
		return nil, fmt.Errorf("list grants of endpoint %q: %w", endpointID, err)
	}
	gs, err := collect(rows, scanEndpointGrant)
	if err != nil {
		return nil, fmt.Errorf("list grants of endpoint %q: %w", endpointID, err)
	}
	return gs, nil
}

// UserAccess returns the groups of userID and the endpoints granted to
// the user or to those groups, read in one snapshot.
func (s *Store) UserAccess(ctx context.Context, userID string) (groupIDs, endpointIDs []string, err error) {
	err = s.view(ctx, func(c conn) error {
		rows, err := c.query(ctx, `SELECT DISTINCT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id`, userID)
		if err != nil {
			return err
		}
		if groupIDs, err = collect(rows, scanString); err != nil {
			return err
		}
		rows, err = c.query(ctx, `SELECT DISTINCT endpoint_id FROM endpoint_grants
			WHERE (principal_type = 'user' AND principal_id = $1)
			   OR (principal_type = 'group' AND principal_id IN (SELECT group_id FROM group_members WHERE user_id = $1))
			ORDER BY endpoint_id`, userID)
		if err != nil {
			return err
		}
		endpointIDs, err = collect(rows, scanString)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("access of user %q: %w", userID, err)
	}
	return groupIDs, endpointIDs, nil
}

func scanEndpointGrant(r scanner) (store.EndpointGrant, error) {
	var g store.EndpointGrant
	err := r.Scan(&g.ID, &g.EndpointID, &g.PrincipalType, &g.PrincipalID, timeCol{&g.CreatedAt})
	return g, err
}

func scanString(r scanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}

// GrantedEndpoints returns the endpoints granted directly to a principal.
func (s *Store) GrantedEndpoints(ctx context.Context, principalType, principalID string) ([]string, error) {
	rows, err := s.reader().query(ctx, `SELECT endpoint_id FROM endpoint_grants
		WHERE principal_type = $1 AND principal_id = $2 ORDER BY endpoint_id`, principalType, principalID)
	if err != nil {
		return nil, fmt.Errorf("endpoints of %s %q: %w", principalType, principalID, err)
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return nil, fmt.Errorf("endpoints of %s %q: %w", principalType, principalID, err)
	}
	return ids, nil
}
