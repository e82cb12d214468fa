package oauth

import (
	"errors"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// revoke serves POST /oauth/revoke (RFC 7009). Revoking a refresh token
// ends its whole grant; revoking an access token ends that token. An
// unknown token, or one of another client, gets the same 200 as success,
// so the endpoint reveals nothing about tokens it did not issue to the
// caller (§2.2).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, oerr := parseForm(w, r)
	if oerr != nil {
		writeError(w, oerr, false)
		return
	}
	c, basic, oerr := s.authenticateClient(r, form)
	if oerr != nil {
		s.tokenFailed(r, event{clientID: form.Get("client_id")}, oerr)
		writeError(w, oerr, basic)
		return
	}
	text := form.Get("token")
	if text == "" {
		writeError(w, oauthErr(errInvalidRequest, "token is required", "no token"), false)
		return
	}
	tok, g, err := s.cfg.Store.GetOAuthToken(ctx, identity.HashToken(text))
	if errors.Is(err, store.ErrNotFound) || err == nil && g.ClientID != c.ID {
		w.WriteHeader(http.StatusOK)
		return
	}
	if err == nil {
		err = s.revokeToken(r, tok, g)
	}
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "revoke token", "err", err)
		writeError(w, asError(err), false)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) revokeToken(r *http.Request, tok store.OAuthToken, g store.Grant) error {
	ctx := r.Context()
	now := s.cfg.Now().UTC()
	var err error
	if tok.Kind == store.TokenRefresh {
		err = s.cfg.Store.RevokeGrant(ctx, g.ID, now, "client_revoked")
	} else {
		err = s.cfg.Store.RevokeOAuthToken(ctx, tok.ID, now)
	}
	if err != nil {
		return err
	}
	s.cfg.Tokens.Forget()
	return s.record(ctx, r, event{code: audit.CodeOAuthRevoked, user: s.user(ctx, g.UserID), clientID: g.ClientID,
		grantID: g.ID, endpoint: s.endpointOf(g.Resource), detail: map[string]any{"token_kind": tok.Kind}})
}
