package admin

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// listGrants serves GET /api/v1/grants: the caller's connected apps, or
// with ?all=1 everyone's (which needs users.read).
func (a *API) listGrants(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	owner := p.ID
	switch all := r.URL.Query().Get("all"); all {
	case "", "0", "false":
	case "1", "true":
		if err := policy.Authorize(p, policy.UsersRead, ""); err != nil {
			return err
		}
		owner = ""
	default:
		return invalid("all", "must be 1 or true to list every user's grants")
	}
	grants, err := a.cfg.Store.ListGrants(r.Context(), owner)
	if err != nil {
		return err
	}
	names := a.grantNames(r.Context())
	out := api.List[api.Grant]{Items: make([]api.Grant, 0, len(grants))}
	for _, g := range grants {
		out.Items = append(out.Items, names.grant(g, a.cfg.Now()))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revokeGrant serves DELETE /api/v1/grants/{id}. Anyone may revoke their
// own grants; revoking another user's needs users.edit, and to everyone
// else that grant does not exist.
func (a *API) revokeGrant(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	id := r.PathValue("id")
	g, err := a.cfg.Store.GetGrant(ctx, id)
	if err == nil && g.UserID != p.ID && policy.Authorize(p, policy.UsersEdit, "") != nil {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return notFound("you have no grant with ID %q; list them with `switchboard grant list`", id)
	} else if err != nil {
		return err
	}
	if g.RevokedAt.IsZero() {
		reason := "user"
		if g.UserID != p.ID {
			reason = "admin"
		}
		if err := a.cfg.Store.RevokeGrant(ctx, id, a.cfg.Now().UTC(), reason); err != nil {
			return err
		}
		a.forgetTokens()
		view := a.grantNames(ctx).grant(g, a.cfg.Now())
		if err := a.record(ctx, p, audit.CodeGrantRevoked, target{endpoint: view.Endpoint}, view, nil); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// grantNamer turns the IDs of grants into names, with one lookup per
// table per list.
type grantNamer struct {
	users, clients, endpoints map[string]string
}

func (a *API) grantNames(ctx context.Context) grantNamer {
	n := grantNamer{users: map[string]string{}, clients: map[string]string{}, endpoints: map[string]string{}}
	if us, err := a.cfg.Store.ListUsers(ctx); err == nil {
		for _, u := range us {
			n.users[u.ID] = u.Email
		}
	}
	if cs, err := a.cfg.Store.ListOAuthClients(ctx); err == nil {
		for _, c := range cs {
			n.clients[c.ID] = c.Name
		}
	}
	if es, err := a.cfg.Store.ListEndpoints(ctx); err == nil {
		for _, e := range es {
			n.endpoints[e.ID] = e.Name
		}
	}
	return n
}

func (n grantNamer) grant(g store.Grant, now time.Time) api.Grant {
	out := api.Grant{
		ID: g.ID, UserID: g.UserID, UserEmail: n.users[g.UserID], ClientID: g.ClientID, ClientName: n.clients[g.ClientID],
		Endpoint: n.endpoints[g.EndpointID], Status: "active", CreatedAt: g.CreatedAt, ExpiresAt: g.ExpiresAt,
		RevokedAt: timePtr(g.RevokedAt), RevokeReason: g.RevokeReason,
	}
	switch {
	case !g.RevokedAt.IsZero():
		out.Status = "revoked"
	case !now.Before(g.ExpiresAt):
		out.Status = "expired"
	}
	return out
}
