package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/toolname"
)

// explainPolicy serves POST /api/v1/policy/explain: whether a user or a
// service account may call a tool of an endpoint with given arguments,
// and which role, grant or rule decided. It follows the gateway's order:
// connect (role, endpoint grant, token binding), tool enabled, rules.
func (a *API) explainPolicy(w http.ResponseWriter, r *http.Request, caller identity.Principal) error {
	ctx := r.Context()
	req, ep, args, err := a.explainInput(r, caller)
	if err != nil {
		return err
	}
	subjects, err := a.newSubjects(ctx)
	if err != nil {
		return err
	}
	p, label, err := a.explainSubject(ctx, req, ep)
	if err != nil {
		return err
	}
	res := api.ExplainResult{}
	if !a.explainConnect(ctx, &res, p, label, ep) || !a.explainTool(ctx, &res, ep, req.Tool) {
		return finishExplain(w, res)
	}
	rules, err := a.cfg.Store.ListToolRules(ctx, ep.ID)
	if err != nil {
		return err
	}
	set, _ := toolpolicy.Compile(rules)
	in := subjects.input(ctx, p, ep, req.Tool, args)
	d := set.Decide(&in)
	res.Steps = append(res.Steps, api.ExplainStep{Stage: api.StageRules, Allow: d.Allow, Detail: d.Reason()})
	if d.Rule != nil {
		view := toolRuleView(*d.Rule, ep.Name)
		res.Rule = &view
	}
	return finishExplain(w, res)
}

// explainInput decodes and checks an explain request; the caller needs
// endpoints.read on the endpoint it names.
func (a *API) explainInput(r *http.Request, caller identity.Principal) (api.ExplainRequest, store.Endpoint, map[string]any, error) {
	var req api.ExplainRequest
	if err := decode(r, &req); err != nil {
		return req, store.Endpoint{}, nil, err
	}
	if strings.TrimSpace(req.Endpoint) == "" {
		return req, store.Endpoint{}, nil, invalid("endpoint", "required: the endpoint's name")
	}
	if strings.TrimSpace(req.Tool) == "" {
		return req, store.Endpoint{}, nil, invalid("tool", "required: the tool's exposed name, e.g. github__delete_repo")
	}
	ep, err := a.cfg.Store.GetEndpointByName(r.Context(), req.Endpoint)
	if errors.Is(err, store.ErrNotFound) {
		return req, ep, nil, invalid("endpoint", "no endpoint named %q; list them with `switchboard endpoint list`", req.Endpoint)
	} else if err != nil {
		return req, ep, nil, err
	}
	if err := policy.AuthorizeNamed(caller, policy.EndpointsRead, ep.ID, ep.Name); err != nil {
		return req, ep, nil, err
	}
	args := map[string]any{}
	if len(req.Args) > 0 && string(req.Args) != "null" {
		if err := json.Unmarshal(req.Args, &args); err != nil || args == nil {
			return req, ep, nil, invalid("args", "must be a JSON object of the tool's arguments")
		}
	}
	return req, ep, args, nil
}

func finishExplain(w http.ResponseWriter, res api.ExplainResult) error {
	last := res.Steps[len(res.Steps)-1]
	res.Decision, res.Reason = decisionWord(last.Allow), last.Stage+": "+last.Detail
	writeJSON(w, http.StatusOK, res)
	return nil
}

// explainSubject resolves the user or service account of req into the
// principal its token would carry: a user's token unbound, a service
// account's bound to ep (the only kind that can connect).
func (a *API) explainSubject(ctx context.Context, req api.ExplainRequest, ep store.Endpoint) (identity.Principal, string, error) {
	user, sa := strings.TrimSpace(req.User), strings.TrimSpace(req.ServiceAccount)
	switch {
	case user != "" && sa != "":
		return identity.Principal{}, "", invalid("service_account", "give user or service_account, not both")
	case user != "":
		u, err := a.cfg.Store.GetUserByEmail(ctx, strings.ToLower(user))
		if errors.Is(err, store.ErrNotFound) {
			return identity.Principal{}, "", invalid("user", "no user with email %q; list them with `switchboard user list`", user)
		} else if err != nil {
			return identity.Principal{}, "", err
		}
		p := identity.Principal{Type: "user", ID: u.ID, Email: u.Email, Role: u.Role}
		if u.Disabled {
			p.Role = "" // a disabled user's tokens are refused
		}
		return p, "user " + u.Email, identity.ResolveAccess(ctx, a.cfg.Store, &p)
	case sa != "":
		acc, err := a.cfg.Store.GetServiceAccountByName(ctx, sa)
		if errors.Is(err, store.ErrNotFound) {
			return identity.Principal{}, "", invalid("service_account", "no service account named %q; list them with `switchboard service-account list`", sa)
		} else if err != nil {
			return identity.Principal{}, "", err
		}
		eps, err := a.cfg.Store.GrantedEndpoints(ctx, store.GrantServiceAccount, acc.ID)
		p := identity.Principal{Type: identity.PrincipalServiceAccount, ID: acc.ID, Email: acc.Name, EndpointID: ep.ID, Endpoints: eps}
		return p, "service account " + acc.Name, err
	}
	return identity.Principal{}, "", invalid("user", "required: give user (an email) or service_account (a name)")
}

// explainConnect adds the connect step and reports whether it allows.
func (a *API) explainConnect(ctx context.Context, res *api.ExplainResult, p identity.Principal, label string, ep store.Endpoint) bool {
	step := api.ExplainStep{Stage: api.StageConnect}
	err := policy.AuthorizeNamed(p, policy.EndpointConnect, ep.ID, ep.Name)
	roleOnly := p
	roleOnly.Endpoints, roleOnly.EndpointID = nil, ""
	switch {
	case err != nil && strings.Contains(err.Error(), "bound to another endpoint"):
		step.Detail = fmt.Sprintf("the token of %s is bound to another endpoint", label)
	case err != nil && p.Type == identity.PrincipalServiceAccount:
		step.Detail = fmt.Sprintf("%s has no grant of endpoint %q (service accounts have no role; they need a grant and a token bound to the endpoint)", label, ep.Name)
	case err != nil:
		step.Detail = fmt.Sprintf("%s: role %q does not allow %s on %q and there is no grant of the endpoint to the user or one of their groups", label, p.Role, policy.EndpointConnect, ep.Name)
	case p.Type != identity.PrincipalServiceAccount && policy.AuthorizeNamed(roleOnly, policy.EndpointConnect, ep.ID, ep.Name) == nil:
		step.Allow, step.Detail = true, fmt.Sprintf("%s: role %q allows %s on %q", label, p.Role, policy.EndpointConnect, ep.Name)
	default:
		step.Allow, step.Detail = true, fmt.Sprintf("%s: %s", label, a.grantThatAllows(ctx, p, ep))
	}
	res.Steps = append(res.Steps, step)
	return step.Allow
}

// grantThatAllows names the endpoint grant that lets p connect.
func (a *API) grantThatAllows(ctx context.Context, p identity.Principal, ep store.Endpoint) string {
	grants, err := a.endpointGrants(ctx, ep)
	if err != nil {
		return "a grant of the endpoint allows it"
	}
	for _, g := range grants {
		if g.PrincipalID == p.ID {
			s := fmt.Sprintf("direct grant %s of endpoint %q", g.ID, ep.Name)
			if p.EndpointID != "" {
				s += ", token bound to it"
			}
			return s
		}
	}
	for _, g := range grants {
		for _, id := range p.Groups {
			if g.PrincipalType == store.GrantGroup && g.PrincipalID == id {
				return fmt.Sprintf("grant %s of endpoint %q to group %q", g.ID, ep.Name, g.Principal)
			}
		}
	}
	return "a grant of the endpoint allows it"
}

// explainTool adds the tool step: the tool must be enabled (at its
// approved definition) on the endpoint.
func (a *API) explainTool(ctx context.Context, res *api.ExplainResult, ep store.Endpoint, tool string) bool {
	step := api.ExplainStep{Stage: api.StageTool}
	ref, state := a.toolState(ctx, ep, tool)
	switch state {
	case "":
		step.Detail = fmt.Sprintf("endpoint %q has no tool named %q", ep.Name, tool)
	case api.ToolEnabled:
		step.Allow, step.Detail = true, fmt.Sprintf("%s (%s) is enabled on %q", tool, ref, ep.Name)
	default:
		step.Detail = fmt.Sprintf("%s (%s) is %s on %q", tool, ref, state, ep.Name)
	}
	res.Steps = append(res.Steps, step)
	return step.Allow
}

// toolState finds the exposed tool among the endpoint's servers' catalogs
// and says whether it is enabled, disabled or drifted.
func (a *API) toolState(ctx context.Context, ep store.Endpoint, exposed string) (toolname.Ref, string) {
	enabled := map[toolname.Ref]string{}
	for _, sel := range ep.Tools {
		if sel.Enabled {
			enabled[toolname.Ref{Server: sel.ServerID, Tool: sel.Tool}] = sel.ApprovedHash
		}
	}
	for _, id := range ep.ServerIDs {
		s, err := a.cfg.Store.GetServer(ctx, id)
		if err != nil {
			continue
		}
		tools, _ := a.cfg.Store.ListTools(ctx, id)
		for _, t := range tools {
			if toolname.Exposed(s.Name, t.Name, !ep.Unprefixed) != exposed {
				continue
			}
			ref := toolname.Ref{Server: s.Name, Tool: t.Name}
			hash, ok := enabled[toolname.Ref{Server: id, Tool: t.Name}]
			switch {
			case !ok:
				return ref, api.ToolDisabled
			case hash != t.Hash:
				return ref, api.ToolDrifted
			}
			return ref, api.ToolEnabled
		}
	}
	return toolname.Ref{}, ""
}

// subjects resolves principals as the rules see them, with group names,
// caching by actor for a dry-run's many events.
type subjects struct {
	a      *API
	groups map[string]string // ID → name
	cache  map[string]*toolpolicy.Principal
}

func (a *API) newSubjects(ctx context.Context) (*subjects, error) {
	gs, err := a.cfg.Store.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	s := &subjects{a: a, groups: make(map[string]string, len(gs)), cache: map[string]*toolpolicy.Principal{}}
	for _, g := range gs {
		s.groups[g.ID] = g.Name
	}
	return s, nil
}

func (s *subjects) principal(p identity.Principal) toolpolicy.Principal {
	out := toolpolicy.Principal{ID: p.ID, Email: p.Email, Type: p.Type, Role: p.Role}
	for _, id := range p.Groups {
		if n, ok := s.groups[id]; ok {
			out.Groups = append(out.Groups, n)
		}
	}
	return out
}

func (s *subjects) input(ctx context.Context, p identity.Principal, ep store.Endpoint, exposed string, args map[string]any) toolpolicy.Input {
	in := toolpolicy.Input{Principal: s.principal(p), Endpoint: ep.Name, Tool: exposed, Args: args}
	ref, _ := s.a.toolState(ctx, ep, exposed)
	in.Server, in.UpstreamTool = ref.Server, ref.Tool
	return in
}

// byActor resolves an audit event's actor as it is now; ok is false when
// it no longer exists.
func (s *subjects) byActor(ctx context.Context, actorType, id string) (toolpolicy.Principal, bool, error) {
	key := actorType + "/" + id
	if p, ok := s.cache[key]; ok {
		return *p, p.ID != "", nil
	}
	var p identity.Principal
	switch actorType {
	case audit.ActorUser:
		u, err := s.a.cfg.Store.GetUser(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return toolpolicy.Principal{}, false, err
		}
		if err == nil {
			p = identity.Principal{Type: "user", ID: u.ID, Email: u.Email, Role: u.Role}
			if p.Groups, _, err = s.a.cfg.Store.UserAccess(ctx, u.ID); err != nil {
				return toolpolicy.Principal{}, false, err
			}
		}
	case audit.ActorServiceAccount:
		acc, err := s.a.cfg.Store.GetServiceAccount(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return toolpolicy.Principal{}, false, err
		}
		if err == nil {
			p = identity.Principal{Type: identity.PrincipalServiceAccount, ID: acc.ID, Email: acc.Name}
		}
	}
	out := s.principal(p)
	s.cache[key] = &out
	return out, out.ID != "", nil
}
