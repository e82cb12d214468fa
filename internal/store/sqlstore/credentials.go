package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const credentialColumns = `id, server_id, user_id, ciphertext, kind, status, expires_at, scopes, last_error,
	created_at, updated_at`

// PutCredential inserts the credential of (ServerID, UserID) or replaces
// everything but CreatedAt. The ID is replaced too because the ciphertext
// is sealed to it. An unknown server is store.ErrNotFound.
func (s *Store) PutCredential(ctx context.Context, cr store.Credential) error {
	err := s.update(ctx, func(c conn) error { return s.putCredential(ctx, c, cr) })
	if err != nil {
		return fmt.Errorf("put credential of server %q user %q: %w", cr.ServerID, cr.UserID, err)
	}
	return nil
}

func (s *Store) putCredential(ctx context.Context, c conn, cr store.Credential) error {
	_, err := c.exec(ctx, `INSERT INTO credentials (`+credentialColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (server_id, user_id) DO UPDATE SET id = excluded.id, ciphertext = excluded.ciphertext,
			kind = excluded.kind, status = excluded.status, expires_at = excluded.expires_at,
			scopes = excluded.scopes, last_error = excluded.last_error, updated_at = excluded.updated_at`,
		credentialArgs(cr)...)
	return s.insertErr(err)
}

// GetCredential returns the credential of (serverID, userID); userID ""
// is the shared one.
func (s *Store) GetCredential(ctx context.Context, serverID, userID string) (store.Credential, error) {
	cr, err := getCredential(ctx, s.reader(), serverID, userID)
	if err != nil {
		return store.Credential{}, fmt.Errorf("get credential of server %q user %q: %w", serverID, userID, err)
	}
	return cr, nil
}

func getCredential(ctx context.Context, c conn, serverID, userID string) (store.Credential, error) {
	cr, err := scanCredential(c.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE server_id = $1 AND user_id = $2`, serverID, userID))
	return cr, rowErr(err)
}

// ListCredentials returns the credentials matching f, ordered by server
// ID then user ID.
func (s *Store) ListCredentials(ctx context.Context, f store.CredentialFilter) ([]store.Credential, error) {
	var where []string
	var args []any
	if f.ServerID != "" {
		args = append(args, f.ServerID)
		where = append(where, fmt.Sprintf("server_id = $%d", len(args)))
	}
	if !f.AnyUser {
		args = append(args, f.UserID)
		where = append(where, fmt.Sprintf("user_id = $%d", len(args)))
	}
	q := `SELECT ` + credentialColumns + ` FROM credentials`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := s.reader().query(ctx, q+` ORDER BY server_id, user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	crs, err := collect(rows, scanCredential)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	return crs, nil
}

// UpdateCredential runs fn on the current credential of (serverID, userID)
// in a transaction and stores its result, keeping ServerID, UserID and
// CreatedAt. No such credential is store.ErrNotFound; an ID in use by
// another credential is store.ErrConflict.
func (s *Store) UpdateCredential(ctx context.Context, serverID, userID string,
	fn func(store.Credential) (store.Credential, error)) (store.Credential, error) {
	var out store.Credential
	err := s.update(ctx, func(c conn) error {
		cur, err := getCredential(ctx, c, serverID, userID)
		if err != nil {
			return err
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ServerID, out.UserID, out.CreatedAt = serverID, userID, cur.CreatedAt
		_, err = c.exec(ctx, `UPDATE credentials SET id = $3, ciphertext = $4, kind = $5, status = $6,
			expires_at = $7, scopes = $8, last_error = $9, updated_at = $10
			WHERE server_id = $1 AND user_id = $2`,
			serverID, userID, out.ID, out.Ciphertext, out.Kind, out.Status, unixNano(out.ExpiresAt),
			out.Scopes, out.LastError, unixNano(out.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return store.Credential{}, fmt.Errorf("update credential of server %q user %q: %w", serverID, userID, err)
	}
	return out, nil
}

// DeleteCredential removes the credential of (serverID, userID).
func (s *Store) DeleteCredential(ctx context.Context, serverID, userID string) error {
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM credentials WHERE server_id = $1 AND user_id = $2`, serverID, userID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("delete credential of server %q user %q: %w", serverID, userID, err)
	}
	return nil
}

func credentialArgs(cr store.Credential) []any {
	return []any{cr.ID, cr.ServerID, cr.UserID, cr.Ciphertext, cr.Kind, cr.Status, unixNano(cr.ExpiresAt),
		cr.Scopes, cr.LastError, unixNano(cr.CreatedAt), unixNano(cr.UpdatedAt)}
}

func scanCredential(r scanner) (store.Credential, error) {
	var cr store.Credential
	err := r.Scan(&cr.ID, &cr.ServerID, &cr.UserID, bytesCol{&cr.Ciphertext}, &cr.Kind, &cr.Status,
		timeCol{&cr.ExpiresAt}, &cr.Scopes, &cr.LastError, timeCol{&cr.CreatedAt}, timeCol{&cr.UpdatedAt})
	return cr, err
}
