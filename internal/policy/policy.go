package policy

import (
	"errors"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Action is a permission that a route or an MCP request needs.
type Action string

// Actions. Public must be written out by a route that needs no principal.
const (
	Public          Action = "public"
	Authenticated   Action = "authenticated" // any signed-in principal
	ServersRead     Action = "servers.read"
	ServersEdit     Action = "servers.edit"
	EndpointsRead   Action = "endpoints.read"
	EndpointsEdit   Action = "endpoints.edit"
	EndpointConnect Action = "endpoints.connect"
	AuditRead       Action = "audit.read"
	UsersRead       Action = "users.read"
	UsersEdit       Action = "users.edit"
	TokensOwn       Action = "tokens.own" // manage one's own tokens
	ClientsRead     Action = "clients.read"
	ClientsEdit     Action = "clients.edit" // pre-register and remove OAuth clients
)

// ErrDenied is returned for every refused decision.
var ErrDenied = errors.New("permission denied")

var roles = map[string]map[Action]bool{
	store.RoleAdmin: {
		Authenticated: true, ServersRead: true, ServersEdit: true, EndpointsRead: true,
		EndpointsEdit: true, EndpointConnect: true, AuditRead: true, UsersRead: true,
		UsersEdit: true, TokensOwn: true, ClientsRead: true, ClientsEdit: true,
	},
	store.RoleEditor: {
		Authenticated: true, ServersRead: true, ServersEdit: true, EndpointsRead: true,
		EndpointsEdit: true, EndpointConnect: true, TokensOwn: true,
	},
	store.RoleAuditor: {Authenticated: true, AuditRead: true, TokensOwn: true},
	store.RoleMember:  {Authenticated: true, EndpointConnect: true, TokensOwn: true},
}

// Authorize decides whether p may perform action on resource (an ID or
// name, "" for collections). A token bound to an endpoint can connect to
// that endpoint only.
func Authorize(p identity.Principal, action Action, resource string) error {
	if action == Public {
		return nil
	}
	if !roles[p.Role][action] {
		return fmt.Errorf("%w: %s", ErrDenied, action)
	}
	if action == EndpointConnect && p.EndpointID != "" && p.EndpointID != resource {
		return fmt.Errorf("%w: token is bound to another endpoint", ErrDenied)
	}
	return nil
}

// ValidRole reports whether r is a built-in role.
func ValidRole(r string) bool {
	_, ok := roles[r]
	return ok
}
