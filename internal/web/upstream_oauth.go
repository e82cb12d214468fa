package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// UpstreamConnector runs the browser flow of upstream OAuth;
// *upstream.Pool implements it.
type UpstreamConnector interface {
	OAuthServer(ctx context.Context, name string) (store.Server, error)
	StartOAuth(ctx context.Context, s store.Server, userID, startedBy, returnTo string) (string, error)
	FinishOAuth(ctx context.Context, state, code, startedBy string) (upstream.Connected, error)
	SyncAfterConnect(ctx context.Context, serverID, userID string) (bool, error)
}

// UpstreamCallbackPath is where upstream authorization servers send the
// browser back; the redirect URI registered for every oauth server.
const UpstreamCallbackPath = "/oauth/upstream/callback"

// connectionsPath is where a finished connection goes without return_to.
const connectionsPath = "/connections"

// upstreamOAuthStart serves GET /connections/oauth/start?server=NAME
// &return_to=…: the signed-in user's browser goes to the upstream's
// authorization server. Connecting a shared-mode server's account is an
// admin's task.
func (h *Handler) upstreamOAuthStart(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Upstream == nil {
		http.NotFound(w, r)
		return
	}
	_, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !signedIn {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	returnTo := r.URL.Query().Get("return_to")
	if returnTo != "" && !safeReturn(returnTo) {
		_ = h.record(r, audit.CodeRedirectRefused, u, "unsafe return URL", map[string]any{"return_to": truncate(returnTo, 512)})
		h.fail(w, r, http.StatusBadRequest, "This link points away from Switchboard, so it was not followed.")
		return
	}
	name := r.URL.Query().Get("server")
	s, err := h.cfg.Upstream.OAuthServer(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, "There is no server named \""+truncate(name, 64)+"\" that connects with OAuth.")
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	userID, action := u.ID, policy.ConnectionsOwn
	if s.CredentialMode == store.ModeShared {
		userID, action = "", policy.ServersEdit
	}
	p := identity.Principal{Type: audit.ActorUser, ID: u.ID, Email: u.Email, Role: u.Role}
	if h.cfg.Connections != nil { // a custom role's permissions live in the store
		if err := identity.ResolveAccess(r.Context(), h.cfg.Connections.Store, &p); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if err := policy.Authorize(p, action, s.Name); err != nil {
		_ = h.recordOn(r, audit.CodeUpstreamConnectFailed, u, "not allowed to connect", s.Name, map[string]any{"server": s.Name})
		h.fail(w, r, http.StatusForbidden, "Only an administrator can connect the shared account of "+s.Name+".")
		return
	}
	target, err := h.cfg.Upstream.StartOAuth(r.Context(), s, userID, u.ID, returnTo)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// upstreamOAuthCallback serves GET /oauth/upstream/callback?code&state:
// the code is exchanged, the tokens stored, and the browser goes back to
// where the user started. The flow must belong to the signed-in user.
func (h *Handler) upstreamOAuthCallback(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Upstream == nil {
		http.NotFound(w, r)
		return
	}
	_, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !signedIn {
		h.fail(w, r, http.StatusUnauthorized, "Sign in to Switchboard, then connect the account again.")
		return
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		_ = h.record(r, audit.CodeUpstreamConnectFailed, u, "authorization server answered "+truncate(e, 64), nil)
		h.fail(w, r, http.StatusBadRequest, "The account was not connected: the authorization server answered \""+truncate(e, 64)+"\".")
		return
	}
	f, err := h.cfg.Upstream.FinishOAuth(r.Context(), q.Get("state"), q.Get("code"), u.ID)
	name := f.Server.Name
	detail := map[string]any{"server_id": f.ServerID, "server": name, "shared": f.ServerID != "" && f.UserID == ""}
	switch {
	case errors.Is(err, upstream.ErrFlowUnknown), errors.Is(err, upstream.ErrFlowNotYours):
		_ = h.recordOn(r, audit.CodeUpstreamConnectFailed, u, err.Error(), name, detail)
		h.fail(w, r, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		h.cfg.Logger.WarnContext(r.Context(), "upstream oauth callback failed", "server", name, "server_id", f.ServerID, "err", err)
		_ = h.recordOn(r, audit.CodeUpstreamConnectFailed, u, "code exchange failed", name, detail)
		h.fail(w, r, http.StatusBadGateway, "The authorization server did not complete the connection. Try again.")
		return
	}
	if err := h.recordOn(r, audit.CodeUpstreamConnected, u, "", name, detail); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.firstSync(r, f.OAuthFlow)
	target := f.ReturnTo
	if target == "" || !safeReturn(target) {
		target = connectionsPath + "?" + url.Values{"server": {name}, "done": {"connected"}}.Encode() + "#server-" + url.PathEscape(name)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// firstSync fetches the catalog of a server that waited for its first
// connection, and tells the gateway. A failure stays in the server's
// SyncError for the admin; the connection itself succeeded.
func (h *Handler) firstSync(r *http.Request, f store.OAuthFlow) {
	synced, err := h.cfg.Upstream.SyncAfterConnect(r.Context(), f.ServerID, f.UserID)
	if err != nil {
		h.cfg.Logger.WarnContext(r.Context(), "catalog sync after connecting failed", "server_id", f.ServerID, "err", err)
		return
	}
	if synced && h.cfg.UpstreamSynced != nil {
		h.cfg.UpstreamSynced(r.Context())
	}
}
