package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// grantEndpoint serves POST /api/v1/endpoints/{name}/grants: it lets a
// user (by email) or a group (by name) connect to the endpoint.
func (a *API) grantEndpoint(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.GrantEndpointRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	g := store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: ep.ID, CreatedAt: a.cfg.Now().UTC()}
	label, err := a.grantPrincipal(ctx, req, &g)
	if err != nil {
		return err
	}
	err = a.cfg.Store.AddEndpointGrant(ctx, g)
	if errors.Is(err, store.ErrConflict) {
		return conflict(g.PrincipalType, "%s %q already has a grant on endpoint %q", g.PrincipalType, label, ep.Name)
	} else if err != nil {
		return err
	}
	a.forgetTokens()
	view := endpointGrantView(g, ep.Name, label)
	if err := a.record(ctx, p, audit.CodeEndpointGrant, target{endpoint: ep.Name}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

// grantPrincipal resolves the one principal that req names into g and
// returns its label: an email or a name.
func (a *API) grantPrincipal(ctx context.Context, req api.GrantEndpointRequest, g *store.EndpointGrant) (string, error) {
	user, group, sa := strings.TrimSpace(req.User), strings.TrimSpace(req.Group), strings.TrimSpace(req.ServiceAccount)
	n := 0
	for _, v := range []string{user, group, sa} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return "", invalid("group", "give one of user, group and service_account, not both or all")
	case user != "":
		u, err := a.cfg.Store.GetUserByEmail(ctx, strings.ToLower(user))
		if errors.Is(err, store.ErrNotFound) {
			return "", invalid("user", "no user with email %q; list them with `switchboard user list`", user)
		} else if err != nil {
			return "", err
		}
		g.PrincipalType, g.PrincipalID = store.GrantUser, u.ID
		return u.Email, nil
	case group != "":
		gr, err := a.cfg.Store.GetGroupByName(ctx, group)
		if errors.Is(err, store.ErrNotFound) {
			return "", invalid("group", "no group named %q; list them with `switchboard group list`", group)
		} else if err != nil {
			return "", err
		}
		g.PrincipalType, g.PrincipalID = store.GrantGroup, gr.ID
		return gr.Name, nil
	case sa != "":
		acc, err := a.cfg.Store.GetServiceAccountByName(ctx, sa)
		if errors.Is(err, store.ErrNotFound) {
			return "", invalid("service_account", "no service account named %q; list them with `switchboard service-account list`", sa)
		} else if err != nil {
			return "", err
		}
		g.PrincipalType, g.PrincipalID = store.GrantServiceAccount, acc.ID
		return acc.Name, nil
	}
	return "", invalid("user", "required: give user (an email), group or service_account (a name)")
}

// revokeEndpointGrant serves DELETE /api/v1/endpoints/{name}/grants/{id}.
// Tokens of the principal stop working within the verifiers' cache TTL on
// other replicas, and at once on this one.
func (a *API) revokeEndpointGrant(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	grants, err := a.endpointGrants(ctx, ep)
	if err != nil {
		return err
	}
	var before *api.EndpointGrant
	for i := range grants {
		if grants[i].ID == id {
			before = &grants[i]
		}
	}
	if before == nil {
		return notFound("endpoint %q has no grant with ID %q; see `switchboard endpoint show %s`", ep.Name, id, ep.Name)
	}
	err = a.cfg.Store.RemoveEndpointGrant(ctx, ep.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("endpoint %q has no grant with ID %q", ep.Name, id)
	} else if err != nil {
		return err
	}
	a.forgetTokens()
	if err := a.record(ctx, p, audit.CodeEndpointRevoke, target{endpoint: ep.Name}, before, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// endpointGrants returns the grants of ep with their principals named.
func (a *API) endpointGrants(ctx context.Context, ep store.Endpoint) ([]api.EndpointGrant, error) {
	gs, err := a.cfg.Store.ListEndpointGrants(ctx, ep.ID)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	names := map[string]string{}
	users, err := a.cfg.Store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		names[store.GrantUser+"/"+u.ID] = u.Email
	}
	groups, err := a.cfg.Store.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		names[store.GrantGroup+"/"+g.ID] = g.Name
	}
	accounts, err := a.cfg.Store.ListServiceAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, sa := range accounts {
		names[store.GrantServiceAccount+"/"+sa.ID] = sa.Name
	}
	out := make([]api.EndpointGrant, 0, len(gs))
	for _, g := range gs {
		out = append(out, endpointGrantView(g, ep.Name, names[g.PrincipalType+"/"+g.PrincipalID]))
	}
	return out, nil
}

func endpointGrantView(g store.EndpointGrant, endpoint, label string) api.EndpointGrant {
	return api.EndpointGrant{ID: g.ID, Endpoint: endpoint, PrincipalType: g.PrincipalType,
		PrincipalID: g.PrincipalID, Principal: label, CreatedAt: g.CreatedAt}
}
