package upstream

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// newBaseTransport returns the shared HTTP transport for all upstreams. The
// default of two idle connections per host would throttle concurrency.
func newBaseTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 128
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// headerInjector adds fixed headers (the credential) to every request.
type headerInjector struct {
	base    http.RoundTripper
	headers http.Header
}

func (h *headerInjector) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(h.headers) == 0 {
		return h.base.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	for k, v := range h.headers {
		r.Header[k] = v
	}
	return h.base.RoundTrip(r)
}

// credentialHeaders turns a server's auth method and secret into headers.
func credentialHeaders(s store.Server, secret []byte) (http.Header, error) {
	h := http.Header{}
	switch s.AuthMethod {
	case store.AuthNone, "":
		return h, nil
	case store.AuthBearer:
		h.Set("Authorization", "Bearer "+string(secret))
	case store.AuthBasic:
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString(secret))
	case store.AuthHeader:
		if s.AuthHeader != "" {
			h.Set(s.AuthHeader, string(secret))
			return h, nil
		}
		return ParseHeaderLines(string(secret))
	default:
		return nil, fmt.Errorf("auth method %q is not supported yet", s.AuthMethod)
	}
	return h, nil
}

// CheckSecret reports what is wrong with secret as the static credential
// of s, in words fit for an API error about the "secret" field. Bearer and
// single-header secrets are one line; basic is "user:password"; header
// without a header name takes one "Name: value" line per header.
func CheckSecret(s store.Server, secret string) error {
	switch {
	case secret == "":
		return errors.New("is required")
	case len(secret) > 8192:
		return errors.New("is longer than 8192 bytes")
	case s.AuthMethod == store.AuthHeader && s.AuthHeader == "":
		_, err := ParseHeaderLines(secret)
		return err
	case strings.ContainsAny(secret, "\r\n\x00"):
		return errors.New("must not contain line breaks")
	case s.AuthMethod == store.AuthBasic && !strings.Contains(secret, ":"):
		return errors.New(`must be "user:password" for basic auth`)
	}
	return nil
}

// ParseHeaderLines parses "Name: value" lines, one header each, for auth
// method header with several headers. Names must be HTTP tokens; a name
// may repeat. Blank lines are ignored.
func ParseHeaderLines(secret string) (http.Header, error) {
	h := http.Header{}
	for i, line := range strings.Split(secret, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validHeaderName(name) {
			return nil, fmt.Errorf(`line %d must look like "Header-Name: value"`, i+1)
		}
		value = strings.TrimSpace(value)
		if !validHeaderValue(value) {
			return nil, fmt.Errorf("line %d has characters not allowed in a header value", i+1)
		}
		h.Add(name, value)
	}
	if len(h) == 0 {
		return nil, errors.New(`must hold at least one "Header-Name: value" line`)
	}
	return h, nil
}

// validHeaderName reports whether name is an HTTP token (RFC 9110).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v has only visible characters, spaces
// and tabs.
func validHeaderValue(v string) bool {
	for _, c := range []byte(v) {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// newTransport builds the MCP client transport for s.
func newTransport(s store.Server, client *http.Client) (mcp.Transport, error) {
	switch s.Transport {
	case store.TransportStreamableHTTP, "":
		return &mcp.StreamableClientTransport{Endpoint: s.URL, HTTPClient: client, MaxRetries: 1}, nil
	case store.TransportSSE:
		return &mcp.SSEClientTransport{Endpoint: s.URL, HTTPClient: client}, nil
	default:
		return nil, fmt.Errorf("transport %q is not supported", s.Transport)
	}
}
