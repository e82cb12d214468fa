package gateway

import (
	"context"
	"errors"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/switchboard-mcp/switchboard/internal/identity"
)

const principalExtra = "principal"

// tokenVerifier adapts identity.Verifier to the SDK's bearer middleware. A
// store failure is logged and reported as a bare 500-free invalid token
// would hide an outage, so it stays a plain error without details.
func (g *Gateway) tokenVerifier(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
	p, err := g.cfg.Verifier.Verify(ctx, token)
	if errors.Is(err, identity.ErrInvalidToken) {
		return nil, auth.ErrInvalidToken
	}
	if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "token verification failed", "err", err)
		return nil, errors.New("temporarily unable to verify the token")
	}
	return &auth.TokenInfo{UserID: p.ID, Extra: map[string]any{principalExtra: p}}, nil
}

// principalOf returns the principal that the bearer middleware attached.
func principalOf(ti *auth.TokenInfo) (identity.Principal, bool) {
	if ti == nil {
		return identity.Principal{}, false
	}
	p, ok := ti.Extra[principalExtra].(identity.Principal)
	return p, ok
}
