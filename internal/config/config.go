package config

import (
	"net"
	"path/filepath"
	"time"
)

// Config is Switchboard's effective configuration. Only package server
// reads it; it hands each package its own small Config.
type Config struct {
	Addr        string `json:"addr"`
	DataDir     string `json:"data_dir"`
	DatabaseURL string `json:"database_url"` // "" = SQLite at DatabasePath()
	// MasterKeyFile holds the vault master key; used when MasterKey is
	// empty. Defaults to <data_dir>/master.key.
	MasterKeyFile string `json:"master_key_file"`
	// MasterKey is the vault master key (base64 or hex). It may come only
	// from SWITCHBOARD_MASTER_KEY, never from the file or a flag.
	MasterKey Secret `json:"master_key"`
	// MetricsToken, from SWITCHBOARD_METRICS_TOKEN only, lets scrapers
	// that present it read /metrics; without it only loopback clients may.
	MetricsToken Secret `json:"metrics_token"`
	// PublicURL is the external base URL, used in OAuth metadata and
	// links. Defaults to http://<addr>.
	PublicURL string        `json:"public_url"`
	Log       LogConfig     `json:"log"`
	Audit     AuditConfig   `json:"audit"`
	Gateway   GatewayConfig `json:"gateway"`
	SSO       SSOConfig     `json:"sso"`
	OAuth     OAuthConfig   `json:"oauth"`
}

// SSOConfig configures people's sign-in through an OpenID Connect
// provider. SSO is off while IssuerURL is empty.
type SSOConfig struct {
	IssuerURL string `json:"issuer_url"`
	ClientID  string `json:"client_id"`
	// ClientSecret comes only from SWITCHBOARD_SSO_CLIENT_SECRET.
	ClientSecret Secret `json:"client_secret"`
	Scopes       List   `json:"scopes"`
	// JIT creates a user at the first sign-in of a verified email whose
	// domain AllowedDomains accepts (any domain when it is empty).
	JIT            bool   `json:"jit"`
	AllowedDomains List   `json:"allowed_domains"`
	GroupsClaim    string `json:"groups_claim"` // e.g. "groups"; "" maps no groups
	DefaultRole    string `json:"default_role"` // of users JIT creates
}

// Enabled reports whether SSO sign-in is configured.
func (c SSOConfig) Enabled() bool { return c.IssuerURL != "" }

// LogConfig configures the process logger.
type LogConfig struct {
	Level  string `json:"level"`  // debug | info | warn | error
	Format string `json:"format"` // text | json
}

// AuditConfig configures the audit trail.
type AuditConfig struct {
	MaxPayloadBytes int64 `json:"max_payload_bytes"` // request/response kept per event
	FailClosed      bool  `json:"fail_closed"`       // refuse calls that cannot be audited
	// CheckpointEvery and CheckpointInterval say how often the chain head
	// is signed: after this many events, or this often while events come
	// in. 0 turns that trigger off; both 0 turns checkpoints off.
	CheckpointEvery    int64    `json:"checkpoint_every"`
	CheckpointInterval Duration `json:"checkpoint_interval"`
	// RetentionDays deletes events older than this; 0 keeps them forever.
	RetentionDays int64 `json:"retention_days"`
	// Sinks stream the trail out (files, webhooks, stdout); see AuditSink.
	Sinks AuditSinks `json:"sinks"`
}

// OAuthConfig configures Switchboard's authorization server for AI clients.
type OAuthConfig struct {
	// AccessTokenTTL is the life of an access token; the grant (and its
	// refresh tokens) lasts the duration the user chose at consent.
	AccessTokenTTL Duration `json:"access_token_ttl"`
	// ClientTTL is how long a dynamically registered client may go unused
	// before it is pruned.
	ClientTTL Duration `json:"client_ttl"`
	// ExtraDuration adds one access duration of the admin's choosing to the
	// consent page's 1, 7, 30 and 90 days; 0 adds none.
	ExtraDuration Duration `json:"extra_duration"`
}

// GatewayConfig configures the MCP data plane.
type GatewayConfig struct {
	CallTimeout      Duration `json:"call_timeout"`
	MaxResponseBytes int64    `json:"max_response_bytes"`
	// DisableLocalhostProtection turns off the Host/Origin checks that
	// guard a loopback listener against DNS rebinding.
	DisableLocalhostProtection bool `json:"disable_localhost_protection"`
	// RedactRules are named patterns that redaction level "all" applies
	// on top of the built-in detectors.
	RedactRules RedactRules `json:"redact_rules"`
}

// Default sizes.
const (
	KiB = 1 << 10
	MiB = 1 << 20
)

// Default returns the defaults with derived fields filled in: a safe
// single-node start on 127.0.0.1:8080 with SQLite in ./switchboard-data.
func Default() Config {
	c := defaults()
	c.derive()
	return c
}

// defaults returns the defaults without derived fields, so that a later
// layer that changes data_dir or addr moves the derived values too.
func defaults() Config {
	return Config{
		Addr:    "127.0.0.1:8080",
		DataDir: "./switchboard-data",
		Log:     LogConfig{Level: "info", Format: "text"},
		Audit: AuditConfig{MaxPayloadBytes: 1 * MiB, FailClosed: true,
			CheckpointEvery: 1000, CheckpointInterval: Duration{time.Minute}},
		Gateway: GatewayConfig{
			CallTimeout:      Duration{60 * time.Second},
			MaxResponseBytes: 4 * MiB,
		},
		SSO: SSOConfig{Scopes: List{"openid", "email", "profile"}, DefaultRole: "member"},
		OAuth: OAuthConfig{
			AccessTokenTTL: Duration{time.Hour},
			ClientTTL:      Duration{30 * 24 * time.Hour},
		},
	}
}

// derive fills the fields whose defaults depend on other fields.
func (c *Config) derive() {
	if c.MasterKeyFile == "" && c.DataDir != "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "master.key")
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + browsableAddr(c.Addr)
	}
}

// browsableAddr turns a listen address into one a browser can reach:
// an empty or wildcard host becomes localhost.
func browsableAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// DatabasePath returns the SQLite file used when DatabaseURL is empty,
// and "" when a database URL is set.
func (c Config) DatabasePath() string {
	if c.DatabaseURL != "" {
		return ""
	}
	return filepath.Join(c.DataDir, "switchboard.db")
}
