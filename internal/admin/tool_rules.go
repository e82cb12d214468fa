package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxRuleName bounds a rule's name.
const maxRuleName = 100

// listToolRules serves GET /api/v1/endpoints/{name}/rules.
func (a *API) listToolRules(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	ep, err := a.endpoint(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	rules, err := a.cfg.Store.ListToolRules(r.Context(), ep.ID)
	if err != nil {
		return err
	}
	out := api.List[api.ToolRule]{Items: make([]api.ToolRule, 0, len(rules))}
	for _, tr := range rules {
		out.Items = append(out.Items, toolRuleView(tr, ep.Name))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createToolRule serves POST /api/v1/endpoints/{name}/rules. The rule is
// compiled before it is saved: a bad condition is a 400 naming the field
// with CEL's message, never a failure at call time.
func (a *API) createToolRule(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.CreateToolRuleRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	tr, err := newToolRule(req, ep.ID)
	if err != nil {
		return err
	}
	now := a.cfg.Now().UTC()
	tr.ID, tr.CreatedAt, tr.UpdatedAt = identity.NewID("rul"), now, now
	if tr.Name == "" {
		tr.Name = tr.Effect + " " + strings.Join(tr.Tools, ",")
	}
	if tr, err = a.cfg.Store.AddToolRule(ctx, tr); err != nil {
		return err
	}
	a.changed(ctx)
	view := toolRuleView(tr, ep.Name)
	if err := a.record(ctx, p, audit.CodeToolRuleCreated, target{endpoint: ep.Name}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

// newToolRule checks req and builds the rule it describes.
func newToolRule(req api.CreateToolRuleRequest, endpointID string) (store.ToolRule, error) {
	if req.Position < 0 {
		return store.ToolRule{}, invalid("position", "must be 1 or more (or 0 for last)")
	}
	tr := store.ToolRule{EndpointID: endpointID, Position: req.Position, Effect: strings.TrimSpace(req.Effect),
		Name: strings.TrimSpace(req.Name), Tools: trimAll(req.Tools), Condition: strings.TrimSpace(req.Condition), Enabled: true}
	if req.Enabled != nil {
		tr.Enabled = *req.Enabled
	}
	return tr, validateToolRule(tr)
}

// validateToolRule maps toolpolicy's verdict to a 400 naming the field.
func validateToolRule(tr store.ToolRule) error {
	if len(tr.Name) > maxRuleName {
		return invalid("name", "must be at most %d characters", maxRuleName)
	}
	var fe *toolpolicy.FieldError
	if err := toolpolicy.Validate(tr); errors.As(err, &fe) {
		return invalid(fe.Field, "%s", fe.Msg)
	} else if err != nil {
		return err
	}
	return nil
}

func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// updateToolRule serves PATCH /api/v1/endpoints/{name}/rules/{id}.
func (a *API) updateToolRule(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.UpdateToolRuleRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Position != nil && *req.Position < 1 {
		return invalid("position", "must be 1 or more")
	}
	var before store.ToolRule
	tr, err := a.cfg.Store.UpdateToolRule(ctx, ep.ID, r.PathValue("id"), func(cur store.ToolRule) (store.ToolRule, error) {
		before = cur
		patchToolRule(&cur, req)
		cur.UpdatedAt = a.cfg.Now().UTC()
		return cur, validateToolRule(cur)
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound("endpoint %q has no rule with ID %q; list them with `switchboard policy rule list %s`", ep.Name, r.PathValue("id"), ep.Name)
	} else if err != nil {
		return err
	}
	a.changed(ctx)
	view := toolRuleView(tr, ep.Name)
	if err := a.record(ctx, p, audit.CodeToolRuleUpdated, target{endpoint: ep.Name}, toolRuleView(before, ep.Name), view); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

func patchToolRule(tr *store.ToolRule, req api.UpdateToolRuleRequest) {
	if req.Effect != nil {
		tr.Effect = strings.TrimSpace(*req.Effect)
	}
	if req.Name != nil {
		tr.Name = strings.TrimSpace(*req.Name)
	}
	if req.Tools != nil {
		tr.Tools = trimAll(*req.Tools)
	}
	if req.Condition != nil {
		tr.Condition = strings.TrimSpace(*req.Condition)
	}
	if req.Position != nil {
		tr.Position = *req.Position
	}
	if req.Enabled != nil {
		tr.Enabled = *req.Enabled
	}
}

// deleteToolRule serves DELETE /api/v1/endpoints/{name}/rules/{id}.
func (a *API) deleteToolRule(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	before, err := a.cfg.Store.GetToolRule(ctx, ep.ID, id)
	if err == nil {
		err = a.cfg.Store.DeleteToolRule(ctx, ep.ID, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return notFound("endpoint %q has no rule with ID %q; list them with `switchboard policy rule list %s`", ep.Name, id, ep.Name)
	} else if err != nil {
		return err
	}
	a.changed(ctx)
	if err := a.record(ctx, p, audit.CodeToolRuleDeleted, target{endpoint: ep.Name}, toolRuleView(before, ep.Name), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func toolRuleView(tr store.ToolRule, endpoint string) api.ToolRule {
	tools := tr.Tools
	if tools == nil {
		tools = []string{}
	}
	return api.ToolRule{ID: tr.ID, Endpoint: endpoint, Position: tr.Position, Effect: tr.Effect, Name: tr.Name,
		Tools: tools, Condition: tr.Condition, Enabled: tr.Enabled, CreatedAt: tr.CreatedAt, UpdatedAt: tr.UpdatedAt}
}
