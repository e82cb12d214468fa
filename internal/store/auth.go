package store

import (
	"context"
	"time"
)

// Accounts stores what signs a user in: passwords and user changes.
type Accounts interface {
	// UpdateUser changes a user through fn, in one transaction.
	UpdateUser(ctx context.Context, id string, fn func(User) (User, error)) (User, error)
	// SetPasswordHash stores the encoded password hash of a user, replacing
	// any earlier one. An unknown user is ErrNotFound.
	SetPasswordHash(ctx context.Context, userID, hash string, at time.Time) error
	// GetPasswordHash returns the encoded hash, or ErrNotFound when the
	// user has no password.
	GetPasswordHash(ctx context.Context, userID string) (string, error)
}

// Sessions stores browser sessions by the hash of their cookie.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	GetSessionByHash(ctx context.Context, hash []byte) (Session, error)
	// TouchSession moves LastSeenAt forward to at.
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions signs a user out everywhere.
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteExpiredSessions removes sessions past their absolute expiry or
	// idle since before idleBefore, and returns how many it removed.
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error)
}

// OAuthClients stores the clients of the authorization server.
type OAuthClients interface {
	CreateOAuthClient(ctx context.Context, c OAuthClient) error
	GetOAuthClient(ctx context.Context, id string) (OAuthClient, error)
	ListOAuthClients(ctx context.Context) ([]OAuthClient, error)
	// TouchOAuthClient records a use of the client at at.
	TouchOAuthClient(ctx context.Context, id string, at time.Time) error
	// DeleteOAuthClient removes a client with its codes, grants and tokens.
	DeleteOAuthClient(ctx context.Context, id string) error
	// UpdateOAuthClient changes a client through fn (e.g. a refetched
	// client ID metadata document); the ID, source and creation time
	// are kept.
	UpdateOAuthClient(ctx context.Context, id string, fn func(OAuthClient) (OAuthClient, error)) (OAuthClient, error)
	// DeleteUnusedOAuthClients removes the clients of source last used
	// before before, with their codes, grants and tokens, and returns
	// their IDs.
	DeleteUnusedOAuthClients(ctx context.Context, source string, before time.Time) ([]string, error)
}

// OAuthGrants stores authorization codes, grants and their tokens.
type OAuthGrants interface {
	CreateAuthCode(ctx context.Context, c AuthCode) error
	// RedeemAuthCode consumes the code whose hash is hash, in one
	// transaction: it marks the code used at at, calls issue with it and
	// stores the grant and tokens that issue returns, recording the grant
	// on the code. When issue fails the code stays consumed (a code gets
	// one try) and issue's error is returned. A code used before is
	// returned with ErrConflict and nothing is written, so that the caller
	// can revoke the grant issued from it; an unknown code is ErrNotFound.
	RedeemAuthCode(ctx context.Context, hash []byte, at time.Time,
		issue func(AuthCode) (Grant, []OAuthToken, error)) (AuthCode, error)
	// RotateRefreshToken consumes the refresh token whose hash is hash, in
	// one transaction: it calls issue with the token and its grant, marks
	// the token used and stores the tokens issue returns. When issue fails
	// nothing is written. A refresh token used before is returned with its
	// grant and ErrConflict (reuse), nothing written; an unknown hash, or
	// one of an access token, is ErrNotFound.
	RotateRefreshToken(ctx context.Context, hash []byte, at time.Time,
		issue func(OAuthToken, Grant) ([]OAuthToken, error)) (OAuthToken, Grant, error)
	// GetOAuthToken returns the token whose hash is hash and its grant,
	// revoked and expired ones included.
	GetOAuthToken(ctx context.Context, hash []byte) (OAuthToken, Grant, error)
	// RevokeOAuthToken revokes one token; revoking it again keeps the first
	// time.
	RevokeOAuthToken(ctx context.Context, id string, at time.Time) error
	GetGrant(ctx context.Context, id string) (Grant, error)
	// ListGrants returns the grants of userID, or every grant when userID
	// is "", newest first.
	ListGrants(ctx context.Context, userID string) ([]Grant, error)
	// RevokeGrant revokes a grant and with it every token of the grant.
	// Revoking it again keeps the first time and reason.
	RevokeGrant(ctx context.Context, id string, at time.Time, reason string) error
}
