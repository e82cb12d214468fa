package identity

import (
	"context"
	"time"
)

// Principal is an authenticated caller.
type Principal struct {
	Type       string // "user" or "service_account"
	ID         string
	Email      string
	Role       string
	TokenID    string
	EndpointID string    // the token is bound to this endpoint, "" = any
	ExpiresAt  time.Time // when the token expires, zero = never
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
