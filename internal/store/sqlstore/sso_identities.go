package sqlstore

import (
	"context"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const ssoIdentityColumns = `issuer, subject, user_id, created_at`

// GetSSOIdentity returns the binding of (issuer, subject).
func (s *Store) GetSSOIdentity(ctx context.Context, issuer, subject string) (store.SSOIdentity, error) {
	id, err := scanSSOIdentity(s.reader().queryRow(ctx,
		`SELECT `+ssoIdentityColumns+` FROM sso_identities WHERE issuer = $1 AND subject = $2`, issuer, subject))
	if err != nil {
		return id, fmt.Errorf("get sso identity: %w", rowErr(err))
	}
	return id, nil
}

// GetSSOIdentityOfUser returns the user's binding at issuer.
func (s *Store) GetSSOIdentityOfUser(ctx context.Context, issuer, userID string) (store.SSOIdentity, error) {
	id, err := scanSSOIdentity(s.reader().queryRow(ctx,
		`SELECT `+ssoIdentityColumns+` FROM sso_identities WHERE issuer = $1 AND user_id = $2`, issuer, userID))
	if err != nil {
		return id, fmt.Errorf("get sso identity of user: %w", rowErr(err))
	}
	return id, nil
}

// LinkSSOIdentity stores id.
func (s *Store) LinkSSOIdentity(ctx context.Context, id store.SSOIdentity) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO sso_identities (`+ssoIdentityColumns+`) VALUES ($1, $2, $3, $4)`,
			id.Issuer, id.Subject, id.UserID, unixNano(id.CreatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("link sso identity: %w", err)
	}
	return nil
}

func scanSSOIdentity(r scanner) (store.SSOIdentity, error) {
	var id store.SSOIdentity
	var created int64
	if err := r.Scan(&id.Issuer, &id.Subject, &id.UserID, &created); err != nil {
		return store.SSOIdentity{}, err
	}
	id.CreatedAt = fromUnixNano(created)
	return id, nil
}
