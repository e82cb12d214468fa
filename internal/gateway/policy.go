package gateway

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// loadToolPolicy reads every endpoint's tool rules and the group names in
// one pass, for Reload; nothing on the call path touches the store.
func (g *Gateway) loadToolPolicy(ctx context.Context) (map[string][]store.ToolRule, map[string]string, error) {
	rules, err := g.cfg.Store.ListAllToolRules(ctx)
	if err != nil {
		return nil, nil, err
	}
	byEndpoint := map[string][]store.ToolRule{}
	for _, r := range rules {
		byEndpoint[r.EndpointID] = append(byEndpoint[r.EndpointID], r)
	}
	groups, err := g.cfg.Store.ListGroups(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(groups))
	for _, gr := range groups {
		names[gr.ID] = gr.Name
	}
	return byEndpoint, names, nil
}

// setToolPolicy compiles ep's rules into rt unless they are the ones
// already compiled, and reports whether they changed. A rule that no
// longer compiles is kept and fails closed (see toolpolicy); the error is
// logged. Reload holds reloadMu.
func (g *Gateway) setToolPolicy(rt *endpointRT, ep store.Endpoint, rules []store.ToolRule) bool {
	var key strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&key, "%s/%d/%d;", r.ID, r.Position, r.UpdatedAt.UnixNano())
	}
	if key.String() == rt.rulesKey && rt.rules.Load() != nil {
		return false
	}
	set, err := toolpolicy.Compile(rules)
	if err != nil {
		g.cfg.Logger.Error("tool rule does not compile; deny rules fail closed", "endpoint", ep.Name, "err", err)
	}
	rt.rules.Store(set)
	rt.rulesKey = key.String()
	return true
}

// notifyToolsChanged makes the SDK send notifications/tools/list_changed
// to rt's sessions, so that clients list again after a rule change: it
// registers one exposed tool again, unchanged.
func (g *Gateway) notifyToolsChanged(rt *endpointRT) {
	routes := *rt.routes.Load()
	for name, r := range routes {
		if def, err := mcpTool(name, r.tool); err == nil {
			rt.server.AddTool(def, g.toolHandler(rt, name, r))
			return
		}
	}
}

// policyPrincipal is p as the rules see it, its group IDs named from the
// map loaded at Reload. Groups are created without a reload (SSO sign-in,
// the groups API), so an unknown ID refreshes the map, at most once a
// second: a deny rule on a new group must not be skipped.
func (g *Gateway) policyPrincipal(ctx context.Context, rt *endpointRT, p identity.Principal) toolpolicy.Principal {
	out := toolpolicy.Principal{ID: p.ID, Email: p.Email, Type: p.Type, Role: p.Role}
	if len(p.Groups) == 0 {
		return out
	}
	names := *rt.groupNames.Load()
	for _, id := range p.Groups {
		if _, ok := names[id]; !ok {
			names = g.refreshGroupNames(ctx, rt, names)
			break
		}
	}
	out.Groups = make([]string, 0, len(p.Groups))
	for _, id := range p.Groups {
		if n, ok := names[id]; ok {
			out.Groups = append(out.Groups, n)
		}
	}
	return out
}

// groupRefreshEvery bounds how often an unknown group ID reloads names.
const groupRefreshEvery = time.Second

func (g *Gateway) refreshGroupNames(ctx context.Context, rt *endpointRT, cur map[string]string) map[string]string {
	now := g.cfg.Now().UnixNano()
	last := rt.groupsAt.Load()
	if now-last < int64(groupRefreshEvery) || !rt.groupsAt.CompareAndSwap(last, now) {
		return cur
	}
	groups, err := g.cfg.Store.ListGroups(ctx)
	if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "group names for tool rules could not be loaded", "err", err)
		return cur
	}
	names := make(map[string]string, len(groups))
	for _, gr := range groups {
		names[gr.ID] = gr.Name
	}
	rt.groupNames.Store(&names)
	return names
}

// policyInput is one call to route r as the rules see it.
func (g *Gateway) policyInput(ctx context.Context, rt *endpointRT, p identity.Principal, exposed string, r route) toolpolicy.Input {
	return toolpolicy.Input{
		Principal: g.policyPrincipal(ctx, rt, p), Endpoint: rt.ep.Load().Name, Tool: exposed,
		Server: r.server.Name, UpstreamTool: r.tool.Name,
	}
}

// applyToolPolicy is step 3 of a call: it returns a tool error naming the
// rule when the endpoint's rules deny the call, after auditing the denial
// (mcp.tool.denied, outcome denied, the rule ID in Error). ev must hold the
// request as audited.
func (g *Gateway) applyToolPolicy(ctx context.Context, rt *endpointRT, req *mcp.CallToolRequest, ev store.AuditEvent, exposed string, r route) (*mcp.CallToolResult, bool) {
	set := rt.rules.Load()
	if set.Len() == 0 {
		return nil, false
	}
	p, _ := principalOf(req.GetExtra().TokenInfo)
	in := g.policyInput(ctx, rt, p, exposed, r)
	if set.NeedsArgs() {
		in.Args = toolpolicy.DecodeArgs(req.Params.Arguments)
	}
	d := set.Decide(&in)
	if d.Err != nil {
		g.cfg.Logger.WarnContext(ctx, "tool rule failed to evaluate", "endpoint", ev.Endpoint, "rule", d.Rule.ID, "request_id", ev.RequestID, "err", d.Err)
	}
	if d.Allow {
		return nil, false
	}
	msg := fmt.Sprintf("Switchboard policy denied %s: rule %q (%s) of endpoint %q (request %s).",
		exposed, d.Rule.Name, d.Rule.ID, ev.Endpoint, ev.RequestID)
	res, body, _ := toolError(msg)
	ev.Code, ev.Outcome, ev.Time = audit.CodeToolDenied, audit.OutcomeDenied, g.cfg.Now()
	ev.Error = fmt.Sprintf("denied by rule %s (%q)", d.Rule.ID, d.Rule.Name)
	ev.Response = body
	if _, err := g.cfg.Audit.Record(ctx, ev); err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit denied call failed", "request_id", ev.RequestID, "err", err)
	}
	return res, true
}

// filterToolsList drops from a tools/list result the tools that the
// caller's rules certainly deny without looking at arguments. The
// endpoint's server is shared by every principal, so the SDK's list is
// copied, never changed in place.
func (g *Gateway) filterToolsList(ctx context.Context, rt *endpointRT, req mcp.Request, res mcp.Result) mcp.Result {
	lr, ok := res.(*mcp.ListToolsResult)
	set := rt.rules.Load()
	if !ok || set.Len() == 0 {
		return res
	}
	p, _ := principalOf(req.GetExtra().TokenInfo)
	ep, routes := rt.ep.Load(), *rt.routes.Load()
	in := toolpolicy.Input{Principal: g.policyPrincipal(ctx, rt, p), Endpoint: ep.Name}
	out := *lr
	out.Tools = make([]*mcp.Tool, 0, len(lr.Tools))
	for _, t := range lr.Tools {
		r := routes[t.Name]
		in.Tool, in.Server, in.UpstreamTool = t.Name, r.server.Name, r.tool.Name
		if set.Visible(&in) {
			out.Tools = append(out.Tools, t)
		}
	}
	return &out
}
