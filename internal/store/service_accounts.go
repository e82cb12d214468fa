package store

import (
	"context"
	"time"
)

// ServiceAccount is a non-human principal for a headless agent or CI.
// Names are unique.
type ServiceAccount struct {
	ID          string // "sa_…"
	Name        string
	Description string
	CreatedAt   time.Time
}

// ServiceAccountToken is an API token of a service account. It is stored
// by the hash of its secret and is bound to one endpoint.
type ServiceAccountToken struct {
	ID               string
	Name             string
	ServiceAccountID string
	Hash             []byte // SHA-256 of the token text; unique
	Prefix           string // the first characters of the token, for display
	EndpointID       string // the only endpoint the token may be used on
	CreatedAt        time.Time
	ExpiresAt        time.Time // zero = never
	RevokedAt        time.Time // zero = active
}

// ServiceAccounts stores service accounts and their tokens.
type ServiceAccounts interface {
	// CreateServiceAccount stores a; a taken ID or name is ErrConflict.
	CreateServiceAccount(ctx context.Context, a ServiceAccount) error
	GetServiceAccount(ctx context.Context, id string) (ServiceAccount, error)
	GetServiceAccountByName(ctx context.Context, name string) (ServiceAccount, error)
	// ListServiceAccounts returns every service account, ordered by name.
	ListServiceAccounts(ctx context.Context) ([]ServiceAccount, error)
	// DeleteServiceAccount removes account id with its tokens and its
	// endpoint grants, in one transaction; an unknown account is
	// ErrNotFound.
	DeleteServiceAccount(ctx context.Context, id string) error
	// CreateServiceAccountToken stores t; a taken ID or hash is
	// ErrConflict, an unknown service account or endpoint ErrNotFound.
	CreateServiceAccountToken(ctx context.Context, t ServiceAccountToken) error
	// GetServiceAccountTokenByHash returns the token, revoked and expired
	// ones included.
	GetServiceAccountTokenByHash(ctx context.Context, hash []byte) (ServiceAccountToken, error)
	// ListServiceAccountTokens returns the tokens of accountID, ordered by
	// creation time.
	ListServiceAccountTokens(ctx context.Context, accountID string) ([]ServiceAccountToken, error)
	// RevokeServiceAccountToken sets RevokedAt of token id once; an
	// unknown token is ErrNotFound.
	RevokeServiceAccountToken(ctx context.Context, id string, at time.Time) error
}
