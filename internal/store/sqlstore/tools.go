package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const toolColumns = `server_id, name, title, description, input_schema, output_schema, annotations, hash, updated_at`

// ListTools returns the catalog of a server, ordered by tool name. An
// unknown server has an empty catalog.
func (s *Store) ListTools(ctx context.Context, serverID string) ([]store.Tool, error) {
	rows, err := s.reader().query(ctx, `SELECT `+toolColumns+` FROM tools WHERE server_id = $1 ORDER BY name`, serverID)
	if err != nil {
		return nil, fmt.Errorf("list tools of server %q: %w", serverID, err)
	}
	ts, err := collect(rows, scanTool)
	if err != nil {
		return nil, fmt.Errorf("list tools of server %q: %w", serverID, err)
	}
	return ts, nil
}

// SyncTools replaces the catalog of a server with tools, upserting by name.
// Added and changed tools get UpdatedAt = at; unchanged ones (same Hash)
// are not written. Endpoint selections are left alone. The server's
// SyncedAt becomes at and its SyncError "". Names in the result are sorted.
func (s *Store) SyncTools(ctx context.Context, serverID string, tools []store.Tool, at time.Time) (store.SyncResult, error) {
	var res store.SyncResult
	err := s.update(ctx, func(c conn) error {
		var err error
		res, err = s.syncTools(ctx, c, serverID, tools, at)
		return err
	})
	if err != nil {
		return store.SyncResult{}, fmt.Errorf("sync tools of server %q: %w", serverID, err)
	}
	return res, nil
}

func (s *Store) syncTools(ctx context.Context, c conn, serverID string, tools []store.Tool, at time.Time) (store.SyncResult, error) {
	var res store.SyncResult
	r, err := c.exec(ctx, `UPDATE servers SET synced_at = $2, sync_error = '' WHERE id = $1`, serverID, unixNano(at))
	if err != nil {
		return res, err
	}
	if err := mustAffect(r); err != nil {
		return res, err
	}
	old, err := toolHashes(ctx, c, serverID)
	if err != nil {
		return res, err
	}
	seen := make(map[string]bool, len(tools))
	for _, t := range tools {
		if seen[t.Name] {
			return res, fmt.Errorf("%w: tool %q listed twice", store.ErrConflict, t.Name)
		}
		seen[t.Name] = true
		hash, exists := old[t.Name]
		switch {
		case exists && hash == t.Hash:
			res.Unchanged++
			continue
		case exists:
			res.Changed = append(res.Changed, t.Name)
		default:
			res.Added = append(res.Added, t.Name)
		}
		t.ServerID, t.UpdatedAt = serverID, at
		if err := upsertTool(ctx, c, t); err != nil {
			return res, err
		}
	}
	for name := range old {
		if !seen[name] {
			res.Removed = append(res.Removed, name)
		}
	}
	slices.Sort(res.Added)
	slices.Sort(res.Changed)
	slices.Sort(res.Removed)
	return res, deleteTools(ctx, c, serverID, res.Removed)
}

// toolHashes returns the catalog of a server as name → hash.
func toolHashes(ctx context.Context, c conn, serverID string) (map[string]string, error) {
	rows, err := c.query(ctx, `SELECT name, hash FROM tools WHERE server_id = $1`, serverID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[string]string)
	for rows.Next() {
		var name, hash string
		if err := rows.Scan(&name, &hash); err != nil {
			return nil, err
		}
		m[name] = hash
	}
	return m, rows.Err()
}

func upsertTool(ctx context.Context, c conn, t store.Tool) error {
	_, err := c.exec(ctx, `INSERT INTO tools (`+toolColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (server_id, name) DO UPDATE SET title = excluded.title, description = excluded.description,
			input_schema = excluded.input_schema, output_schema = excluded.output_schema,
			annotations = excluded.annotations, hash = excluded.hash, updated_at = excluded.updated_at`,
		t.ServerID, t.Name, t.Title, t.Description, nullJSON(t.InputSchema), nullJSON(t.OutputSchema),
		nullJSON(t.Annotations), t.Hash, unixNano(t.UpdatedAt))
	return err
}

func deleteTools(ctx context.Context, c conn, serverID string, names []string) error {
	for _, name := range names {
		if _, err := c.exec(ctx, `DELETE FROM tools WHERE server_id = $1 AND name = $2`, serverID, name); err != nil {
			return err
		}
	}
	return nil
}

func scanTool(r scanner) (store.Tool, error) {
	var t store.Tool
	err := r.Scan(&t.ServerID, &t.Name, &t.Title, &t.Description, jsonCol{&t.InputSchema},
		jsonCol{&t.OutputSchema}, jsonCol{&t.Annotations}, &t.Hash, timeCol{&t.UpdatedAt})
	return t, err
}
