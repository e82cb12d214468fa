package oauth

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// maxURILen bounds a redirect URI, and any URI of client metadata.
const maxURILen = 2000

// schemeRE is RFC 3986's scheme syntax.
var schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`)

// refusedSchemes can run code or read local data in a browser, or are not
// redirect targets at all.
var refusedSchemes = map[string]bool{
	"javascript": true, "data": true, "vbscript": true, "file": true, "about": true,
	"blob": true, "filesystem": true, "ws": true, "wss": true, "ftp": true, "mailto": true,
}

// checkRedirectURI validates a redirect URI at registration, following
// OAuth 2.1 §2.3.1 and RFC 8252: an absolute URI without fragment or user
// info that is https, plain http on a loopback host (any port will match
// later), or a private-use scheme of a native app (vscode://, cursor://…).
func checkRedirectURI(raw string) error {
	if raw == "" || len(raw) > maxURILen {
		return errors.New("must be a URI of at most 2000 characters")
	}
	if strings.ContainsAny(raw, " \t\r\n\\") {
		return errors.New("must not contain spaces or backslashes")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return errors.New("must be an absolute URI")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return errors.New("must not have a fragment")
	}
	if u.User != nil {
		return errors.New("must not carry user info")
	}
	scheme := u.Scheme
	switch {
	case !strings.HasPrefix(raw, scheme+":") || !schemeRE.MatchString(scheme):
		return errors.New("has an invalid scheme; use lower case")
	case refusedSchemes[scheme]:
		return errors.New("uses a scheme that is not allowed for redirects")
	case scheme == "https":
		if u.Host == "" || u.Opaque != "" {
			return errors.New("must name a host")
		}
	case scheme == "http":
		if !isLoopbackHost(u.Hostname()) || u.Opaque != "" {
			return errors.New("plain http is allowed only for loopback hosts (127.0.0.1, [::1], localhost); use https")
		}
	}
	return nil
}

// isLoopbackHost reports a loopback IP literal or "localhost".
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// matchRedirectURI returns the registered URI that requested matches:
// exactly, or, for a plain-http loopback registration, with any port
// (RFC 8252 §7.3), since native apps listen on an ephemeral port. Nothing
// else is normalised: no case folding, no path or query tolerance.
func matchRedirectURI(registered []string, requested string) (string, bool) {
	for _, reg := range registered {
		if reg == requested {
			return reg, true
		}
	}
	req, err := url.Parse(requested)
	if err != nil || req.Scheme != "http" || !isLoopbackHost(req.Hostname()) || strings.ContainsAny(requested, "#\\ ") {
		return "", false
	}
	for _, reg := range registered {
		r, err := url.Parse(reg)
		if err != nil || r.Scheme != "http" || !isLoopbackHost(r.Hostname()) {
			continue
		}
		if r.Hostname() == req.Hostname() && r.EscapedPath() == req.EscapedPath() &&
			r.RawQuery == req.RawQuery && r.User == nil && req.User == nil && validPort(req.Port()) {
			return reg, true
		}
	}
	return "", false
}

// validPort accepts "" or a decimal port 1..65535.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	if len(p) > 5 || p[0] == '0' {
		return false
	}
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 65535
}

// redirectWith returns uri with params added to its query, keeping the
// query it already has (RFC 6749 §3.1.2).
func redirectWith(uri string, params url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri // validated at registration; cannot happen
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
