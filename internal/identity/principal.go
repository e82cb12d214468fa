package identity

import (
	"context"
	"errors"
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
	// CustomRole is Role when it names a custom role, resolved with its
	// Permissions at verification; "" for a built-in or unknown role.
	CustomRole  string
	Permissions []store.Permission
}

// ResolveAccess fills p.Groups and p.Endpoints from st in one read and,
// when p.Role names a custom role, p.CustomRole and p.Permissions in one
// more. A role that does not exist is left unresolved: policy denies it.
func ResolveAccess(ctx context.Context, st store.Store, p *Principal) error {
	groups, eps, err := st.UserAccess(ctx, p.ID)
	if err != nil {
		return err
	}
	p.Groups, p.Endpoints = groups, eps
	p.CustomRole, p.Permissions = "", nil
	if p.Role == "" || store.IsBuiltinRole(p.Role) {
		return nil
	}
	r, err := st.GetRoleByName(ctx, p.Role)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	p.CustomRole, p.Permissions = r.Name, r.Permissions
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
