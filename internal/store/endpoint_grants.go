package store

import (
	"context"
	"time"
)

// Kinds of principal an endpoint grant names.
const (
	GrantUser           = "user"
	GrantGroup          = "group"
	GrantServiceAccount = "service_account"
)

// EndpointGrant lets a principal connect to an endpoint.
type EndpointGrant struct {
	ID            string // "egr_…"
	EndpointID    string
	PrincipalType string // a Grant* value
	PrincipalID   string
	CreatedAt     time.Time
}

// EndpointGrants stores who may connect to which endpoint. The store
// makes no access decision; internal/policy does.
type EndpointGrants interface {
	// AddEndpointGrant stores g; a grant of the same endpoint to the same
	// principal is ErrConflict, an unknown endpoint is ErrNotFound.
	AddEndpointGrant(ctx context.Context, g EndpointGrant) error
	// RemoveEndpointGrant deletes grant id of endpointID; ErrNotFound when
	// there is none.
	RemoveEndpointGrant(ctx context.Context, endpointID, id string) error
	// ListEndpointGrants returns the grants of endpointID, ordered by
	// principal type, principal ID.
	ListEndpointGrants(ctx context.Context, endpointID string) ([]EndpointGrant, error)
	// UserAccess returns, in one read, the IDs of the groups userID is in
	// and of the endpoints granted to the user or to one of those groups,
	// each sorted and without duplicates.
	UserAccess(ctx context.Context, userID string) (groupIDs, endpointIDs []string, err error)
	// GrantedEndpoints returns the sorted IDs of the endpoints granted
	// directly to the principal (principalType, principalID).
	GrantedEndpoints(ctx context.Context, principalType, principalID string) ([]string, error)
}
