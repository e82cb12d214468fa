package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const serverColumns = `id, name, description, url, transport, auth_method, auth_header, credential_mode,
	synced_at, sync_error, created_at, updated_at`

// CreateServer stores sv and, when cred is not nil, its shared credential
// in the same transaction. A taken ID or name is store.ErrConflict.
func (s *Store) CreateServer(ctx context.Context, sv store.Server, cred *store.Credential) error {
	if cred != nil && cred.ServerID != "" && cred.ServerID != sv.ID {
		return fmt.Errorf("create server %q: credential belongs to server %q", sv.Name, cred.ServerID)
	}
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO servers (`+serverColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, serverArgs(sv)...)
		if err != nil || cred == nil {
			return s.insertErr(err)
		}
		cr := *cred
		cr.ServerID = sv.ID
		return s.putCredential(ctx, c, cr)
	})
	if err != nil {
		return fmt.Errorf("create server %q: %w", sv.Name, err)
	}
	return nil
}

// GetServer returns the server with the given ID.
func (s *Store) GetServer(ctx context.Context, id string) (store.Server, error) {
	sv, err := getServer(ctx, s.reader(), `id`, id)
	if err != nil {
		return store.Server{}, fmt.Errorf("get server %q: %w", id, err)
	}
	return sv, nil
}

// GetServerByName returns the server with the given name.
func (s *Store) GetServerByName(ctx context.Context, name string) (store.Server, error) {
	sv, err := getServer(ctx, s.reader(), `name`, name)
	if err != nil {
		return store.Server{}, fmt.Errorf("get server by name %q: %w", name, err)
	}
	return sv, nil
}

// ListServers returns every server, ordered by name.
func (s *Store) ListServers(ctx context.Context) ([]store.Server, error) {
	rows, err := s.reader().query(ctx, `SELECT `+serverColumns+` FROM servers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	svs, err := collect(rows, scanServer)
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	return svs, nil
}

// UpdateServer replaces the server with what fn makes of it. fn may run
// more than once; the ID cannot change.
func (s *Store) UpdateServer(ctx context.Context, id string, fn func(store.Server) (store.Server, error)) (store.Server, error) {
	var out store.Server
	err := s.update(ctx, func(c conn) error {
		cur, err := getServer(ctx, c, `id`, id)
		if err != nil {
			return err
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID = id
		_, err = c.exec(ctx, `UPDATE servers SET name = $2, description = $3, url = $4, transport = $5,
			auth_method = $6, auth_header = $7, credential_mode = $8, synced_at = $9, sync_error = $10,
			created_at = $11, updated_at = $12 WHERE id = $1`, serverArgs(out)...)
		return s.insertErr(err)
	})
	if err != nil {
		return store.Server{}, fmt.Errorf("update server %q: %w", id, err)
	}
	return out, nil
}

// DeleteServer removes the server with its catalog and credentials. It
// returns store.ErrConflict while an endpoint lists the server.
func (s *Store) DeleteServer(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		var endpoint string
		err := c.queryRow(ctx, `SELECT e.name FROM endpoint_servers es JOIN endpoints e ON e.id = es.endpoint_id
			WHERE es.server_id = $1 ORDER BY e.name LIMIT 1`, id).Scan(&endpoint)
		if err == nil {
			return fmt.Errorf("%w: endpoint %q uses the server", store.ErrConflict, endpoint)
		}
		if err = rowErr(err); !errors.Is(err, store.ErrNotFound) {
			return err
		}
		res, err := c.exec(ctx, `DELETE FROM servers WHERE id = $1`, id)
		if err != nil {
			return s.deleteErr(err)
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete server %q: %w", id, err)
	}
	return nil
}

// getServer reads the server whose key column equals v.
func getServer(ctx context.Context, c conn, key, v string) (store.Server, error) {
	sv, err := scanServer(c.queryRow(ctx, `SELECT `+serverColumns+` FROM servers WHERE `+key+` = $1`, v))
	return sv, rowErr(err)
}

func serverArgs(sv store.Server) []any {
	return []any{sv.ID, sv.Name, sv.Description, sv.URL, sv.Transport, sv.AuthMethod, sv.AuthHeader,
		sv.CredentialMode, unixNano(sv.SyncedAt), sv.SyncError, unixNano(sv.CreatedAt), unixNano(sv.UpdatedAt)}
}

func scanServer(r scanner) (store.Server, error) {
	var sv store.Server
	err := r.Scan(&sv.ID, &sv.Name, &sv.Description, &sv.URL, &sv.Transport, &sv.AuthMethod, &sv.AuthHeader,
		&sv.CredentialMode, timeCol{&sv.SyncedAt}, &sv.SyncError, timeCol{&sv.CreatedAt}, timeCol{&sv.UpdatedAt})
	return sv, err
}
