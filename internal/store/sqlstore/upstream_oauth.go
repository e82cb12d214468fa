package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const serverOAuthColumns = `server_id, issuer, authorization_endpoint, token_endpoint, registration_endpoint,
	scopes, resource, client_id, client_secret_sealed, created_at, updated_at`

// PutServerOAuth upserts the OAuth configuration of a server.
func (s *Store) PutServerOAuth(ctx context.Context, o store.ServerOAuth) error {
	var secret any
	if len(o.ClientSecretSealed) > 0 {
		secret = o.ClientSecretSealed
	}
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO server_oauth (`+serverOAuthColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (server_id) DO UPDATE SET issuer = excluded.issuer,
				authorization_endpoint = excluded.authorization_endpoint, token_endpoint = excluded.token_endpoint,
				registration_endpoint = excluded.registration_endpoint, scopes = excluded.scopes,
				resource = excluded.resource, client_id = excluded.client_id,
				client_secret_sealed = excluded.client_secret_sealed, updated_at = excluded.updated_at`,
			o.ServerID, o.Issuer, o.AuthorizationEndpoint, o.TokenEndpoint, o.RegistrationEndpoint,
			o.Scopes, o.Resource, o.ClientID, secret, unixNano(o.CreatedAt), unixNano(o.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("put oauth configuration of server %q: %w", o.ServerID, err)
	}
	return nil
}

// GetServerOAuth returns the OAuth configuration of serverID.
func (s *Store) GetServerOAuth(ctx context.Context, serverID string) (store.ServerOAuth, error) {
	var o store.ServerOAuth
	err := s.reader().queryRow(ctx, `SELECT `+serverOAuthColumns+` FROM server_oauth WHERE server_id = $1`, serverID).Scan(
		&o.ServerID, &o.Issuer, &o.AuthorizationEndpoint, &o.TokenEndpoint, &o.RegistrationEndpoint,
		&o.Scopes, &o.Resource, &o.ClientID, bytesCol{&o.ClientSecretSealed}, timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt})
	if err != nil {
		return store.ServerOAuth{}, fmt.Errorf("get oauth configuration of server %q: %w", serverID, rowErr(err))
	}
	return o, nil
}

const oauthFlowColumns = `state_hash, server_id, user_id, started_by, code_verifier, return_to, created_at, expires_at`

// CreateOAuthFlow stores a flow in progress.
func (s *Store) CreateOAuthFlow(ctx context.Context, f store.OAuthFlow) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO oauth_flows (`+oauthFlowColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			f.StateHash, f.ServerID, f.UserID, f.StartedBy, f.CodeVerifier, f.ReturnTo,
			unixNano(f.CreatedAt), unixNano(f.ExpiresAt))
		return s.insertErr(err)
	})
	if err != nil {
		return fmt.Errorf("create oauth flow for server %q: %w", f.ServerID, err)
	}
	return nil
}

// TakeOAuthFlow deletes and returns a live flow, pruning expired ones.
func (s *Store) TakeOAuthFlow(ctx context.Context, stateHash string, now time.Time) (store.OAuthFlow, error) {
	var f store.OAuthFlow
	err := s.update(ctx, func(c conn) error {
		err := c.queryRow(ctx, `SELECT `+oauthFlowColumns+` FROM oauth_flows WHERE state_hash = $1 AND expires_at > $2`,
			stateHash, unixNano(now)).Scan(&f.StateHash, &f.ServerID, &f.UserID, &f.StartedBy, &f.CodeVerifier,
			&f.ReturnTo, timeCol{&f.CreatedAt}, timeCol{&f.ExpiresAt})
		if err != nil {
			return rowErr(err)
		}
		_, err = c.exec(ctx, `DELETE FROM oauth_flows WHERE state_hash = $1 OR expires_at <= $2`, stateHash, unixNano(now))
		return err
	})
	if err != nil {
		return store.OAuthFlow{}, fmt.Errorf("take oauth flow: %w", err)
	}
	return f, nil
}

// AcquireLease takes the lease in one conditional upsert: a row that is
// free, expired or already the holder's is overwritten, another holder's
// live row is left alone and changes nothing.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var got bool
	err := s.update(ctx, func(c conn) error {
		res, err := c.exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder`,
			name, holder, unixNano(until), unixNano(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("acquire lease %q: %w", name, err)
	}
	return got, nil
}

// ReleaseLease deletes the lease if holder still holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.update(ctx, func(c conn) error {
		_, err := c.exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease %q: %w", name, err)
	}
	return nil
}
