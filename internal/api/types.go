package api

import (
	"encoding/json"
	"time"
)

// Error is the body of every non-2xx answer: {"error":{"code","message"}}.
type Error struct {
	Err ErrorBody `json:"error"`
}

// ErrorBody carries a stable machine code, a human message and, for
// validation failures, the offending field.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Error codes.
const (
	CodeBadRequest   = "bad_request"
	CodeInvalidField = "invalid_field"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeUpstream     = "upstream_error"
	CodeInternal     = "internal"
	CodeRateLimited  = "rate_limited"
)

func (e *Error) Error() string {
	if e.Err.Field != "" {
		return e.Err.Field + ": " + e.Err.Message
	}
	return e.Err.Message
}

// Server is an upstream MCP server as the API shows it. Secrets are never
// included: SecretConfigured says whether a shared one is stored.
type Server struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Description      string     `json:"description,omitempty"`
	URL              string     `json:"url"`
	Transport        string     `json:"transport"`
	Auth             string     `json:"auth"`
	AuthHeader       string     `json:"auth_header,omitempty"`
	CredentialMode   string     `json:"credential_mode"`
	SecretConfigured bool       `json:"secret_configured"`
	SyncedAt         *time.Time `json:"synced_at,omitempty"`
	SyncError        string     `json:"sync_error,omitempty"`
	ToolCount        int        `json:"tool_count"`
	Tools            []Tool     `json:"tools,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// CreateServerRequest adds an upstream server. Secret is write-only.
type CreateServerRequest struct {
	Name           string `json:"name"`
	Description    string `json:"description,omitempty"`
	URL            string `json:"url"`
	Transport      string `json:"transport,omitempty"`       // default streamable-http
	Auth           string `json:"auth,omitempty"`            // default none
	AuthHeader     string `json:"auth_header,omitempty"`     // required for auth=header
	CredentialMode string `json:"credential_mode,omitempty"` // default shared
	Secret         string `json:"secret,omitempty"`
	SkipSync       bool   `json:"skip_sync,omitempty"`
	// For auth=oauth: a client registered by hand at the upstream's
	// authorization server (when it has no dynamic registration; the
	// secret is write-only) and the scopes to ask for, space-separated.
	OAuthClientID     string `json:"oauth_client_id,omitempty"`
	OAuthClientSecret string `json:"oauth_client_secret,omitempty"`
	OAuthScopes       string `json:"oauth_scopes,omitempty"`
}

// CreateServerResponse is the new server and the outcome of its first sync.
type CreateServerResponse struct {
	Server Server      `json:"server"`
	Sync   *SyncResult `json:"sync,omitempty"`
	// ConnectURL, for auth=oauth, is where to connect the account in a
	// browser: the shared one (shared mode) or one's own (personal).
	ConnectURL string `json:"connect_url,omitempty"`
}

// Tool is a catalog entry of a server.
type Tool struct {
	Name         string          `json:"name"`
	Title        string          `json:"title,omitempty"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"input_schema,omitempty"`
	OutputSchema json.RawMessage `json:"output_schema,omitempty"`
	Annotations  json.RawMessage `json:"annotations,omitempty"`
	Hash         string          `json:"hash"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// SyncResult reports what a catalog sync changed.
type SyncResult struct {
	Added     []string `json:"added"`
	Changed   []string `json:"changed"`
	Removed   []string `json:"removed"`
	Unchanged int      `json:"unchanged"`
	Error     string   `json:"error,omitempty"`
}

// Endpoint is a named set of servers served at /mcp/{name}.
type Endpoint struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url"`
	Servers     []string       `json:"servers"`
	Unprefixed  bool           `json:"unprefixed,omitempty"`
	Redaction   Redaction      `json:"redaction"`
	Tools       []EndpointTool `json:"tools"`
	// Grants are listed by GET /api/v1/endpoints/{name} only; none is absent.
	Grants    []EndpointGrant `json:"grants,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// Tool states on an endpoint.
const (
	ToolEnabled  = "enabled"
	ToolDisabled = "disabled"
	ToolDrifted  = "drifted" // enabled, but the definition changed since approval
)

// EndpointTool is one catalog tool as seen by an endpoint.
type EndpointTool struct {
	Server      string `json:"server"`
	Tool        string `json:"tool"`
	ExposedName string `json:"exposed_name"`
	State       string `json:"state"`
	Description string `json:"description,omitempty"`
}

// CreateEndpointRequest creates an endpoint over named servers.
type CreateEndpointRequest struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Servers     []string   `json:"servers"`
	Unprefixed  bool       `json:"unprefixed,omitempty"`
	Redaction   *Redaction `json:"redaction,omitempty"`
}

// Redaction levels: "off", "secrets" (secret detectors) or "all" (secrets,
// PII and the admin's rules).
const (
	RedactOff     = "off"
	RedactSecrets = "secrets"
	RedactAll     = "all"
)

// Redaction is an endpoint's three independent switches: tool-call
// arguments before they go upstream, results before they reach the
// client, and what the audit trail stores. Defaults: off, off, secrets.
type Redaction struct {
	Requests  string `json:"requests"`
	Responses string `json:"responses"`
	Audit     string `json:"audit"`
}

// UpdateEndpointRequest changes an endpoint's settings; absent fields stay.
type UpdateEndpointRequest struct {
	Description *string    `json:"description,omitempty"`
	Redaction   *Redaction `json:"redaction,omitempty"`
}

// UpdateToolsRequest enables and disables tools, named "server/tool",
// in one transaction.
type UpdateToolsRequest struct {
	Enable  []string `json:"enable,omitempty"`
	Disable []string `json:"disable,omitempty"`
}

// Token is an API token's metadata. The secret appears only in
// CreateTokenResponse, once.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	UserID    string     `json:"user_id"`
	Prefix    string     `json:"prefix"`
	Endpoint  string     `json:"endpoint,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// CreateTokenRequest creates an API token for the caller.
type CreateTokenRequest struct {
	Name      string `json:"name"`
	ExpiresIn string `json:"expires_in,omitempty"` // Go duration, e.g. 720h; "" = never
	Endpoint  string `json:"endpoint,omitempty"`
}

// CreateTokenResponse carries the token text, shown once.
type CreateTokenResponse struct {
	Token Token  `json:"token"`
	Value string `json:"value"`
}

// User is a human principal.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditEvent is one audit record.
type AuditEvent struct {
	Seq           int64           `json:"seq"`
	ID            string          `json:"id"`
	Time          time.Time       `json:"time"`
	Code          string          `json:"code"`
	RequestID     string          `json:"request_id,omitempty"`
	ActorType     string          `json:"actor_type,omitempty"`
	ActorID       string          `json:"actor_id,omitempty"`
	ActorEmail    string          `json:"actor_email,omitempty"`
	TokenID       string          `json:"token_id,omitempty"`
	ClientName    string          `json:"client_name,omitempty"`
	ClientVersion string          `json:"client_version,omitempty"`
	ClientIP      string          `json:"client_ip,omitempty"`
	UserAgent     string          `json:"user_agent,omitempty"`
	TraceID       string          `json:"trace_id,omitempty"`
	SessionID     string          `json:"session_id,omitempty"`
	Endpoint      string          `json:"endpoint,omitempty"`
	Server        string          `json:"server,omitempty"`
	Tool          string          `json:"tool,omitempty"`
	Method        string          `json:"method,omitempty"`
	Outcome       string          `json:"outcome,omitempty"`
	Error         string          `json:"error,omitempty"`
	Request       json.RawMessage `json:"request,omitempty"`
	Response      json.RawMessage `json:"response,omitempty"`
	Redactions    json.RawMessage `json:"redactions,omitempty"`
	DurationUS    int64           `json:"duration_us,omitempty"`
	Hash          string          `json:"hash"`
}

// AuditList is a page of audit events, newest first. NextCursor is empty
// on the last page.
type AuditList struct {
	Events     []AuditEvent `json:"events"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// List wraps a collection.
type List[T any] struct {
	Items []T `json:"items"`
}

// GrantEndpointRequest is the body of POST /api/v1/endpoints/{name}/grants:
// exactly one of User (an email), Group and ServiceAccount (names).
type GrantEndpointRequest struct {
	User           string `json:"user,omitempty"`
	Group          string `json:"group,omitempty"`
	ServiceAccount string `json:"service_account,omitempty"`
}

// EndpointGrant lets a user or the members of a group connect to an
// endpoint.
type EndpointGrant struct {
	ID            string    `json:"id"`
	Endpoint      string    `json:"endpoint"`
	PrincipalType string    `json:"principal_type"` // user, group or service_account
	PrincipalID   string    `json:"principal_id"`
	Principal     string    `json:"principal"` // the user's email, or the group's or service account's name
	CreatedAt     time.Time `json:"created_at"`
}

// ServiceAccount is a non-human principal for a headless agent or CI,
// with its API tokens (never their secrets).
type ServiceAccount struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	Tokens      []Token   `json:"tokens"`
}

// CreateServiceAccountRequest is the body of POST /api/v1/service-accounts.
type CreateServiceAccountRequest struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// CreateServiceAccountTokenRequest is the body of POST
// /api/v1/service-accounts/{name}/tokens. Endpoint is required: a service
// account token works on that endpoint only.
type CreateServiceAccountTokenRequest struct {
	Name      string `json:"name,omitempty"` // defaults to the endpoint's name
	Endpoint  string `json:"endpoint"`
	ExpiresIn string `json:"expires_in"` // Go duration, e.g. 720h
}
