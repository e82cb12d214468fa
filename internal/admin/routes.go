package admin

import (
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
)

// handler serves one route for an authenticated, authorized principal.
type handler func(w http.ResponseWriter, r *http.Request, p identity.Principal) error

type route struct {
	pattern string
	perm    policy.Action
	h       handler
}

// routes is the whole API surface. openapi_test.go keeps openapi.json in
// step with it.
func (a *API) routes() []route {
	return []route{
		{"GET /api/v1/openapi.json", policy.Public, a.openAPI},
		{"POST /api/v1/login", policy.Public, a.login},
		{"POST /api/v1/cli/token", policy.Public, a.cliToken},
		{"GET /api/v1/me", policy.Authenticated, a.me},
		{"GET /api/v1/users", policy.UsersRead, a.listUsers},
		{"POST /api/v1/users", policy.UsersEdit, a.createUser},
		{"PATCH /api/v1/users/{user}", policy.UsersEdit, a.updateUser},
		{"PUT /api/v1/users/{user}/password", policy.UsersEdit, a.setPassword},
		{"GET /api/v1/groups", policy.UsersRead, a.listGroups},
		{"GET /api/v1/grants", policy.TokensOwn, a.listGrants},
		{"DELETE /api/v1/grants/{id}", policy.TokensOwn, a.revokeGrant},
		{"GET /api/v1/clients", policy.ClientsRead, a.listClients},
		{"POST /api/v1/clients", policy.ClientsEdit, a.createClient},
		{"DELETE /api/v1/clients/{id}", policy.ClientsEdit, a.deleteClient},

		{"GET /api/v1/servers", policy.ServersRead, a.listServers},
		{"POST /api/v1/servers", policy.ServersEdit, a.createServer},
		{"GET /api/v1/servers/{name}", policy.ServersRead, a.getServer},
		{"DELETE /api/v1/servers/{name}", policy.ServersEdit, a.deleteServer},
		{"POST /api/v1/servers/{name}/sync", policy.ServersEdit, a.syncServer},

		{"GET /api/v1/endpoints", policy.EndpointsRead, a.listEndpoints},
		{"POST /api/v1/endpoints", policy.EndpointsEdit, a.createEndpoint},
		{"GET /api/v1/endpoints/{name}", policy.EndpointsRead, a.getEndpoint},
		{"DELETE /api/v1/endpoints/{name}", policy.EndpointsEdit, a.deleteEndpoint},
		{"PATCH /api/v1/endpoints/{name}", policy.EndpointsEdit, a.updateEndpoint},
		{"PATCH /api/v1/endpoints/{name}/tools", policy.EndpointsEdit, a.updateTools},
		{"POST /api/v1/endpoints/{name}/grants", policy.EndpointsEdit, a.grantEndpoint},
		{"DELETE /api/v1/endpoints/{name}/grants/{id}", policy.EndpointsEdit, a.revokeEndpointGrant},

		{"GET /api/v1/service-accounts", policy.ServiceAccountsRead, a.listServiceAccounts},
		{"POST /api/v1/service-accounts", policy.ServiceAccountsEdit, a.createServiceAccount},
		{"POST /api/v1/service-accounts/{name}/tokens", policy.ServiceAccountsEdit, a.createServiceAccountToken},
		{"DELETE /api/v1/service-accounts/{name}/tokens/{id}", policy.ServiceAccountsEdit, a.revokeServiceAccountToken},

		{"GET /api/v1/tokens", policy.TokensOwn, a.listTokens},
		{"POST /api/v1/tokens", policy.TokensOwn, a.createToken},
		{"DELETE /api/v1/tokens/{id}", policy.TokensOwn, a.revokeToken},

		{"GET /api/v1/audit", policy.AuditRead, a.listAudit},
		{"GET /api/v1/audit/export", policy.AuditRead, a.exportAudit},
		{"GET /api/v1/audit/verify", policy.AuditRead, a.verifyAudit},
		{"GET /api/v1/audit/checkpoints", policy.AuditRead, a.listCheckpoints},
		{"GET /api/v1/audit/public-key", policy.AuditRead, a.auditPublicKey},
		{"GET /api/v1/audit/{seq}", policy.AuditRead, a.getAudit},
	}
}
