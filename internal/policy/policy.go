package policy

import (
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Action is a permission that a route or an MCP request needs.
type Action string

// Actions. Public must be written out by a route that needs no principal.
const (
	Public              Action = "public"
	Authenticated       Action = "authenticated" // any signed-in principal
	ServersRead         Action = "servers.read"
	ServersEdit         Action = "servers.edit"
	EndpointsRead       Action = "endpoints.read"
	EndpointsEdit       Action = "endpoints.edit"
	EndpointConnect     Action = "endpoints.connect"
	AuditRead           Action = "audit.read"
	UsersRead           Action = "users.read"
	UsersEdit           Action = "users.edit"
	TokensOwn           Action = "tokens.own" // manage one's own tokens
	ClientsRead         Action = "clients.read"
	ClientsEdit         Action = "clients.edit" // pre-register and remove OAuth clients
	ServiceAccountsRead Action = "service-accounts.read"
	ServiceAccountsEdit Action = "service-accounts.edit" // create accounts, issue and revoke their tokens
	ConnectionsOwn      Action = "connections.own"       // see, add and remove one's own upstream connections
	SettingsEdit        Action = "settings.edit"         // instance settings, e.g. vault rotation
)

// ErrDenied is returned for every refused decision.
var ErrDenied = errors.New("permission denied")

var roles = map[string]map[Action]bool{
	store.RoleAdmin: {
		Authenticated: true, ServersRead: true, ServersEdit: true, EndpointsRead: true,
		EndpointsEdit: true, EndpointConnect: true, AuditRead: true, UsersRead: true,
		UsersEdit: true, TokensOwn: true, ClientsRead: true, ClientsEdit: true,
		ServiceAccountsRead: true, ServiceAccountsEdit: true, ConnectionsOwn: true, SettingsEdit: true,
	},
	store.RoleEditor: {
		Authenticated: true, ServersRead: true, ServersEdit: true, EndpointsRead: true,
		EndpointsEdit: true, EndpointConnect: true, TokensOwn: true, ConnectionsOwn: true,
	},
	store.RoleAuditor: {Authenticated: true, AuditRead: true, TokensOwn: true, ConnectionsOwn: true},
	// A member connects only to the endpoints granted to them or to one
	// of their groups (see Authorize), not through the role.
	store.RoleMember: {Authenticated: true, TokensOwn: true, ConnectionsOwn: true},
}

// Authorize decides whether p may perform action on resource (an ID or
// name, "" for collections; for EndpointConnect the endpoint ID). Connect
// is allowed by a role that has it or by a grant of the endpoint to p or
// to one of p's groups, as resolved into p.Endpoints. A service account
// has no role: it connects only with a grant and a token bound to the
// endpoint. A token bound to an endpoint can connect to that endpoint only.
func Authorize(p identity.Principal, action Action, resource string) error {
	if action == Public {
		return nil
	}
	known := roles[p.Role] != nil || (p.Type == identity.PrincipalServiceAccount && p.EndpointID != "")
	granted := action == EndpointConnect && known && resource != "" && slices.Contains(p.Endpoints, resource)
	if !roles[p.Role][action] && !granted {
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
