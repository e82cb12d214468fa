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
		{"POST /api/v1/users", policy.UsersCreate, a.createUser},
		{"PATCH /api/v1/users/{user}", policy.UsersEdit, a.updateUser},
		{"PUT /api/v1/users/{user}/password", policy.UsersEdit, a.setPassword},
		{"GET /api/v1/groups", policy.GroupsRead, a.listGroups},
		{"POST /api/v1/groups", policy.GroupsCreate, a.createGroup},
		{"DELETE /api/v1/groups/{name}", policy.GroupsDelete, a.deleteGroup},
		{"POST /api/v1/groups/{name}/members", policy.GroupsEdit, a.addGroupMember},
		{"DELETE /api/v1/groups/{name}/members/{email}", policy.GroupsEdit, a.removeGroupMember},
		{"GET /api/v1/roles", policy.RolesRead, a.listRoles},
		{"POST /api/v1/roles", policy.RolesCreate, a.createRole},
		{"GET /api/v1/roles/{name}", policy.RolesRead, a.getRole},
		{"PATCH /api/v1/roles/{name}", policy.RolesEdit, a.updateRole},
		{"DELETE /api/v1/roles/{name}", policy.RolesDelete, a.deleteRole},
		{"GET /api/v1/grants", policy.TokensOwn, a.listGrants},
		{"DELETE /api/v1/grants/{id}", policy.TokensOwn, a.revokeGrant},
		{"GET /api/v1/clients", policy.ClientsRead, a.listClients},
		{"POST /api/v1/clients", policy.ClientsEdit, a.createClient},
		{"DELETE /api/v1/clients/{id}", policy.ClientsEdit, a.deleteClient},

		{"GET /api/v1/servers", policy.ServersRead, a.listServers},
		{"POST /api/v1/servers", policy.ServersCreate, a.createServer},
		{"GET /api/v1/servers/{name}", policy.ServersRead, a.getServer},
		{"DELETE /api/v1/servers/{name}", policy.ServersDelete, a.deleteServer},
		{"POST /api/v1/servers/{name}/sync", policy.ServersEdit, a.syncServer},
		{"GET /api/v1/servers/{name}/credentials", policy.ServersRead, a.listCredentials},
		{"DELETE /api/v1/servers/{name}/credentials/{email}", policy.ServersEdit, a.revokeCredential},
		{"PUT /api/v1/servers/{name}/credential", policy.ServersEdit, a.setSharedSecret},
		{"GET /api/v1/me/connections", policy.ConnectionsOwn, a.listConnections},
		{"PUT /api/v1/me/connections/{server}", policy.ConnectionsOwn, a.putConnection},
		{"DELETE /api/v1/me/connections/{server}", policy.ConnectionsOwn, a.deleteConnection},

		{"GET /api/v1/endpoints", policy.EndpointsRead, a.listEndpoints},
		{"POST /api/v1/endpoints", policy.EndpointsCreate, a.createEndpoint},
		{"GET /api/v1/endpoints/{name}", policy.EndpointsRead, a.getEndpoint},
		{"DELETE /api/v1/endpoints/{name}", policy.EndpointsDelete, a.deleteEndpoint},
		{"PATCH /api/v1/endpoints/{name}", policy.EndpointsEdit, a.updateEndpoint},
		{"PATCH /api/v1/endpoints/{name}/tools", policy.EndpointsEdit, a.updateTools},
		{"POST /api/v1/endpoints/{name}/grants", policy.EndpointsEdit, a.grantEndpoint},
		{"DELETE /api/v1/endpoints/{name}/grants/{id}", policy.EndpointsEdit, a.revokeEndpointGrant},
		{"GET /api/v1/endpoints/{name}/rules", policy.EndpointsRead, a.listToolRules},
		{"POST /api/v1/endpoints/{name}/rules", policy.EndpointsEdit, a.createToolRule},
		{"POST /api/v1/endpoints/{name}/rules/dry-run", policy.EndpointsEdit, a.dryRunToolRule},
		{"PATCH /api/v1/endpoints/{name}/rules/{id}", policy.EndpointsEdit, a.updateToolRule},
		{"DELETE /api/v1/endpoints/{name}/rules/{id}", policy.EndpointsEdit, a.deleteToolRule},
		{"POST /api/v1/policy/explain", policy.EndpointsRead, a.explainPolicy},

		{"GET /api/v1/service-accounts", policy.ServiceAccountsRead, a.listServiceAccounts},
		{"POST /api/v1/service-accounts", policy.ServiceAccountsCreate, a.createServiceAccount},
		{"DELETE /api/v1/service-accounts/{name}", policy.ServiceAccountsDelete, a.deleteServiceAccount},
		{"POST /api/v1/service-accounts/{name}/tokens", policy.ServiceAccountsEdit, a.createServiceAccountToken},
		{"DELETE /api/v1/service-accounts/{name}/tokens/{id}", policy.ServiceAccountsEdit, a.revokeServiceAccountToken},

		{"GET /api/v1/tokens", policy.TokensOwn, a.listTokens},
		{"POST /api/v1/tokens", policy.TokensOwn, a.createToken},
		{"DELETE /api/v1/tokens/{id}", policy.TokensOwn, a.revokeToken},

		{"GET /api/v1/audit", policy.AuditRead, a.listAudit},
		{"GET /api/v1/audit/export", policy.AuditExport, a.exportAudit},
		{"GET /api/v1/audit/verify", policy.AuditRead, a.verifyAudit},
		{"GET /api/v1/audit/checkpoints", policy.AuditRead, a.listCheckpoints},
		{"GET /api/v1/audit/public-key", policy.AuditRead, a.auditPublicKey},
		{"GET /api/v1/audit/{seq}", policy.AuditRead, a.getAudit},

		{"GET /api/v1/vault", policy.SettingsEdit, a.vaultStatus},
		{"POST /api/v1/vault/rotate", policy.SettingsEdit, a.rotateVault},
	}
}
