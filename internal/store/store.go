package store

import (
	"context"
	"time"
)

// Store is the persistence boundary. Every method runs in its own
// transaction; Update methods pass the current value to a closure that
// returns the new one, and may call it more than once.
type Store interface {
	Close() error

	Users
	Tokens
	Servers
	Endpoints
	Credentials
	VaultKeys
	VaultKeyring
	Sealed
	Audit
	AuditSinkCursors
	AuditCheckpoints
	Accounts
	Sessions
	OAuthClients
	OAuthGrants
	Groups
	SSOIdentities
	EndpointGrants
	ToolRules
	ServiceAccounts
	Roles
	UpstreamOAuth
	Leases
}

// Users stores humans.
type Users interface {
	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
}

// Tokens stores API tokens by the hash of their secret.
type Tokens interface {
	CreateAPIToken(ctx context.Context, t APIToken) error
	GetAPITokenByHash(ctx context.Context, hash []byte) (APIToken, error)
	ListAPITokens(ctx context.Context, userID string) ([]APIToken, error)
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
}

// Servers stores upstream servers and their tool catalogs.
type Servers interface {
	// CreateServer stores s and, when cred is not nil, its shared
	// credential, in one transaction.
	CreateServer(ctx context.Context, s Server, cred *Credential) error
	GetServer(ctx context.Context, id string) (Server, error)
	GetServerByName(ctx context.Context, name string) (Server, error)
	ListServers(ctx context.Context) ([]Server, error)
	UpdateServer(ctx context.Context, id string, fn func(Server) (Server, error)) (Server, error)
	// DeleteServer removes the server, its catalog and its credentials.
	// It returns ErrConflict while an endpoint still uses the server.
	DeleteServer(ctx context.Context, id string) error

	ListTools(ctx context.Context, serverID string) ([]Tool, error)
	// SyncTools replaces the server's catalog with tools, upserting by name:
	// a tool whose Hash changed gets a new UpdatedAt, endpoint selections
	// are kept. It also records the sync time and clears SyncError.
	SyncTools(ctx context.Context, serverID string, tools []Tool, at time.Time) (SyncResult, error)
}

// Endpoints stores endpoints with their tool selections.
type Endpoints interface {
	CreateEndpoint(ctx context.Context, e Endpoint) error
	GetEndpoint(ctx context.Context, id string) (Endpoint, error)
	GetEndpointByName(ctx context.Context, name string) (Endpoint, error)
	ListEndpoints(ctx context.Context) ([]Endpoint, error)
	UpdateEndpoint(ctx context.Context, id string, fn func(Endpoint) (Endpoint, error)) (Endpoint, error)
	DeleteEndpoint(ctx context.Context, id string) error
}

// VaultKeys stores the wrapped data keys of the vault keyring.
type VaultKeys interface {
	ListVaultKeys(ctx context.Context) ([]VaultKey, error)
	// AddVaultKey stores k; when k.Active it becomes the only active key.
	AddVaultKey(ctx context.Context, k VaultKey) error
}

// Audit stores the hash-chained audit trail.
type Audit interface {
	// AppendAudit inserts events in one transaction. Their Seq values must
	// follow the current head without gaps, or ErrConflict is returned and
	// nothing is written.
	AppendAudit(ctx context.Context, events []AuditEvent) error
	// AppendAuditChain appends events chained onto the current head, in
	// one transaction that excludes every other appender (on PostgreSQL,
	// across replicas, with an advisory lock): link gets the head's Seq
	// and Hash (0 and nil for an empty trail) and sets Seq, PrevHash and
	// Hash of each event. link may run more than once.
	AppendAuditChain(ctx context.Context, events []AuditEvent, link func(headSeq int64, headHash []byte, events []AuditEvent)) error
	// AuditHead returns the event with the highest Seq, or ErrNotFound.
	AuditHead(ctx context.Context) (AuditEvent, error)
	GetAudit(ctx context.Context, seq int64) (AuditEvent, error)
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}
