package admin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func (a *API) listEndpoints(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	eps, err := a.cfg.Store.ListEndpoints(r.Context())
	if err != nil {
		return err
	}
	out := api.List[api.Endpoint]{Items: make([]api.Endpoint, 0, len(eps))}
	for _, ep := range eps {
		if !mayRead(p, policy.EndpointsRead, ep.Name) {
			continue
		}
		v, err := a.endpointView(r.Context(), ep)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getEndpoint(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	ep, err := a.endpoint(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	v, err := a.endpointView(r.Context(), ep)
	if err != nil {
		return err
	}
	if v.Grants, err = a.endpointGrants(r.Context(), ep); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) endpoint(ctx context.Context, name string) (store.Endpoint, error) {
	ep, err := a.cfg.Store.GetEndpointByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return ep, notFound("no endpoint named %q; list them with `switchboard endpoint list`", name)
	}
	return ep, err
}

func (a *API) createEndpoint(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateEndpointRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	ids, err := a.validateEndpoint(ctx, &req)
	if err != nil {
		return err
	}
	red, err := mergeRedaction(defaultRedaction, req.Redaction)
	if err != nil {
		return err
	}
	now := a.cfg.Now().UTC()
	ep := store.Endpoint{ID: identity.NewID("ep"), Name: req.Name, Description: req.Description,
		ServerIDs: ids, Unprefixed: req.Unprefixed, Redaction: red, CreatedAt: now, UpdatedAt: now}
	if err := a.cfg.Store.CreateEndpoint(ctx, ep); errors.Is(err, store.ErrConflict) {
		return conflict("name", "an endpoint named %q exists already", req.Name)
	} else if err != nil {
		return err
	}
	v, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	if err := a.record(ctx, p, audit.CodeEndpointCreate, target{endpoint: ep.Name}, nil, v); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// validateEndpoint checks req and resolves its server names to IDs.
func (a *API) validateEndpoint(ctx context.Context, req *api.CreateEndpointRequest) ([]string, error) {
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Name == "":
		return nil, invalid("name", "is required")
	case !nameRE.MatchString(req.Name):
		return nil, invalid("name", "must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit")
	case len(req.Servers) == 0:
		return nil, invalid("servers", "must name at least one server")
	}
	ids := make([]string, 0, len(req.Servers))
	for i, name := range req.Servers {
		if slices.Index(req.Servers, name) != i {
			return nil, invalid("servers", "names %q twice", name)
		}
		s, err := a.cfg.Store.GetServerByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid("servers", "no server named %q", name)
		} else if err != nil {
			return nil, err
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

func (a *API) deleteEndpoint(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	before, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteEndpoint(ctx, ep.ID); err != nil {
		return err
	}
	if err := a.record(ctx, p, audit.CodeEndpointDelete, target{endpoint: ep.Name}, before, nil); err != nil {
		return err
	}
	a.changed(ctx)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
