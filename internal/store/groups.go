package store

import (
	"context"
	"time"
)

// Where a group or a membership came from.
const (
	GroupSourceLocal = "local" // made by an admin
	GroupSourceSSO   = "sso"   // named by the identity provider's groups claim
)

// Group is a named set of users. Names are unique, compared as stored.
type Group struct {
	ID        string // "grp_…"
	Name      string
	Source    string // a GroupSource* value
	CreatedAt time.Time
}

// Membership puts a user in a group. Source says who manages it: SSO
// sign-in rewrites only the memberships it made, and leaves local ones.
type Membership struct {
	GroupID   string
	UserID    string
	Source    string // a GroupSource* value
	CreatedAt time.Time
}

// Groups stores groups and their memberships.
type Groups interface {
	// CreateGroup stores g; a taken ID or name is ErrConflict.
	CreateGroup(ctx context.Context, g Group) error
	GetGroupByName(ctx context.Context, name string) (Group, error)
	// ListGroups returns every group, ordered by name.
	ListGroups(ctx context.Context) ([]Group, error)
	// DeleteGroup removes group id with its memberships and its endpoint
	// grants, in one transaction; an unknown group is ErrNotFound.
	DeleteGroup(ctx context.Context, id string) error
	// AddMembership stores m; a user already in the group is ErrConflict,
	// an unknown group or user is ErrNotFound.
	AddMembership(ctx context.Context, m Membership) error
	// RemoveMembership takes userID out of groupID; ErrNotFound when the
	// user was not in it.
	RemoveMembership(ctx context.Context, groupID, userID string) error
	// ListMemberships returns the memberships of userID, or of every user
	// when userID is "", ordered by group ID and user ID.
	ListMemberships(ctx context.Context, userID string) ([]Membership, error)
	// SetSourcedMemberships makes the memberships of userID with source
	// exactly groupIDs, in one transaction: it adds the missing ones with
	// CreatedAt at and removes the other memberships of that source. A
	// membership of another source is left alone, also when its group is
	// in groupIDs. An unknown group or user is ErrNotFound.
	SetSourcedMemberships(ctx context.Context, userID, source string, groupIDs []string, at time.Time) error
}
