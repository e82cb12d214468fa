package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const oauthClientColumns = `id, name, redirect_uris, auth_method, secret_hash, grant_types, metadata, source,
	created_at, last_used_at`

// CreateOAuthClient stores c. A taken ID is store.ErrConflict.
func (s *Store) CreateOAuthClient(ctx context.Context, cl store.OAuthClient) error {
	uris, err := json.Marshal(nonNilStrings(cl.RedirectURIs))
	if err != nil {
		return fmt.Errorf("create oauth client %q: %w", cl.ID, err)
	}
	grants, err := json.Marshal(nonNilStrings(cl.GrantTypes))
	if err != nil {
		return fmt.Errorf("create oauth client %q: %w", cl.ID, err)
	}
	err = s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO oauth_clients (`+oauthClientColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			cl.ID, cl.Name, uris, cl.AuthMethod, nullBytes(cl.SecretHash), grants, nullJSON(cl.Metadata),
			cl.Source, unixNano(cl.CreatedAt), unixNano(cl.LastUsedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create oauth client %q: %w", cl.ID, err)
	}
	return nil
}

// GetOAuthClient returns the client with the given client_id.
func (s *Store) GetOAuthClient(ctx context.Context, id string) (store.OAuthClient, error) {
	cl, err := scanOAuthClient(s.reader().queryRow(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE id = $1`, id))
	if err != nil {
		return store.OAuthClient{}, fmt.Errorf("get oauth client %q: %w", id, rowErr(err))
	}
	return cl, nil
}

// ListOAuthClients returns every client, oldest first.
func (s *Store) ListOAuthClients(ctx context.Context) ([]store.OAuthClient, error) {
	rows, err := s.reader().query(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list oauth clients: %w", err)
	}
	cls, err := collect(rows, scanOAuthClient)
	if err != nil {
		return nil, fmt.Errorf("list oauth clients: %w", err)
	}
	return cls, nil
}

// TouchOAuthClient moves the client's LastUsedAt forward to at.
func (s *Store) TouchOAuthClient(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(c conn) error {
		var last int64
		if err := c.queryRow(ctx, `SELECT last_used_at FROM oauth_clients WHERE id = $1`, id).Scan(&last); err != nil {
			return rowErr(err)
		}
		if last >= unixNano(at) {
			return nil
		}
		_, err := c.exec(ctx, `UPDATE oauth_clients SET last_used_at = $2 WHERE id = $1`, id, unixNano(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("touch oauth client %q: %w", id, err)
	}
	return nil
}

// DeleteOAuthClient removes a client; its codes, grants and tokens go
// with it.
func (s *Store) DeleteOAuthClient(ctx context.Context, id string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM oauth_clients WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete oauth client %q: %w", id, err)
	}
	return nil
}

func scanOAuthClient(r scanner) (store.OAuthClient, error) {
	var cl store.OAuthClient
	var uris, grants []byte
	err := r.Scan(&cl.ID, &cl.Name, bytesCol{&uris}, &cl.AuthMethod, bytesCol{&cl.SecretHash}, bytesCol{&grants},
		jsonCol{&cl.Metadata}, &cl.Source, timeCol{&cl.CreatedAt}, timeCol{&cl.LastUsedAt})
	if err != nil {
		return cl, err
	}
	if err := json.Unmarshal(uris, &cl.RedirectURIs); err != nil {
		return cl, fmt.Errorf("redirect_uris: %w", err)
	}
	if err := json.Unmarshal(grants, &cl.GrantTypes); err != nil {
		return cl, fmt.Errorf("grant_types: %w", err)
	}
	return cl, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UpdateOAuthClient changes the client with the given ID through fn. The
// ID, source and creation time are kept.
func (s *Store) UpdateOAuthClient(ctx context.Context, id string, fn func(store.OAuthClient) (store.OAuthClient, error)) (store.OAuthClient, error) {
	var out store.OAuthClient
	err := s.update(ctx, func(c conn) error {
		cur, err := scanOAuthClient(c.queryRow(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE id = $1`, id))
		if err != nil {
			return rowErr(err)
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID, out.Source, out.CreatedAt = cur.ID, cur.Source, cur.CreatedAt
		uris, err := json.Marshal(nonNilStrings(out.RedirectURIs))
		if err != nil {
			return err
		}
		grants, err := json.Marshal(nonNilStrings(out.GrantTypes))
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE oauth_clients SET name = $2, redirect_uris = $3, auth_method = $4, secret_hash = $5,
			grant_types = $6, metadata = $7, last_used_at = $8 WHERE id = $1`,
			id, out.Name, uris, out.AuthMethod, nullBytes(out.SecretHash), grants, nullJSON(out.Metadata), unixNano(out.LastUsedAt))
		return err
	})
	if err != nil {
		return store.OAuthClient{}, fmt.Errorf("update oauth client %q: %w", id, err)
	}
	return out, nil
}

// DeleteUnusedOAuthClients removes the clients of source whose last use
// is before before, and returns their IDs.
func (s *Store) DeleteUnusedOAuthClients(ctx context.Context, source string, before time.Time) ([]string, error) {
	var ids []string
	err := s.update(ctx, func(c conn) error {
		ids = nil // the closure may run again
		rows, err := c.query(ctx, `SELECT id FROM oauth_clients WHERE source = $1 AND last_used_at < $2 ORDER BY id`,
			source, unixNano(before))
		if err != nil {
			return err
		}
		if ids, err = collect(rows, func(r scanner) (string, error) {
			var id string
			return id, r.Scan(&id)
		}); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := c.exec(ctx, `DELETE FROM oauth_clients WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete unused oauth clients: %w", err)
	}
	return ids, nil
}
