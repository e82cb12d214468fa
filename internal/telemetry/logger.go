package telemetry

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// ParseLevel parses debug, info, warn or error (any case).
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q: must be one of debug, info, warn, error", s)
}

// NewLogger returns a logger writing to w at level ("debug", "info",
// "warn", "error") in format ("text" or "json"). As a last line of
// defence, attributes whose key names a credential (see sensitiveKeys) are
// replaced with "[redacted]" whatever their value.
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	lvl, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: redactSensitive}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: must be text or json", format)
}

// sensitiveKeys are attribute keys (compared in lower case, in any group)
// whose values are dropped by NewLogger's handlers.
var sensitiveKeys = map[string]bool{
	"authorization":       true,
	"proxy-authorization": true,
	"proxy_authorization": true,
	"cookie":              true,
	"set-cookie":          true,
	"set_cookie":          true,
	"password":            true,
	"client_secret":       true,
	"access_token":        true,
	"refresh_token":       true,
	"master_key":          true,
}

// redactSensitive is a slog ReplaceAttr func.
func redactSensitive(groups []string, a slog.Attr) slog.Attr {
	if sensitiveKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, redacted)
	}
	return a
}
