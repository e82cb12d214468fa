package gateway

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/switchboard-mcp/switchboard/internal/identity"
)

const (
	principalExtra = "principal"
	clientIPExtra  = "client_ip"
)

// clientIP is the peer address of r. X-Forwarded-For is not trusted: a
// deployment behind a proxy should terminate it there.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// traceID returns the trace ID of a W3C traceparent header
// ("00-<32 hex>-<16 hex>-<2 hex>"), or "".
func traceID(h http.Header) string {
	tp := h.Get("Traceparent")
	if len(tp) != 55 || tp[2] != '-' || tp[35] != '-' {
		return ""
	}
	id := tp[3:35]
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return ""
		}
	}
	return id
}

// tokenVerifier adapts identity.Verifier to the SDK's bearer middleware. A
// store failure is logged and answered with a 500 that carries no detail;
// reporting it as an invalid token would hide an outage.
func (g *Gateway) tokenVerifier(ctx context.Context, token string, r *http.Request) (*auth.TokenInfo, error) {
	if strings.HasPrefix(token, identity.AccessTokenPrefix) {
		return g.verifyAccessToken(ctx, token, r) // OAuth; oauth.go
	}
	p, err := g.cfg.Verifier.Verify(ctx, token)
	if errors.Is(err, identity.ErrInvalidToken) {
		return nil, auth.ErrInvalidToken
	}
	if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "token verification failed", "err", err)
		return nil, errors.New("temporarily unable to verify the token")
	}
	exp := p.ExpiresAt
	if exp.IsZero() {
		exp = g.cfg.Now().Add(24 * time.Hour) // the SDK requires an expiry; ours never ends
	}
	extra := map[string]any{principalExtra: p, clientIPExtra: clientIP(r)}
	return &auth.TokenInfo{UserID: p.ID, Expiration: exp, Extra: extra}, nil
}

// principalOf returns the principal that the bearer middleware attached.
func principalOf(ti *auth.TokenInfo) (identity.Principal, bool) {
	if ti == nil {
		return identity.Principal{}, false
	}
	p, ok := ti.Extra[principalExtra].(identity.Principal)
	return p, ok
}
