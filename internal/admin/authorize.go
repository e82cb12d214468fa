package admin

import (
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
)

// filteredLists are the list routes whose handlers show each item only
// when the principal may read it by name, so that a role allowed to read
// some of them by a condition may call them.
var filteredLists = map[string]bool{
	"GET /api/v1/roles":            true,
	"GET /api/v1/groups":           true,
	"GET /api/v1/service-accounts": true,
	"GET /api/v1/endpoints":        true,
	"GET /api/v1/servers":          true,
}

// bodyNamed are the routes that name their resource in the request body;
// the handler authorizes on that name, so the route needs the action on
// some of the collection only.
var bodyNamed = map[string]bool{
	"POST /api/v1/policy/explain": true, // endpoints.read on the endpoint asked about
}

// authorizeRoute is the authorization step of every non-public route:
// the route's action on the one resource it names (role conditions match
// that name), or on the whole collection. A filtered list needs the
// action on some of the collection only.
func authorizeRoute(p identity.Principal, rt route, r *http.Request) error {
	err := policy.Authorize(p, rt.perm, routeResource(r))
	if err != nil && (filteredLists[rt.pattern] || bodyNamed[rt.pattern]) {
		return policy.AuthorizeSome(p, rt.perm)
	}
	return err
}

// routeResource is the name of the one resource a route acts on, which
// role conditions match: the {name} or {user} path value, or "" for a
// collection.
func routeResource(r *http.Request) string {
	if name := r.PathValue("name"); name != "" {
		return name
	}
	return r.PathValue("user")
}

// mayRead reports whether p may see the item called name in a filtered
// list of action's resource.
func mayRead(p identity.Principal, action policy.Action, name string) bool {
	return policy.Authorize(p, action, name) == nil
}
