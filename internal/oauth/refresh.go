package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// refresh runs the refresh_token grant with rotation: every use returns a
// new refresh token and spends the old one. Presenting a spent one again
// means two parties hold it, so the whole grant is revoked (OAuth 2.1
// §4.3.1, reuse detection).
func (s *Server) refresh(r *http.Request, c store.OAuthClient, form url.Values) (tokenResponse, error) {
	ctx := r.Context()
	text := form.Get("refresh_token")
	if text == "" {
		e := oauthErr(errInvalidRequest, "refresh_token is required", "no refresh_token")
		s.tokenFailed(r, event{clientID: c.ID}, e)
		return tokenResponse{}, e
	}
	if !slices.Contains(c.GrantTypes, grantRefresh) {
		e := oauthErr(errUnauthorizedClient, "this client did not register the refresh_token grant", "grant type")
		s.tokenFailed(r, event{clientID: c.ID}, e)
		return tokenResponse{}, e
	}
	now := s.cfg.Now().UTC()
	var resp tokenResponse
	_, g, err := s.cfg.Store.RotateRefreshToken(ctx, identity.HashToken(text), now,
		func(tok store.OAuthToken, g store.Grant) ([]store.OAuthToken, error) {
			if e := s.checkRefresh(tok, g, c, form, now); e != nil {
				return nil, e
			}
			var toks []store.OAuthToken
			toks, resp = s.mint(g, c, now)
			return toks, nil
		})
	ev := event{user: s.user(ctx, g.UserID), clientID: c.ID, grantID: g.ID, endpoint: s.endpointOf(g.Resource)}
	switch {
	case errors.Is(err, store.ErrNotFound):
		e := errBadGrant("unknown refresh token")
		s.tokenFailed(r, event{clientID: c.ID}, e)
		return tokenResponse{}, e
	case errors.Is(err, store.ErrConflict):
		return tokenResponse{}, s.refreshReused(r, ev)
	case err != nil:
		if e, ok := errors.AsType[*Error](err); ok {
			s.tokenFailed(r, ev, e)
		}
		return tokenResponse{}, err
	}
	if err := s.checkOwner(r, ev, g.UserID); err != nil {
		return tokenResponse{}, err
	}
	ev.code = audit.CodeTokenRefreshed
	return resp, s.record(ctx, r, ev)
}

// checkRefresh validates a refresh token and its grant for client c.
func (s *Server) checkRefresh(tok store.OAuthToken, g store.Grant, c store.OAuthClient, form url.Values, now time.Time) *Error {
	switch {
	case g.ClientID != c.ID:
		return errBadGrant("refresh token of another client")
	case !tok.RevokedAt.IsZero() || !g.RevokedAt.IsZero():
		return errBadGrant("refresh token or grant revoked")
	case !now.Before(tok.ExpiresAt) || !now.Before(g.ExpiresAt):
		return errBadGrant("grant expired")
	}
	return s.checkResource(form, g.Resource)
}

// refreshReused revokes the grant of a refresh token presented twice.
func (s *Server) refreshReused(r *http.Request, ev event) error {
	if err := s.cfg.Store.RevokeGrant(r.Context(), ev.grantID, s.cfg.Now().UTC(), "refresh_reuse"); err != nil {
		return err
	}
	s.cfg.Tokens.Forget()
	ev.code, ev.err = audit.CodeRefreshReused, "refresh token presented again; grant revoked"
	if err := s.record(r.Context(), r, ev); err != nil {
		return err
	}
	return errBadGrant("reused refresh token")
}

// checkOwner ends the grant of a user who was disabled or removed since.
func (s *Server) checkOwner(r *http.Request, ev event, userID string) error {
	u, err := s.cfg.Store.GetUser(r.Context(), userID)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled:
		return s.revokeForUser(r, ev)
	case err != nil:
		return err
	}
	return nil
}

// revokeForUser ends the grant of a user who was disabled or removed.
func (s *Server) revokeForUser(r *http.Request, ev event) error {
	if err := s.cfg.Store.RevokeGrant(r.Context(), ev.grantID, s.cfg.Now().UTC(), "user_disabled"); err != nil {
		return err
	}
	s.cfg.Tokens.Forget()
	e := errBadGrant("user disabled")
	s.tokenFailed(r, ev, e)
	return e
}
