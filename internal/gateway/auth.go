package gateway

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/switchboard-mcp/switchboard/internal/identity"
)

const principalExtra = "principal"

// tokenVerifier adapts identity.Verifier to the SDK's bearer middleware. A
// store failure is logged and answered with a 500 that carries no detail;
// reporting it as an invalid token would hide an outage.
func (g *Gateway) tokenVerifier(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
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
	return &auth.TokenInfo{UserID: p.ID, Expiration: exp, Extra: map[string]any{principalExtra: p}}, nil
}

// principalOf returns the principal that the bearer middleware attached.
func principalOf(ti *auth.TokenInfo) (identity.Principal, bool) {
	if ti == nil {
		return identity.Principal{}, false
	}
	p, ok := ti.Extra[principalExtra].(identity.Principal)
	return p, ok
}
