package audit

// Event codes. They are stable: never reuse or rename one.
const (
	CodeInitialize     = "mcp.initialize"
	CodeToolsList      = "mcp.tools.list"
	CodeToolCallStart  = "mcp.tool.call.started"
	CodeToolCall       = "mcp.tool.call"
	CodeToolDenied     = "mcp.tool.denied"
	CodeMCPRequest     = "mcp.request" // any other MCP method
	CodeServerCreated  = "admin.server.created"
	CodeServerDeleted  = "admin.server.deleted"
	CodeServerSynced   = "admin.server.synced"
	CodeEndpointCreate = "admin.endpoint.created"
	CodeEndpointUpdate = "admin.endpoint.updated"
	CodeEndpointDelete = "admin.endpoint.deleted"
	CodeTokenCreated   = "admin.token.created"
	CodeTokenRevoked   = "admin.token.revoked"
	CodeUserCreated    = "admin.user.created"
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
	CodeEndpointCreate, CodeEndpointUpdate, CodeEndpointDelete,
	CodeTokenCreated, CodeTokenRevoked, CodeUserCreated,
}
