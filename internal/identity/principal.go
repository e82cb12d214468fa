package identity

import (
	"context"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
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
	// Groups are the IDs of the groups the principal is in, and Endpoints
	// the IDs of the endpoints granted to it or to one of those groups.
	// Both are resolved once per verification and cached with it.
	Groups    []string
	Endpoints []string
}

// ResolveAccess fills p.Groups and p.Endpoints from st in one read.
func ResolveAccess(ctx context.Context, st store.Store, p *Principal) error {
	groups, eps, err := st.UserAccess(ctx, p.ID)
	if err != nil {
		return err
	}
	p.Groups, p.Endpoints = groups, eps
	return nil
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
