package policy

import (
	"slices"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Verbs of a permission. verbOwn is implicit: every signed-in user may act
// on their own tokens and connections.
const (
	VerbRead    = "read"
	VerbCreate  = "create"
	VerbEdit    = "edit"
	VerbDelete  = "delete"
	VerbConnect = "connect"
	VerbExport  = "export"
	verbOwn     = "own"
)

// Resources maps each kind of resource a permission may name to the verbs
// that apply to it, in a fixed order.
var Resources = map[string][]string{
	"servers":          {VerbRead, VerbCreate, VerbEdit, VerbDelete},
	"endpoints":        {VerbRead, VerbCreate, VerbEdit, VerbDelete, VerbConnect},
	"audit":            {VerbRead, VerbExport},
	"users":            {VerbRead, VerbCreate, VerbEdit, VerbDelete},
	"groups":           {VerbRead, VerbCreate, VerbEdit, VerbDelete},
	"roles":            {VerbRead, VerbCreate, VerbEdit, VerbDelete},
	"service-accounts": {VerbRead, VerbCreate, VerbEdit, VerbDelete},
	"settings":         {VerbRead, VerbEdit},
	"clients":          {VerbRead, VerbEdit},
}

// ResourceNames lists the keys of Resources in the order help shows them.
var ResourceNames = []string{"servers", "endpoints", "audit", "users", "groups", "roles",
	"service-accounts", "settings", "clients"}

// permission is a validated store.Permission.
type permission = store.Permission

// builtin holds the permission sets of the built-in roles. A member holds
// no permission: they connect to the endpoints granted to them or to
// their groups, and manage their own tokens and connections.
var builtin = map[string][]permission{
	store.RoleAdmin:   everything(),
	store.RoleEditor:  {all("servers"), all("endpoints")},
	store.RoleAuditor: {all("audit")},
	store.RoleMember:  {},
}

func all(resource string) permission {
	return permission{Resource: resource, Actions: Resources[resource]}
}

func everything() []permission {
	out := make([]permission, 0, len(ResourceNames))
	for _, r := range ResourceNames {
		out = append(out, all(r))
	}
	return out
}

// BuiltinPermissions returns the permission set of built-in role name, and
// whether it is one.
func BuiltinPermissions(name string) ([]store.Permission, bool) {
	ps, ok := builtin[name]
	return slices.Clone(ps), ok
}

// permissionsOf returns the permissions of p's role, and whether p is a
// signed-in user whose role is known: a built-in one, or the custom role
// that identity resolved into p.Permissions. Anything else has none.
func permissionsOf(p identity.Principal) ([]permission, bool) {
	if p.Type == identity.PrincipalServiceAccount {
		return nil, false
	}
	if ps, ok := builtin[p.Role]; ok {
		return ps, true
	}
	if p.Role != "" && p.CustomRole == p.Role {
		return p.Permissions, true
	}
	return nil, false
}
