package store

import "context"

// Credentials stores sealed upstream secrets, one per (server, user).
type Credentials interface {
	// PutCredential inserts or replaces the credential of (ServerID, UserID),
	// keeping CreatedAt of a replaced row. Kind and Status are stored as
	// given. An unknown server is ErrNotFound.
	PutCredential(ctx context.Context, c Credential) error
	// GetCredential returns the credential of (serverID, userID); userID ""
	// is the shared one.
	GetCredential(ctx context.Context, serverID, userID string) (Credential, error)
	// ListCredentials returns the credentials matching f, ordered by
	// server ID then user ID.
	ListCredentials(ctx context.Context, f CredentialFilter) ([]Credential, error)
	// UpdateCredential runs fn on the current credential of (serverID,
	// userID) inside a transaction and stores what it returns; ServerID,
	// UserID and CreatedAt are kept. No such credential is ErrNotFound. It
	// serves status changes, OAuth refreshes and re-sealing.
	UpdateCredential(ctx context.Context, serverID, userID string, fn func(Credential) (Credential, error)) (Credential, error)
	DeleteCredential(ctx context.Context, serverID, userID string) error
}

// CredentialFilter selects credentials. ServerID "" matches every server.
// UserID matches exactly ("" = the shared credential) unless AnyUser is
// set, which matches shared and personal credentials of every user.
type CredentialFilter struct {
	ServerID string
	UserID   string
	AnyUser  bool
}
