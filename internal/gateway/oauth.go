package gateway

import (
	"context"
	"errors"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
)

// AccessTokenVerifier verifies OAuth access tokens;
// *identity.AccessVerifier implements it. A refused token is an error
// that matches identity.ErrInvalidToken, a *identity.TokenRejection when
// the token was known.
type AccessTokenVerifier interface {
	Verify(ctx context.Context, token string) (identity.Principal, error)
}

// RejectAudience is the refusal reason of an access token presented at
// an endpoint other than the one it was issued for.
const RejectAudience = "audience"

// verifyAccessToken checks an OAuth access token and its audience: the
// token's grant names one endpoint (RFC 8707), and a token for endpoint A
// is invalid at B. Such a refusal is a 401, so that the client starts a
// new authorization for this endpoint, and it is audited against the
// token's owner. Unknown tokens are refused without an audit record: they
// name nobody, and recording them would let anyone fill the trail.
func (g *Gateway) verifyAccessToken(ctx context.Context, token string, r *http.Request) (*auth.TokenInfo, error) {
	if g.cfg.AccessTokens == nil {
		return nil, auth.ErrInvalidToken
	}
	name := r.PathValue("endpoint")
	p, err := g.cfg.AccessTokens.Verify(ctx, token)
	if err == nil {
		rt := (*g.endpoints.Load())[name]
		if rt == nil || rt.ep.Load().ID != p.EndpointID {
			err = &identity.TokenRejection{Reason: RejectAudience, Principal: p}
		}
	}
	if rej, ok := errors.AsType[*identity.TokenRejection](err); ok {
		if rej.Principal.ID != "" {
			g.auditRejected(ctx, r, name, rej)
		}
		return nil, auth.ErrInvalidToken
	}
	if errors.Is(err, identity.ErrInvalidToken) {
		return nil, auth.ErrInvalidToken
	}
	if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "access token verification failed", "err", err)
		return nil, errors.New("temporarily unable to verify the token")
	}
	extra := map[string]any{principalExtra: p, clientIPExtra: clientIP(r)}
	return &auth.TokenInfo{UserID: p.ID, Expiration: p.ExpiresAt, Extra: extra}, nil
}

// auditRejected records a refused access token of a known owner.
func (g *Gateway) auditRejected(ctx context.Context, r *http.Request, endpoint string, rej *identity.TokenRejection) {
	ev := g.event(rej.Principal, endpoint, "authenticate")
	ev.Code, ev.Outcome, ev.Error = audit.CodeTokenRejected, audit.OutcomeDenied, "access token refused: "+rej.Reason
	ev.ClientIP, ev.UserAgent, ev.TraceID = clientIP(r), truncate(r.UserAgent(), 256), traceID(r.Header)
	if _, err := g.cfg.Audit.Record(ctx, ev); err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit rejected token failed", "err", err)
	}
}

var _ AccessTokenVerifier = (*identity.AccessVerifier)(nil)
