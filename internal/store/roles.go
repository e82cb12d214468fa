package store

import (
	"context"
	"slices"
	"time"
)

// BuiltinRoles are the roles every instance has; their permissions are
// fixed in internal/policy. Any other user role names a custom Role.
var BuiltinRoles = []string{RoleAdmin, RoleEditor, RoleAuditor, RoleMember}

// IsBuiltinRole reports whether name is one of BuiltinRoles.
func IsBuiltinRole(name string) bool { return slices.Contains(BuiltinRoles, name) }

// Role is a custom role: a named set of permissions. Names are unique and
// never those of a built-in role.
type Role struct {
	ID          string // "rol_…"
	Name        string
	Description string
	Permissions []Permission
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Permission allows Actions on Resource, for the resources whose name
// meets every one of Conditions (none = every resource of the kind). The
// store keeps it as JSON; internal/policy validates it before it is saved.
type Permission struct {
	Resource   string      `json:"resource"`
	Actions    []string    `json:"actions"`
	Conditions []Condition `json:"conditions,omitempty"`
}

// Condition tests a resource's name: Op is eq, ne or glob with one value,
// or in with several.
type Condition struct {
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// Roles stores custom roles.
type Roles interface {
	// CreateRole stores r; a taken ID or name is ErrConflict.
	CreateRole(ctx context.Context, r Role) error
	GetRoleByName(ctx context.Context, name string) (Role, error)
	// ListRoles returns every custom role, ordered by name.
	ListRoles(ctx context.Context) ([]Role, error)
	// UpdateRole replaces the description and permissions of role id with
	// those fn returns; the name and creation time stay.
	UpdateRole(ctx context.Context, id string, fn func(Role) (Role, error)) (Role, error)
	// DeleteRole removes role id. It returns ErrConflict, and deletes
	// nothing, while a user still has the role.
	DeleteRole(ctx context.Context, id string) error
}
