package store

import (
	"encoding/json"
	"time"
)

// Roles of a user. Finer grained roles come with the access-control work;
// until then these strings are the whole vocabulary.
const (
	RoleAdmin   = "admin"
	RoleEditor  = "editor"
	RoleAuditor = "auditor"
	RoleMember  = "member"
)

// User is a human principal.
type User struct {
	ID        string
	Email     string // unique, lower case
	Name      string
	Role      string
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// APIToken is a bearer token for the API and the MCP endpoints. Only the
// SHA-256 of the secret is stored.
type APIToken struct {
	ID         string
	Name       string
	UserID     string
	Hash       []byte // SHA-256 of the token text; unique
	Prefix     string // the first characters of the token, for display
	EndpointID string // "" = any endpoint the owner may use
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero = never
	RevokedAt  time.Time // zero = active
}

// Transports of an upstream server.
const (
	TransportStreamableHTTP = "streamable-http"
	TransportSSE            = "sse"
)

// Auth methods of an upstream server.
const (
	AuthNone   = "none"
	AuthBearer = "bearer"
	AuthHeader = "header" // one header named Server.AuthHeader, or several as "Name: value" lines
	AuthBasic  = "basic"  // secret "user:password", sent as Authorization: Basic
)

// Credential modes of an upstream server.
const (
	ModeShared   = "shared"
	ModePersonal = "personal"
)

// Server is an upstream MCP server.
type Server struct {
	ID             string
	Name           string // unique; [a-z0-9-], used in exposed tool names
	Description    string
	URL            string
	Transport      string
	AuthMethod     string
	AuthHeader     string // header name for AuthHeader
	CredentialMode string
	SyncedAt       time.Time // last successful catalog sync; zero = never
	SyncError      string    // last sync failure, "" after a success
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Tool is one entry of a server's tool catalog, as last synced.
type Tool struct {
	ServerID     string
	Name         string
	Title        string
	Description  string
	InputSchema  json.RawMessage
	OutputSchema json.RawMessage // may be nil
	Annotations  json.RawMessage // may be nil
	Hash         string          // hex SHA-256 of the canonical definition
	UpdatedAt    time.Time       // when Hash last changed
}

// SyncResult says what a catalog sync changed, by tool name.
type SyncResult struct {
	Added     []string
	Changed   []string // the definition hash differs: drifted wherever enabled
	Removed   []string
	Unchanged int
}

// Kinds of credential.
const (
	CredentialStatic = "static" // a secret entered by a person
	CredentialOAuth  = "oauth"  // tokens from an upstream OAuth flow
)

// Statuses of a credential.
const (
	CredentialConnected      = "connected"
	CredentialExpired        = "expired"
	CredentialNeedsReconnect = "needs_reconnect"
)

// Credential is an encrypted secret for a server: the shared one (UserID "")
// or a personal one.
type Credential struct {
	ID         string
	ServerID   string
	UserID     string    // "" = shared
	Ciphertext []byte    // vault-sealed; associated data "credential/<ID>"
	Kind       string    // CredentialStatic or CredentialOAuth
	Status     string    // CredentialConnected, CredentialExpired or CredentialNeedsReconnect
	ExpiresAt  time.Time // zero = none
	Scopes     string    // granted OAuth scopes, space-separated
	LastError  string    // why the credential stopped working; never a secret
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Usable says whether the credential may be sent upstream: its status is
// connected (or unset, for rows written without one).
func (c Credential) Usable() bool {
	return c.Status == "" || c.Status == CredentialConnected
}

// Endpoint is a named set of servers with per-tool enablement.
type Endpoint struct {
	ID          string
	Name        string // unique; served at /mcp/{Name}
	Description string
	ServerIDs   []string // order is preserved
	Unprefixed  bool     // expose bare tool names instead of {server}__{tool}
	Redaction   Redaction
	Tools       []EndpointTool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Redaction levels.
const (
	RedactOff     = "off"
	RedactSecrets = "secrets" // secret detectors only
	RedactAll     = "all"     // secrets, PII and the admin's rules
)

// Redaction holds an endpoint's three independent redaction switches:
// tool-call arguments before they go upstream, results before they reach
// the client, and what the audit trail stores. Each is a Redact* level;
// "" reads as the default (off, off, secrets).
type Redaction struct {
	Requests  string
	Responses string
	Audit     string
}

// EndpointTool records an admin's selection of one tool on an endpoint.
// A tool is exposed only while Enabled and while ApprovedHash equals the
// catalog's current Hash; a mismatch means the definition drifted since it
// was approved, and the tool stays off until it is enabled again.
type EndpointTool struct {
	ServerID     string
	Tool         string
	Enabled      bool
	ApprovedHash string
}

// VaultKey is one data key of the vault keyring, wrapped by the master key.
type VaultKey struct {
	ID        uint32
	Wrapped   []byte
	Active    bool
	CreatedAt time.Time
}

// AuditEvent is one hash-chained audit record.
type AuditEvent struct {
	Seq           int64 // assigned by the writer, strictly increasing
	ID            string
	Time          time.Time
	Code          string // stable dotted code, e.g. mcp.tool.call
	RequestID     string // correlates the events of one request
	ActorType     string // user | service_account | anonymous
	ActorID       string
	ActorEmail    string
	TokenID       string
	ClientName    string
	ClientVersion string
	ClientIP      string
	UserAgent     string
	TraceID       string // from the W3C traceparent header, when present
	SessionID     string
	Endpoint      string
	Server        string
	Tool          string
	Method        string
	Outcome       string
	Error         string
	Request       json.RawMessage
	Response      json.RawMessage
	Redactions    string // JSON list of {"kind","count"} replaced in Request and Response; "" = none
	DurationUS    int64
	PrevHash      []byte
	Hash          []byte
}

// AuditFilter selects audit events. Zero fields match everything.
// Results are ordered by Seq descending, starting below BeforeSeq when set;
// with Ascending they go up from AfterSeq, which is how verification,
// export and sinks walk the trail in pages.
type AuditFilter struct {
	ActorID    string
	ActorEmail string // matched as stored (lower case)
	Endpoint   string
	Server     string
	Tool       string
	Code       string
	Outcome    string
	RequestID  string
	// Text matches events whose request, response or error contains it,
	// ignoring ASCII case.
	Text      string
	Since     time.Time
	Until     time.Time
	BeforeSeq int64
	AfterSeq  int64
	Ascending bool
	Limit     int
}
