package telemetry

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
)

// redacted replaces a sensitive value in log output.
const redacted = "[redacted]"

// credentialHeaders are always blanked by RedactHeaders.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// credentialHints blank any other header whose lower-case name contains
// one of them, such as X-Api-Key, X-Auth-Token or Mcp-Session-Id.
var credentialHints = []string{"auth", "token", "secret", "key", "password", "cookie", "session"}

// RedactHeaders returns a copy of h in which Authorization,
// Proxy-Authorization, Cookie and Set-Cookie, and any header whose name
// suggests a credential, have every value replaced by "[redacted]". The
// header names stay, so a log still shows that one was sent. h is not
// changed.
func RedactHeaders(h http.Header) http.Header {
	out := h.Clone()
	for name, vals := range out {
		if isCredentialHeader(name) {
			out[name] = slices.Repeat([]string{redacted}, len(vals))
		}
	}
	return out
}

func isCredentialHeader(name string) bool {
	if slices.Contains(credentialHeaders, http.CanonicalHeaderKey(name)) {
		return true
	}
	lower := strings.ToLower(name)
	return slices.ContainsFunc(credentialHints, func(hint string) bool { return strings.Contains(lower, hint) })
}

// headerAttrs renders headers as sorted slog attributes after redaction.
func headerAttrs(h http.Header) []slog.Attr {
	red := RedactHeaders(h)
	names := make([]string, 0, len(red))
	for name := range red {
		names = append(names, name)
	}
	slices.Sort(names)
	attrs := make([]slog.Attr, 0, len(names))
	for _, name := range names {
		attrs = append(attrs, slog.String(name, strings.Join(red[name], ", ")))
	}
	return attrs
}
