package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// waitingForCredential is the SyncError of a personal server whose catalog
// could not be synced yet because nobody has connected.
const waitingForCredential = "waiting for a connected credential to sync the catalog"

// listConnections shows every personal-mode server with the caller's own
// status: connected, expired, needs_reconnect or not_connected.
func (a *API) listConnections(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	if err := ownConnections(p); err != nil {
		return err
	}
	ctx := r.Context()
	servers, err := a.cfg.Store.ListServers(ctx)
	if err != nil {
		return err
	}
	creds, err := a.cfg.Store.ListCredentials(ctx, store.CredentialFilter{UserID: p.ID})
	if err != nil {
		return err
	}
	mine := map[string]store.Credential{}
	for _, c := range creds {
		mine[c.ServerID] = c
	}
	out := api.List[api.Connection]{Items: []api.Connection{}}
	for _, s := range servers {
		if s.CredentialMode != store.ModePersonal {
			continue
		}
		c, ok := mine[s.ID]
		out.Items = append(out.Items, a.apiConnection(s, c, ok))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// putConnection stores the caller's own static secret for a personal
// server, replacing any earlier one.
func (a *API) putConnection(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	if err := ownConnections(p); err != nil {
		return err
	}
	var req api.SecretRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	s, err := a.personalServer(ctx, r.PathValue("server"))
	if err != nil {
		return err
	}
	if s.AuthMethod == store.AuthOAuth {
		return invalid("secret", "server %q connects with OAuth, not a secret; connect your account in a browser at %s",
			s.Name, upstream.ConnectURL(a.cfg.PublicURL, s))
	}
	if err := checkStaticSecret(s, req.Secret); err != nil {
		return err
	}
	c, err := a.saveSecret(ctx, s, p.ID, req.Secret)
	if err != nil {
		return err
	}
	out := a.apiConnection(s, c, true)
	if err := a.record(ctx, p, audit.CodeCredentialSaved, target{server: s.Name}, nil, out); err != nil {
		return err
	}
	out.SyncError = a.syncIfWaiting(ctx, s, p.ID)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// deleteConnection removes the caller's own credential for a server.
func (a *API) deleteConnection(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	if err := ownConnections(p); err != nil {
		return err
	}
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("server"))
	if err != nil {
		return err
	}
	cur, err := a.cfg.Store.GetCredential(ctx, s.ID, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("you have no connection to server %q", s.Name)
	} else if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteCredential(ctx, s.ID, p.ID); err != nil {
		return err
	}
	a.cfg.Pool.ForgetCredential(s.ID, p.ID)
	if err := a.record(ctx, p, audit.CodeCredentialRemoved, target{server: s.Name}, apiCredential(cur, p.Email), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ownConnections refuses principals that are not people: service
// accounts have no personal credentials.
func ownConnections(p identity.Principal) error {
	if p.Type != "" && p.Type != "user" {
		return &apiError{status: http.StatusForbidden, code: api.CodeForbidden, msg: "only users have personal connections"}
	}
	return nil
}

// personalServer finds a server that takes personal credentials.
func (a *API) personalServer(ctx context.Context, name string) (store.Server, error) {
	s, err := a.server(ctx, name)
	if err != nil {
		return s, err
	}
	if s.CredentialMode != store.ModePersonal {
		return s, invalid("server", "server %q uses one shared credential set by an admin; there is nothing to connect", s.Name)
	}
	return s, nil
}

// syncIfWaiting syncs the catalog of a personal server that has never
// been synced, now that userID has connected. A failure is kept as the
// server's SyncError and returned; the connection itself stands.
func (a *API) syncIfWaiting(ctx context.Context, s store.Server, userID string) string {
	if !s.SyncedAt.IsZero() {
		return ""
	}
	if _, err := a.cfg.Pool.SyncAs(ctx, s, userID, a.cfg.Now().UTC()); err != nil {
		a.cfg.Logger.WarnContext(ctx, "sync with a new connection failed", "server", s.Name, "err", err)
		msg := safeUpstreamError(err)
		a.setSyncError(ctx, s, msg)
		return msg
	}
	a.changed(ctx)
	return ""
}

func (a *API) setSyncError(ctx context.Context, s store.Server, msg string) {
	if _, err := a.cfg.Store.UpdateServer(ctx, s.ID, func(s store.Server) (store.Server, error) {
		s.SyncError = msg
		return s, nil
	}); err != nil {
		a.cfg.Logger.ErrorContext(ctx, "record sync error", "server", s.Name, "err", err)
	}
}

func (a *API) apiConnection(s store.Server, c store.Credential, ok bool) api.Connection {
	v := api.Connection{Server: s.Name, Description: s.Description, Auth: s.AuthMethod, AuthHeader: s.AuthHeader,
		Status: api.ConnectionNotConnected, ConnectURL: upstream.ConnectURL(a.cfg.PublicURL, s)}
	if ok {
		v.Status = orDefault(c.Status, store.CredentialConnected)
		v.ExpiresAt, v.LastError, v.UpdatedAt = timePtr(c.ExpiresAt), c.LastError, timePtr(c.UpdatedAt)
	}
	return v
}
