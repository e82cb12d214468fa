package store

import (
	"context"
	"time"
)

// AuthOAuth is the auth method of a server whose credentials are OAuth
// token sets that Switchboard obtains and refreshes itself.
const AuthOAuth = "oauth"

// ServerOAuth is the OAuth client configuration of one upstream server,
// found by discovery when the server was added.
type ServerOAuth struct {
	ServerID              string
	Issuer                string
	AuthorizationEndpoint string
	TokenEndpoint         string
	RegistrationEndpoint  string // "" = no dynamic registration
	Scopes                string // space-separated; "" = the server's default
	Resource              string // RFC 8707 indicator; "" = not sent
	ClientID              string
	ClientSecretSealed    []byte // vault kind SealedServerOAuth, id ServerID; nil = public client
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// OAuthFlow is an upstream authorization in progress: the browser went to
// the authorization server and will come back to the callback with the
// state, maybe on another replica.
type OAuthFlow struct {
	StateHash    string // hex SHA-256 of the state sent to the authorization server
	ServerID     string
	UserID       string // "" = the shared connection, started by an admin
	StartedBy    string // the user who started it (the admin, for shared)
	CodeVerifier string // PKCE; useless without the code, and short-lived
	ReturnTo     string // same-origin path to go back to
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// UpstreamOAuth stores OAuth client configurations and flows in progress.
type UpstreamOAuth interface {
	// PutServerOAuth inserts or replaces the configuration of o.ServerID,
	// keeping CreatedAt. An unknown server is ErrNotFound.
	PutServerOAuth(ctx context.Context, o ServerOAuth) error
	// GetServerOAuth returns the configuration of serverID, or ErrNotFound.
	GetServerOAuth(ctx context.Context, serverID string) (ServerOAuth, error)
	// CreateOAuthFlow stores f; an unknown server is ErrNotFound.
	CreateOAuthFlow(ctx context.Context, f OAuthFlow) error
	// TakeOAuthFlow deletes and returns the flow of stateHash, so that a
	// state works once. One that expired by now is ErrNotFound. Expired
	// flows are pruned on the way.
	TakeOAuthFlow(ctx context.Context, stateHash string, now time.Time) (OAuthFlow, error)
}

// Leases are named locks with an expiry, shared by every replica through
// the database, e.g. "one refresh of this credential at a time".
type Leases interface {
	// AcquireLease takes lease name for holder until the given time when it
	// is free, expired by now, or already holder's, and reports whether it
	// did.
	AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// ReleaseLease frees name if holder still holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
}
