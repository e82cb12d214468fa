package api

import "time"

// Role is a role with its permissions. Built-in roles (admin, editor,
// auditor, member) are listed too, with Builtin set; they cannot change.
type Role struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Builtin     bool         `json:"builtin,omitempty"`
	Permissions []Permission `json:"permissions"`
	Users       int          `json:"users"` // how many users have the role
	CreatedAt   *time.Time   `json:"created_at,omitempty"`
	UpdatedAt   *time.Time   `json:"updated_at,omitempty"`
}

// Permission allows actions (read, create, edit, delete, connect, export)
// on a kind of resource (servers, endpoints, audit, users, groups, roles,
// service-accounts, settings, clients), limited to the resources whose
// name meets every condition.
type Permission struct {
	Resource   string      `json:"resource"`
	Actions    []string    `json:"actions"`
	Conditions []Condition `json:"conditions,omitempty"`
}

// Condition tests a resource's name: op eq, ne or glob (path.Match
// patterns such as team-a-*) with one value, or in with several.
type Condition struct {
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// CreateRoleRequest is the body of POST /api/v1/roles.
type CreateRoleRequest struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Permissions []Permission `json:"permissions"`
}

// UpdateRoleRequest is the body of PATCH /api/v1/roles/{name}: the fields
// to replace. Permissions, when given, replace the whole set.
type UpdateRoleRequest struct {
	Description *string       `json:"description,omitempty"`
	Permissions *[]Permission `json:"permissions,omitempty"`
}
