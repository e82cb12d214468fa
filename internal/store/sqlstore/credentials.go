package sqlstore

import (
	"context"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const credentialColumns = `id, server_id, user_id, ciphertext, created_at, updated_at`

// PutCredential inserts the credential of (ServerID, UserID) or replaces
// its ID, ciphertext and UpdatedAt, keeping CreatedAt. The ID is replaced
// too because the ciphertext is sealed to it. An unknown server is
// store.ErrNotFound.
func (s *Store) PutCredential(ctx context.Context, cr store.Credential) error {
	err := s.update(ctx, func(c conn) error { return s.putCredential(ctx, c, cr) })
	if err != nil {
		return fmt.Errorf("put credential of server %q user %q: %w", cr.ServerID, cr.UserID, err)
	}
	return nil
}

func (s *Store) putCredential(ctx context.Context, c conn, cr store.Credential) error {
	_, err := c.exec(ctx, `INSERT INTO credentials (`+credentialColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (server_id, user_id) DO UPDATE SET id = excluded.id, ciphertext = excluded.ciphertext,
			updated_at = excluded.updated_at`,
		cr.ID, cr.ServerID, cr.UserID, cr.Ciphertext, unixNano(cr.CreatedAt), unixNano(cr.UpdatedAt))
	return s.insertErr(err)
}

// GetCredential returns the credential of (serverID, userID); userID ""
// is the shared one.
func (s *Store) GetCredential(ctx context.Context, serverID, userID string) (store.Credential, error) {
	var cr store.Credential
	err := s.reader().queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE server_id = $1 AND user_id = $2`, serverID, userID).Scan(
		&cr.ID, &cr.ServerID, &cr.UserID, bytesCol{&cr.Ciphertext}, timeCol{&cr.CreatedAt}, timeCol{&cr.UpdatedAt})
	if err != nil {
		return store.Credential{}, fmt.Errorf("get credential of server %q user %q: %w", serverID, userID, rowErr(err))
	}
	return cr, nil
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
