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
