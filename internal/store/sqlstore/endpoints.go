package sqlstore

import (
	"context"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const endpointColumns = `id, name, description, unprefixed, redact_requests, redact_responses, redact_audit,
	created_at, updated_at`

// CreateEndpoint stores e with its servers and tool selections. A taken ID
// or name, or a server listed twice, is store.ErrConflict; an unknown
// server is store.ErrNotFound.
func (s *Store) CreateEndpoint(ctx context.Context, e store.Endpoint) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO endpoints (`+endpointColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.ID, e.Name, e.Description, e.Unprefixed, e.Redaction.Requests, e.Redaction.Responses, e.Redaction.Audit,
			unixNano(e.CreatedAt), unixNano(e.UpdatedAt))
		if err != nil {
			return s.insertErr(err)
		}
		return s.insertEndpointChildren(ctx, c, e)
	})
	if err != nil {
		return fmt.Errorf("create endpoint %q: %w", e.Name, err)
	}
	return nil
}

// GetEndpoint returns the endpoint with the given ID.
func (s *Store) GetEndpoint(ctx context.Context, id string) (store.Endpoint, error) {
	var e store.Endpoint
	err := s.view(ctx, func(c conn) (err error) {
		e, err = getEndpoint(ctx, c, `id`, id)
		return err
	})
	if err != nil {
		return store.Endpoint{}, fmt.Errorf("get endpoint %q: %w", id, err)
	}
	return e, nil
}

// GetEndpointByName returns the endpoint with the given name.
func (s *Store) GetEndpointByName(ctx context.Context, name string) (store.Endpoint, error) {
	var e store.Endpoint
	err := s.view(ctx, func(c conn) (err error) {
		e, err = getEndpoint(ctx, c, `name`, name)
		return err
	})
	if err != nil {
		return store.Endpoint{}, fmt.Errorf("get endpoint by name %q: %w", name, err)
	}
	return e, nil
}

// ListEndpoints returns every endpoint, ordered by name.
func (s *Store) ListEndpoints(ctx context.Context) ([]store.Endpoint, error) {
	var es []store.Endpoint
	err := s.view(ctx, func(c conn) (err error) {
		es, err = listEndpoints(ctx, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list endpoints: %w", err)
	}
	return es, nil
}

// UpdateEndpoint replaces the endpoint with what fn makes of it, servers
// and tool selections included. fn may run more than once; the ID cannot
// change.
func (s *Store) UpdateEndpoint(ctx context.Context, id string, fn func(store.Endpoint) (store.Endpoint, error)) (store.Endpoint, error) {
	var out store.Endpoint
	err := s.update(ctx, func(c conn) error {
		cur, err := getEndpoint(ctx, c, `id`, id)
		if err != nil {
			return err
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID = id
		return s.replaceEndpoint(ctx, c, out)
	})
	if err != nil {
		return store.Endpoint{}, fmt.Errorf("update endpoint %q: %w", id, err)
	}
	return out, nil
}

// DeleteEndpoint removes the endpoint and its tool selections.
func (s *Store) DeleteEndpoint(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM endpoints WHERE id = $1`, id)
		if err != nil {
			return s.deleteErr(err)
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete endpoint %q: %w", id, err)
	}
	return nil
}

// replaceEndpoint writes e over the stored row and replaces its children.
func (s *Store) replaceEndpoint(ctx context.Context, c conn, e store.Endpoint) error {
	_, err := c.exec(ctx, `UPDATE endpoints SET name = $2, description = $3, unprefixed = $4,
		redact_requests = $5, redact_responses = $6, redact_audit = $7, created_at = $8, updated_at = $9 WHERE id = $1`,
		e.ID, e.Name, e.Description, e.Unprefixed, e.Redaction.Requests, e.Redaction.Responses, e.Redaction.Audit,
		unixNano(e.CreatedAt), unixNano(e.UpdatedAt))
	if err != nil {
		return s.insertErr(err)
	}
	for _, table := range []string{`endpoint_servers`, `endpoint_tools`} {
		if _, err := c.exec(ctx, `DELETE FROM `+table+` WHERE endpoint_id = $1`, e.ID); err != nil {
			return err
		}
	}
	return s.insertEndpointChildren(ctx, c, e)
}

// insertEndpointChildren stores the servers and tool selections of e,
// keeping their order.
func (s *Store) insertEndpointChildren(ctx context.Context, c conn, e store.Endpoint) error {
	for i, id := range e.ServerIDs {
		_, err := c.exec(ctx, `INSERT INTO endpoint_servers (endpoint_id, server_id, position) VALUES ($1, $2, $3)`,
			e.ID, id, i)
		if err != nil {
			return fmt.Errorf("server %q: %w", id, s.insertErr(err))
		}
	}
	for i, t := range e.Tools {
		_, err := c.exec(ctx, `INSERT INTO endpoint_tools (endpoint_id, server_id, tool, enabled, approved_hash, position)
			VALUES ($1, $2, $3, $4, $5, $6)`, e.ID, t.ServerID, t.Tool, t.Enabled, t.ApprovedHash, i)
		if err != nil {
			return fmt.Errorf("tool %q of server %q: %w", t.Tool, t.ServerID, s.insertErr(err))
		}
	}
	return nil
}
