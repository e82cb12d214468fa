package admin

import (
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// defaultRedaction is what a new endpoint gets: secrets never reach the
// audit trail, traffic is relayed unchanged.
var defaultRedaction = store.Redaction{Requests: store.RedactOff, Responses: store.RedactOff, Audit: store.RedactSecrets}

// mergeRedaction overlays the levels set in r on base and validates them.
func mergeRedaction(base store.Redaction, r *api.Redaction) (store.Redaction, error) {
	base = normalizeRedaction(base)
	if r == nil {
		return base, nil
	}
	for _, f := range []struct {
		field string
		in    string
		out   *string
	}{
		{"redaction.requests", r.Requests, &base.Requests},
		{"redaction.responses", r.Responses, &base.Responses},
		{"redaction.audit", r.Audit, &base.Audit},
	} {
		switch v := strings.TrimSpace(f.in); v {
		case "":
		case store.RedactOff, store.RedactSecrets, store.RedactAll:
			*f.out = v
		default:
			return base, invalid(f.field, "must be off, secrets or all")
		}
	}
	return base, nil
}

// normalizeRedaction fills unset levels with the defaults.
func normalizeRedaction(r store.Redaction) store.Redaction {
	if r.Requests == "" {
		r.Requests = defaultRedaction.Requests
	}
	if r.Responses == "" {
		r.Responses = defaultRedaction.Responses
	}
	if r.Audit == "" {
		r.Audit = defaultRedaction.Audit
	}
	return r
}

func apiRedaction(r store.Redaction) api.Redaction {
	r = normalizeRedaction(r)
	return api.Redaction{Requests: r.Requests, Responses: r.Responses, Audit: r.Audit}
}

func (a *API) updateEndpoint(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.UpdateEndpointRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	if req.Description == nil && req.Redaction == nil {
		return invalid("redaction", "set description or redaction")
	}
	if _, err := mergeRedaction(ep.Redaction, req.Redaction); err != nil {
		return err
	}
	before, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	ep, err = a.cfg.Store.UpdateEndpoint(ctx, ep.ID, func(e store.Endpoint) (store.Endpoint, error) {
		if req.Description != nil {
			e.Description = strings.TrimSpace(*req.Description)
		}
		var err error
		e.Redaction, err = mergeRedaction(e.Redaction, req.Redaction)
		e.UpdatedAt = a.cfg.Now().UTC()
		return e, err
	})
	if err != nil {
		return err
	}
	after, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	if err := a.record(ctx, p, audit.CodeEndpointUpdate, target{endpoint: ep.Name}, settings(before), settings(after)); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusOK, after)
	return nil
}

// settings is the part of an endpoint that a settings change audits.
func settings(v api.Endpoint) map[string]any {
	return map[string]any{"description": v.Description, "redaction": v.Redaction}
}
