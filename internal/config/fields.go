package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// field is one setting: its JSON path and a pointer to it inside a
// Config. The env var and flag names derive from the path, so this table
// is the single list that the file, env and flag layers all use.
type field struct {
	path  string // JSON path, e.g. "log.level"
	usage string
	ptr   func(c *Config) any
	// secret fields come only from the environment.
	secret bool
}

// fields lists every setting. A test checks that it covers Config.
var fields = []field{
	{path: "addr", usage: "listen address, host:port", ptr: func(c *Config) any { return &c.Addr }},
	{path: "data_dir", usage: "data directory (SQLite database, master key)", ptr: func(c *Config) any { return &c.DataDir }},
	{path: "database_url", usage: "PostgreSQL URL; empty for SQLite in the data directory", ptr: func(c *Config) any { return &c.DatabaseURL }},
	{path: "master_key_file", usage: "vault master key file (default <data-dir>/master.key)", ptr: func(c *Config) any { return &c.MasterKeyFile }},
	{path: "master_key", usage: "vault master key, base64 or hex", ptr: func(c *Config) any { return &c.MasterKey }, secret: true},
	{path: "metrics_token", usage: "bearer token for /metrics (empty = loopback clients only)", ptr: func(c *Config) any { return &c.MetricsToken }, secret: true},
	{path: "public_url", usage: "external base URL (default http://<addr>)", ptr: func(c *Config) any { return &c.PublicURL }},
	{path: "log.level", usage: "log level: debug, info, warn, error", ptr: func(c *Config) any { return &c.Log.Level }},
	{path: "log.format", usage: "log format: text, json", ptr: func(c *Config) any { return &c.Log.Format }},
	{path: "audit.max_payload_bytes", usage: "bytes of request/response kept per audit event", ptr: func(c *Config) any { return &c.Audit.MaxPayloadBytes }},
	{path: "audit.fail_closed", usage: "refuse tool calls that cannot be audited", ptr: func(c *Config) any { return &c.Audit.FailClosed }},
	{path: "audit.checkpoint_every", usage: "sign an audit checkpoint after this many events (0 = off)", ptr: func(c *Config) any { return &c.Audit.CheckpointEvery }},
	{path: "audit.checkpoint_interval", usage: "sign an audit checkpoint this often while events come in (0 = off)", ptr: func(c *Config) any { return &c.Audit.CheckpointInterval }},
	{path: "audit.retention_days", usage: "delete audit events older than this many days (0 = keep forever)", ptr: func(c *Config) any { return &c.Audit.RetentionDays }},
	{path: "audit.sinks", usage: "audit sinks, a JSON array (see config doc)", ptr: func(c *Config) any { return &c.Audit.Sinks }},
	{path: "gateway.call_timeout", usage: "timeout of one upstream tool call", ptr: func(c *Config) any { return &c.Gateway.CallTimeout }},
	{path: "gateway.max_response_bytes", usage: "largest upstream response accepted", ptr: func(c *Config) any { return &c.Gateway.MaxResponseBytes }},
	{path: "gateway.disable_localhost_protection", usage: "turn off DNS-rebinding checks on loopback", ptr: func(c *Config) any { return &c.Gateway.DisableLocalhostProtection }},
	{path: "gateway.redact_rules", usage: "named redaction patterns, a JSON array of {name, pattern}", ptr: func(c *Config) any { return &c.Gateway.RedactRules }},
	{path: "sso.issuer_url", usage: "OIDC issuer URL for people's sign-in (empty = SSO off)", ptr: func(c *Config) any { return &c.SSO.IssuerURL }},
	{path: "sso.client_id", usage: "OIDC client ID registered at the issuer", ptr: func(c *Config) any { return &c.SSO.ClientID }},
	{path: "sso.client_secret", usage: "OIDC client secret", ptr: func(c *Config) any { return &c.SSO.ClientSecret }, secret: true},
	{path: "sso.scopes", usage: "OIDC scopes to request, comma-separated", ptr: func(c *Config) any { return &c.SSO.Scopes }},
	{path: "sso.jit", usage: "create users at their first SSO sign-in", ptr: func(c *Config) any { return &c.SSO.JIT }},
	{path: "sso.allowed_domains", usage: "email domains that JIT creation accepts, comma-separated (empty = any)", ptr: func(c *Config) any { return &c.SSO.AllowedDomains }},
	{path: "sso.groups_claim", usage: "ID token claim whose values become the user's SSO groups (empty = none)", ptr: func(c *Config) any { return &c.SSO.GroupsClaim }},
	{path: "sso.default_role", usage: "role of users created by SSO", ptr: func(c *Config) any { return &c.SSO.DefaultRole }},
	{path: "oauth.access_token_ttl", usage: "life of an OAuth access token", ptr: func(c *Config) any { return &c.OAuth.AccessTokenTTL }},
	{path: "oauth.client_ttl", usage: "prune dynamically registered clients unused this long", ptr: func(c *Config) any { return &c.OAuth.ClientTTL }},
	{path: "oauth.extra_duration", usage: "an access duration the admin adds to the consent page (0 = none)", ptr: func(c *Config) any { return &c.OAuth.ExtraDuration }},
}

// envName returns the field's environment variable, e.g.
// SWITCHBOARD_LOG_LEVEL.
func (f field) envName() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(f.path, ".", "_"))
}

// flagName returns the field's flag name, e.g. log-level.
func (f field) flagName() string {
	return strings.NewReplacer(".", "-", "_", "-").Replace(f.path)
}

// fieldByPath finds a field by its JSON path.
func fieldByPath(path string) (field, bool) {
	for _, f := range fields {
		if f.path == path {
			return f, true
		}
	}
	return field{}, false
}

// isSection reports whether path names a nested object such as "log".
func isSection(path string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f.path, path+".") {
			return true
		}
	}
	return false
}

// Messages for values of the wrong shape, shared by every layer.
var (
	errBool   = errors.New("must be true or false")
	errNumber = errors.New("must be a whole number")
)

// setString parses s into the field that p points to.
func setString(p any, s string) error {
	switch p := p.(type) {
	case *string:
		*p = s
	case *Secret:
		*p = Secret(s)
	case *bool:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return errBool
		}
		*p = v
	case *int64:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errNumber
		}
		*p = v
	case *Duration:
		v, err := parseDuration(s)
		if err != nil {
			return err
		}
		*p = v
	case *AuditSinks:
		return p.UnmarshalJSON([]byte(s))
	case *RedactRules:
		return p.UnmarshalJSON([]byte(s))
	case *List:
		p.parse(s)
	default:
		panic(fmt.Sprintf("config: no parser for %T", p))
	}
	return nil
}

// formatValue renders the field that p points to as its string form.
func formatValue(p any) string {
	switch p := p.(type) {
	case *string:
		return *p
	case *Secret:
		return p.String()
	case *bool:
		return strconv.FormatBool(*p)
	case *int64:
		return strconv.FormatInt(*p, 10)
	case *Duration:
		return p.String()
	case *AuditSinks:
		return p.String()
	case *RedactRules:
		return p.String()
	case *List:
		return p.String()
	}
	panic(fmt.Sprintf("config: no formatter for %T", p))
}
