package upstream

import (
	"fmt"
	"net/http"
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
	case store.AuthHeader:
		h.Set(s.AuthHeader, string(secret))
	default:
		return nil, fmt.Errorf("auth method %q is not supported yet", s.AuthMethod)
	}
	return h, nil
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
