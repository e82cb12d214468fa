package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits checked by Validate.
const (
	MinPayloadBytes = 1 * KiB
	MinCallTimeout  = time.Second
)

var (
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"text", "json"}
)

// Validate reports every problem at once, joined with errors.Join; each
// message starts with the field path. It has no side effects and reads no
// files: whether master_key parses as a key is the vault's check.
func (c Config) Validate() error {
	var errs []error
	check := func(bad bool, path, msg string) {
		if bad {
			errs = append(errs, fmt.Errorf("%s: %s", path, msg))
		}
	}
	check(!validHostPort(c.Addr), "addr", "must be host:port, e.g. 127.0.0.1:8080")
	check(c.DataDir == "", "data_dir", "required")
	check(!validDatabaseURL(c.DatabaseURL), "database_url",
		"must be a postgres:// or postgresql:// URL, or empty for SQLite in data_dir")
	check(c.MasterKey == "" && c.MasterKeyFile == "", "master_key_file",
		"required unless SWITCHBOARD_MASTER_KEY is set")
	check(!validPublicURL(c.PublicURL), "public_url",
		"must be an absolute http:// or https:// URL without query or fragment")
	check(!slices.Contains(logLevels, c.Log.Level), "log.level", "must be one of "+strings.Join(logLevels, ", "))
	check(!slices.Contains(logFormats, c.Log.Format), "log.format", "must be one of "+strings.Join(logFormats, ", "))
	check(c.Audit.MaxPayloadBytes < MinPayloadBytes, "audit.max_payload_bytes",
		fmt.Sprintf("must be at least %d", MinPayloadBytes))
	check(c.Audit.CheckpointEvery < 0, "audit.checkpoint_every", "must be 0 (off) or more")
	check(c.Audit.CheckpointInterval.Duration != 0 && c.Audit.CheckpointInterval.Duration < time.Second,
		"audit.checkpoint_interval", "must be 0 (off) or at least 1s")
	check(c.Audit.RetentionDays < 0, "audit.retention_days", "must be 0 (keep forever) or more")
	check(c.Gateway.CallTimeout.Duration < MinCallTimeout, "gateway.call_timeout",
		fmt.Sprintf("must be at least %v", MinCallTimeout))
	check(c.Gateway.MaxResponseBytes < MinPayloadBytes, "gateway.max_response_bytes",
		fmt.Sprintf("must be at least %d", MinPayloadBytes))
	check(c.OAuth.AccessTokenTTL.Duration < time.Minute || c.OAuth.AccessTokenTTL.Duration > 24*time.Hour,
		"oauth.access_token_ttl", "must be between 1m and 24h")
	check(c.OAuth.ClientTTL.Duration < time.Hour, "oauth.client_ttl", "must be at least 1h")
	check(c.OAuth.ExtraDuration.Duration < 0 || c.OAuth.ExtraDuration.Duration > 5*365*24*time.Hour,
		"oauth.extra_duration", "must be 0 (none) or a duration up to 43800h (5 years)")
	errs = append(errs, c.Audit.Sinks.validate()...)
	errs = append(errs, c.Gateway.RedactRules.validate()...)
	errs = append(errs, c.SSO.validate()...)
	return errors.Join(errs...)
}

// validHostPort accepts host:port with a numeric port; the host may be
// empty (every interface).
func validHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n <= 65535
}

func validDatabaseURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

func validPublicURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
