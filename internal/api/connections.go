package api

import "time"

// Statuses of a connection as the API reports them: a credential's status,
// or ConnectionNotConnected when the user has none.
const (
	ConnectionConnected      = "connected"
	ConnectionExpired        = "expired"
	ConnectionNeedsReconnect = "needs_reconnect"
	ConnectionNotConnected   = "not_connected"
)

// Connection is the caller's own credential for one personal-mode server.
// The secret itself is never returned.
type Connection struct {
	Server      string     `json:"server"`
	Description string     `json:"description,omitempty"`
	Auth        string     `json:"auth"`
	AuthHeader  string     `json:"auth_header,omitempty"`
	Status      string     `json:"status"`
	ConnectURL  string     `json:"connect_url"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	// SyncError, set only in the answer to a connection that was the
	// server's first, says why its tool catalog could not be read with it.
	SyncError string `json:"sync_error,omitempty"`
}

// SecretRequest sets a static secret: the caller's own for PUT
// /api/v1/me/connections/{server}, the shared one for PUT
// /api/v1/servers/{name}/credential. Secret is write-only.
type SecretRequest struct {
	Secret string `json:"secret"`
}

// CredentialStatus is one stored credential of a server as an admin sees
// it: whose it is and whether it works, never its value.
type CredentialStatus struct {
	User      string     `json:"user,omitempty"` // email; empty for the shared credential
	Shared    bool       `json:"shared"`
	Kind      string     `json:"kind"`
	Status    string     `json:"status"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}
