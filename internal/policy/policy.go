package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/identity"
)

// Action is a permission that a route or an MCP request needs: a resource
// and a verb joined by a dot, e.g. "endpoints.edit". Verb "own" marks an
// action on the caller's own things, open to every signed-in user.
type Action string

// Actions. Public must be written out by a route that needs no principal.
const (
	Public                Action = "public"
	Authenticated         Action = "authenticated" // any signed-in principal
	ServersRead           Action = "servers.read"
	ServersCreate         Action = "servers.create"
	ServersEdit           Action = "servers.edit"
	ServersDelete         Action = "servers.delete"
	EndpointsRead         Action = "endpoints.read"
	EndpointsCreate       Action = "endpoints.create"
	EndpointsEdit         Action = "endpoints.edit"
	EndpointsDelete       Action = "endpoints.delete"
	EndpointConnect       Action = "endpoints.connect"
	AuditRead             Action = "audit.read"
	AuditExport           Action = "audit.export"
	UsersRead             Action = "users.read"
	UsersCreate           Action = "users.create"
	UsersEdit             Action = "users.edit"
	GroupsRead            Action = "groups.read"
	GroupsCreate          Action = "groups.create"
	GroupsEdit            Action = "groups.edit" // add and remove members
	GroupsDelete          Action = "groups.delete"
	RolesRead             Action = "roles.read"
	RolesCreate           Action = "roles.create"
	RolesEdit             Action = "roles.edit"
	RolesDelete           Action = "roles.delete"
	TokensOwn             Action = "tokens.own" // manage one's own tokens
	ClientsRead           Action = "clients.read"
	ClientsEdit           Action = "clients.edit" // pre-register and remove OAuth clients
	ServiceAccountsRead   Action = "service-accounts.read"
	ServiceAccountsCreate Action = "service-accounts.create"
	// ServiceAccountsEdit issues and revokes an account's tokens.
	ServiceAccountsEdit   Action = "service-accounts.edit"
	ServiceAccountsDelete Action = "service-accounts.delete"
	ConnectionsOwn        Action = "connections.own" // see, add and remove one's own upstream connections
	SettingsEdit          Action = "settings.edit"   // instance settings, e.g. vault rotation
)

// ErrDenied is returned for every refused decision.
var ErrDenied = errors.New("permission denied")

// Authorize decides whether p may perform action on resource, a name or
// ID ("" for the whole collection). For EndpointConnect resource is the
// endpoint ID, matched against grants and role conditions alike; use
// AuthorizeNamed to match role conditions against the endpoint's name.
func Authorize(p identity.Principal, action Action, resource string) error {
	return AuthorizeNamed(p, action, resource, resource)
}

// AuthorizeNamed decides whether p may perform action on the resource
// with id and name. A role permission allows it when its resource and
// verb match and its conditions hold for name; a conditional permission
// never matches the collection (name ""). Connect is also allowed by a
// grant of endpoint id to p or to one of p's groups, as resolved into
// p.Endpoints. A service account has no role: it connects only with a
// grant and a token bound to the endpoint. A token bound to an endpoint
// can connect to that endpoint only.
func AuthorizeNamed(p identity.Principal, action Action, id, name string) error {
	if action == Public {
		return nil
	}
	perms, known := permissionsOf(p)
	allowed := known && roleAllows(perms, action, name)
	granted := action == EndpointConnect && id != "" && slices.Contains(p.Endpoints, id) &&
		(known || (p.Type == identity.PrincipalServiceAccount && p.EndpointID != ""))
	if !allowed && !granted {
		return fmt.Errorf("%w: %s", ErrDenied, action)
	}
	if action == EndpointConnect && p.EndpointID != "" && p.EndpointID != id {
		return fmt.Errorf("%w: token is bound to another endpoint", ErrDenied)
	}
	return nil
}

// AuthorizeSome decides whether p may perform action on at least some
// resources of its kind: a permission allows it whatever its conditions.
// It is for list routes, which then show each item only when Authorize
// allows action on the item's name.
func AuthorizeSome(p identity.Principal, action Action) error {
	perms, known := permissionsOf(p)
	if known && roleAllows(perms, action, "") {
		return nil
	}
	resource, verb, _ := strings.Cut(string(action), ".")
	for i := range perms {
		if known && perms[i].Resource == resource && slices.Contains(perms[i].Actions, verb) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrDenied, action)
}

// roleAllows reports whether a signed-in user with perms may perform
// action on name: every own-scoped action, or one a permission allows.
func roleAllows(perms []permission, action Action, name string) bool {
	if action == Authenticated {
		return true
	}
	resource, verb, ok := strings.Cut(string(action), ".")
	if !ok {
		return false
	}
	if verb == verbOwn {
		return true
	}
	for i := range perms {
		if allows(&perms[i], resource, verb, name) {
			return true
		}
	}
	return false
}

// ValidRole reports whether r is a built-in role.
func ValidRole(r string) bool {
	_, ok := builtin[r]
	return ok
}
