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
}
