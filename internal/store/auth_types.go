package store

import (
	"encoding/json"
	"time"
)

// Session is a browser session of a signed-in user. The cookie value is
// never stored, only its SHA-256.
type Session struct {
	ID         string // "ses_…", for logs and revocation
	Hash       []byte // SHA-256 of the cookie value; unique
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time // the idle expiry counts from here
	ExpiresAt  time.Time // absolute expiry
}

// Ways an OAuth client authenticates at the token endpoint (RFC 7591 §2).
const (
	ClientAuthNone  = "none" // a public client: PKCE only
	ClientAuthBasic = "client_secret_basic"
	ClientAuthPost  = "client_secret_post"
)

// Where an OAuth client came from.
const (
	ClientSourceDCR   = "dcr"   // registered at /oauth/register
	ClientSourceCIMD  = "cimd"  // a client ID metadata document URL
	ClientSourceAdmin = "admin" // pre-registered by an admin
)

// OAuthClient is a client of Switchboard's authorization server.
type OAuthClient struct {
	ID           string // the client_id
	Name         string
	RedirectURIs []string
	AuthMethod   string // a ClientAuth* value
	SecretHash   []byte // SHA-256 of the client secret; nil for public clients
	GrantTypes   []string
	// Metadata is the registered metadata as accepted (client_uri,
	// logo_uri, software_id…), for display and for the registration
	// response.
	Metadata   json.RawMessage
	Source     string // a ClientSource* value
	CreatedAt  time.Time
	LastUsedAt time.Time // the last authorization or token request; clients unused for long are pruned
}

// AuthCode is an authorization code, single use and short lived. Only the
// SHA-256 of the code is stored.
type AuthCode struct {
	Hash        []byte
	ClientID    string
	UserID      string
	EndpointID  string
	Resource    string // the RFC 8707 resource, <public>/mcp/{endpoint}
	RedirectURI string // as sent to /oauth/authorize, compared at the token endpoint
	Challenge   string // the PKCE S256 code challenge
	Scope       string
	GrantTTL    time.Duration // the access duration chosen at consent
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // set by RedeemAuthCode; zero = unused
	GrantID     string    // the grant issued from this code, "" until then
}

// Grant is one consent: a user with a client and an endpoint. Its access
// and refresh tokens die with it.
type Grant struct {
	ID           string // "grt_…"
	UserID       string
	ClientID     string
	EndpointID   string
	Resource     string
	Scope        string
	CreatedAt    time.Time
	ExpiresAt    time.Time // the chosen access duration from CreatedAt
	RevokedAt    time.Time // zero = active
	RevokeReason string    // e.g. "user", "refresh_reuse", "code_replay"
}

// Kinds of OAuth token.
const (
	TokenAccess  = "access"
	TokenRefresh = "refresh"
)

// OAuthToken is an access or refresh token of a grant. Only the SHA-256 of
// the token text is stored.
type OAuthToken struct {
	ID        string // "oat_…"
	Hash      []byte // unique
	Kind      string // TokenAccess or TokenRefresh
	GrantID   string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // a refresh token that was rotated; presenting it again is reuse
	RevokedAt time.Time
}
