package store

import (
	"context"
	"time"
)

// SSOIdentity binds a user to an OpenID provider's subject.
type SSOIdentity struct {
	Issuer    string
	Subject   string // the ID token's sub
	UserID    string
	CreatedAt time.Time
}

// SSOIdentities stores the bindings of users to provider subjects.
type SSOIdentities interface {
	// GetSSOIdentity returns the binding of (issuer, subject), or
	// ErrNotFound.
	GetSSOIdentity(ctx context.Context, issuer, subject string) (SSOIdentity, error)
	// GetSSOIdentityOfUser returns the user's binding at issuer, or
	// ErrNotFound.
	GetSSOIdentityOfUser(ctx context.Context, issuer, userID string) (SSOIdentity, error)
	// LinkSSOIdentity stores id; ErrConflict when the subject or the
	// user is bound already at that issuer, ErrNotFound for an unknown user.
	LinkSSOIdentity(ctx context.Context, id SSOIdentity) error
}
