package api

import "time"

// CreateUserRequest creates a local user. Password is optional: without
// one the user cannot sign in until an admin sets it (or, later, signs in
// through SSO).
type CreateUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role"`
	Password string `json:"password,omitempty"`
}

// UpdateUserRequest changes the fields that are set.
type UpdateUserRequest struct {
	Name     *string `json:"name,omitempty"`
	Role     *string `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// SetPasswordRequest replaces a user's password; the user is signed out
// of every browser session.
type SetPasswordRequest struct {
	Password string `json:"password"`
}

// Grant is one "connected app": a user's consent for an OAuth client to
// use an endpoint, with its expiry. Tokens are never shown.
type Grant struct {
	ID           string     `json:"id"`
	UserID       string     `json:"user_id"`
	UserEmail    string     `json:"user_email,omitempty"`
	ClientID     string     `json:"client_id"`
	ClientName   string     `json:"client_name,omitempty"`
	Endpoint     string     `json:"endpoint"`
	Status       string     `json:"status"` // active | expired | revoked
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
}

// LoginRequest signs the CLI in with email and password. Hostname names
// the token ("cli <hostname>").
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Hostname string `json:"hostname,omitempty"`
}

// CLITokenRequest trades the one-time code of a browser sign-in, with the
// PKCE verifier whose S256 challenge opened it, for an API token.
type CLITokenRequest struct {
	Code     string `json:"code"`
	Verifier string `json:"verifier"`
	Hostname string `json:"hostname,omitempty"`
}

// LoginResponse carries the new API token of a CLI sign-in, shown once.
type LoginResponse struct {
	Token     Token  `json:"token"`
	Value     string `json:"value"`
	UserEmail string `json:"user_email"`
}

// Client is an OAuth client of Switchboard's authorization server. Its
// secret is never shown after creation.
type Client struct {
	ID           string    `json:"id"` // the client_id
	Name         string    `json:"name"`
	RedirectURIs []string  `json:"redirect_uris"`
	Confidential bool      `json:"confidential"`
	AuthMethod   string    `json:"auth_method"` // none | client_secret_basic | client_secret_post
	Source       string    `json:"source"`      // admin | dcr | cimd
	CreatedAt    time.Time `json:"created_at"`
	LastUsedAt   time.Time `json:"last_used_at"`
}

// CreateClientRequest pre-registers an OAuth client. A confidential one
// gets a secret (client_secret_basic), shown once.
type CreateClientRequest struct {
	Name         string   `json:"name"`
	RedirectURIs []string `json:"redirect_uris"`
	Confidential bool     `json:"confidential,omitempty"`
}

// CreateClientResponse carries the new client and, for a confidential
// one, its secret, shown once.
type CreateClientResponse struct {
	Client Client `json:"client"`
	Secret string `json:"secret,omitempty"`
}
