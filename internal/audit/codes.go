package audit

// Event codes. They are stable: never reuse or rename one.
const (
	CodeInitialize            = "mcp.initialize"
	CodeToolsList             = "mcp.tools.list"
	CodeToolCallStart         = "mcp.tool.call.started"
	CodeToolCall              = "mcp.tool.call"
	CodeToolDenied            = "mcp.tool.denied"
	CodeMCPRequest            = "mcp.request" // any other MCP method
	CodeServerCreated         = "admin.server.created"
	CodeServerDeleted         = "admin.server.deleted"
	CodeServerSynced          = "admin.server.synced"
	CodeEndpointCreate        = "admin.endpoint.created"
	CodeEndpointUpdate        = "admin.endpoint.updated"
	CodeEndpointDelete        = "admin.endpoint.deleted"
	CodeEndpointGrant         = "admin.endpoint.granted"
	CodeEndpointRevoke        = "admin.endpoint.grant_revoked"
	CodeServiceAccountCreated = "admin.service_account.created"
	CodeSATokenCreated        = "admin.service_account.token_created"
	CodeSATokenRevoked        = "admin.service_account.token_revoked"
	CodeTokenCreated          = "admin.token.created"
	CodeTokenRevoked          = "admin.token.revoked"
	CodeUserCreated           = "admin.user.created"
	// CodeAuditRetention records what a retention run deleted.
	CodeAuditRetention = "admin.audit.retention"
	// CodeAuditExported records who exported the trail, in which format
	// and with which filters.
	CodeAuditExported = "admin.audit.exported"
)

// Sign-in and authorization-server codes (internal/web, internal/oauth).
// Refusals carry their reason in Error and outcome "denied".
const (
	CodeLoginOK          = "auth.login.ok"
	CodeLoginFailed      = "auth.login.failed"
	CodeLogout           = "auth.logout"
	CodeCSRFFailed       = "auth.csrf.failed"
	CodeRedirectRefused  = "auth.redirect.refused" // an unsafe return URL at login
	CodeClientRegistered = "auth.oauth.client.registered"
	CodeAuthorizeFailed  = "auth.oauth.authorize.failed"
	CodeConsentGiven     = "auth.oauth.consent.given"
	CodeConsentDenied    = "auth.oauth.consent.denied"
	CodeTokenIssued      = "auth.oauth.token.issued"
	CodeTokenRefreshed   = "auth.oauth.token.refreshed"
	CodeTokenFailed      = "auth.oauth.token.failed" // a refused token request
	CodeOAuthRevoked     = "auth.oauth.token.revoked"
	CodeRefreshReused    = "auth.oauth.refresh.reused"
	CodeCodeReplayed     = "auth.oauth.code.replayed"
	CodeTokenRejected    = "auth.oauth.token.rejected" // an access token refused at /mcp
	CodeGrantRevoked     = "auth.oauth.grant.revoked"
	// CodeClientDeleted records an OAuth client removed by an admin or
	// pruned after oauth.client_ttl unused.
	CodeClientDeleted = "auth.oauth.client.deleted"
	CodeUserUpdated   = "admin.user.updated"
)

// Upstream OAuth codes (internal/web): a user or admin connected an
// account at an upstream's authorization server, or the attempt failed.
// Tokens are never recorded.
const (
	CodeUpstreamConnected     = "upstream.oauth.connected"
	CodeUpstreamConnectFailed = "upstream.oauth.connect_failed"
)

// Access-control codes (internal/admin): changes to custom roles, groups
// and their members, and service accounts, each with before and after.
const (
	CodeRoleCreated           = "admin.role.created"
	CodeRoleUpdated           = "admin.role.updated"
	CodeRoleDeleted           = "admin.role.deleted"
	CodeGroupCreated          = "admin.group.created"
	CodeGroupDeleted          = "admin.group.deleted"
	CodeGroupMemberAdded      = "admin.group.member_added"
	CodeGroupMemberRemoved    = "admin.group.member_removed"
	CodeServiceAccountDeleted = "admin.service_account.deleted"
)

// Credential codes (internal/admin, internal/web): personal credentials
// saved or removed by their owner, revoked by an admin, and shared
// secrets replaced. Secret values are never recorded.
const (
	CodeCredentialSaved    = "credential.saved"
	CodeCredentialRemoved  = "credential.removed"
	CodeCredentialRevoked  = "admin.credential.revoked"
	CodeCredentialReplaced = "admin.credential.replaced"
)

// Vault codes (internal/admin): a data-key rotation with its counts
// (records re-sealed by kind, keys retired). Key material is never
// recorded.
const (
	CodeVaultRotate = "vault.rotate"
)

// Tool policy codes (internal/admin): changes to an endpoint's tool
// rules, each with before and after. A call a rule denies is
// CodeToolDenied with the rule's ID in Error.
const (
	CodeToolRuleCreated = "admin.tool_rule.created"
	CodeToolRuleUpdated = "admin.tool_rule.updated"
	CodeToolRuleDeleted = "admin.tool_rule.deleted"
)

// Outcomes of an MCP request.
const (
	OutcomeOK                = "ok"
	OutcomeToolError         = "tool_error"
	OutcomeDenied            = "denied"
	OutcomeUpstreamError     = "upstream_error"
	OutcomeCredentialMissing = "credential_missing"
	OutcomeError             = "error"
)

// Actor types.
const (
	ActorUser           = "user"
	ActorServiceAccount = "service_account"
	ActorAnonymous      = "anonymous"
	ActorSystem         = "system"
)

// Codes lists every event code once; a test keeps it free of duplicates.
var Codes = []string{
	CodeInitialize, CodeToolsList, CodeToolCallStart, CodeToolCall, CodeToolDenied,
	CodeMCPRequest, CodeServerCreated, CodeServerDeleted, CodeServerSynced,
	CodeEndpointCreate, CodeEndpointUpdate, CodeEndpointDelete, CodeEndpointGrant, CodeEndpointRevoke,
	CodeServiceAccountCreated, CodeSATokenCreated, CodeSATokenRevoked,
	CodeTokenCreated, CodeTokenRevoked, CodeUserCreated,
	CodeAuditRetention, CodeAuditExported,
	CodeLoginOK, CodeLoginFailed, CodeLogout, CodeCSRFFailed, CodeRedirectRefused,
	CodeClientRegistered, CodeAuthorizeFailed, CodeConsentGiven, CodeConsentDenied,
	CodeTokenIssued, CodeTokenRefreshed, CodeTokenFailed, CodeOAuthRevoked, CodeRefreshReused,
	CodeCodeReplayed, CodeTokenRejected, CodeGrantRevoked, CodeUserUpdated, CodeClientDeleted,
	CodeRoleCreated, CodeRoleUpdated, CodeRoleDeleted, CodeGroupCreated, CodeGroupDeleted,
	CodeGroupMemberAdded, CodeGroupMemberRemoved, CodeServiceAccountDeleted,
	CodeToolRuleCreated, CodeToolRuleUpdated, CodeToolRuleDeleted,
}
