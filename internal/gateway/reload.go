package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/toolname"
)

// endpointRT is the live state of one endpoint.
type endpointRT struct {
	ep      atomic.Pointer[store.Endpoint]
	server  *mcp.Server
	handler http.Handler
	routes  atomic.Pointer[map[string]route]        // exposed name → route
	known   atomic.Pointer[map[string]toolname.Ref] // every catalog tool, exposed or not, by exposed name
	// rules is the endpoint's compiled tool policy and groupNames maps
	// group IDs to names for it; both are rebuilt on Reload (policy.go).
	rules      atomic.Pointer[toolpolicy.Set]
	groupNames atomic.Pointer[map[string]string]
	groupsAt   atomic.Int64 // UnixNano of the last refresh on an unknown group
	rulesKey   string       // what rules was compiled from; guarded by reloadMu
}

// route is where an exposed tool goes.
type route struct {
	server store.Server
	tool   store.Tool
}

// Reload rebuilds every endpoint's tool set from the store and updates the
// live MCP servers in place. Sessions of endpoints that still exist stay
// connected.
func (g *Gateway) Reload(ctx context.Context) error {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	eps, err := g.cfg.Store.ListEndpoints(ctx)
	if err != nil {
		return fmt.Errorf("gateway reload: %w", err)
	}
	servers, catalogs, err := g.loadCatalogs(ctx, eps)
	if err != nil {
		return fmt.Errorf("gateway reload: %w", err)
	}
	rules, groupNames, err := g.loadToolPolicy(ctx)
	if err != nil {
		return fmt.Errorf("gateway reload: %w", err)
	}
	old := *g.endpoints.Load()
	next := make(map[string]*endpointRT, len(eps))
	for _, ep := range eps {
		rt := old[ep.Name]
		if rt == nil || rt.ep.Load().ID != ep.ID {
			rt = g.newEndpointRT(ep)
		}
		rt.ep.Store(&ep)
		known := knownTools(ep, servers, catalogs)
		rt.known.Store(&known)
		rt.groupNames.Store(&groupNames)
		policyChanged := g.setToolPolicy(rt, ep, rules[ep.ID])
		g.apply(rt, g.desiredRoutes(ep, servers, catalogs))
		if policyChanged {
			g.notifyToolsChanged(rt) // per-principal lists may differ now
		}
		next[ep.Name] = rt
	}
	g.endpoints.Store(&next)
	return nil
}

func (g *Gateway) loadCatalogs(ctx context.Context, eps []store.Endpoint) (map[string]store.Server, map[string][]store.Tool, error) {
	list, err := g.cfg.Store.ListServers(ctx)
	if err != nil {
		return nil, nil, err
	}
	servers := make(map[string]store.Server, len(list))
	for _, s := range list {
		servers[s.ID] = s
	}
	catalogs := map[string][]store.Tool{}
	for _, ep := range eps {
		for _, id := range ep.ServerIDs {
			if _, done := catalogs[id]; done {
				continue
			}
			tools, err := g.cfg.Store.ListTools(ctx, id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, nil, err
			}
			catalogs[id] = tools
		}
	}
	return servers, catalogs, nil
}

// desiredRoutes lists the tools that ep exposes: enabled, still in the
// catalog, and not drifted since approval.
func (g *Gateway) desiredRoutes(ep store.Endpoint, servers map[string]store.Server, catalogs map[string][]store.Tool) map[string]route {
	out := map[string]route{}
	for _, sel := range ep.Tools {
		s, ok := servers[sel.ServerID]
		if !sel.Enabled || !ok {
			continue
		}
		for _, t := range catalogs[sel.ServerID] {
			if t.Name != sel.Tool || t.Hash != sel.ApprovedHash {
				continue
			}
			name := toolname.Exposed(s.Name, t.Name, !ep.Unprefixed)
			if _, dup := out[name]; dup {
				g.cfg.Logger.Warn("tool name collision; tool skipped", "endpoint", ep.Name, "name", name)
				continue
			}
			out[name] = route{server: s, tool: t}
		}
	}
	return out
}

// knownTools names every catalog tool of ep's servers, so that a refused
// call is audited with its server and tool, not only the exposed name.
func knownTools(ep store.Endpoint, servers map[string]store.Server, catalogs map[string][]store.Tool) map[string]toolname.Ref {
	out := map[string]toolname.Ref{}
	for _, id := range ep.ServerIDs {
		s := servers[id]
		for _, t := range catalogs[id] {
			out[toolname.Exposed(s.Name, t.Name, !ep.Unprefixed)] = toolname.Ref{Server: s.Name, Tool: t.Name}
		}
	}
	return out
}

func (g *Gateway) newEndpointRT(ep store.Endpoint) *endpointRT {
	rt := &endpointRT{}
	rt.routes.Store(&map[string]route{})
	rt.known.Store(&map[string]toolname.Ref{})
	rt.groupNames.Store(&map[string]string{})
	rt.server = mcp.NewServer(
		&mcp.Implementation{Name: "switchboard/" + ep.Name, Version: g.cfg.Version},
		&mcp.ServerOptions{
			Capabilities: &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{ListChanged: true}},
			Logger:       g.cfg.Logger,
		})
	rt.server.AddReceivingMiddleware(g.auditMiddleware(rt))
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return rt.server },
		&mcp.StreamableHTTPOptions{
			SessionTimeout:             g.cfg.SessionTimeout,
			DisableLocalhostProtection: g.cfg.DisableLocalhostProtection,
			Logger:                     g.cfg.Logger,
		})
	bearer := auth.RequireBearerToken(g.tokenVerifier, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: g.ResourceMetadataURL(ep.Name),
	})
	rt.handler = bearer(g.authorizeConnect(rt, mcpHandler))
	return rt
}

// apply makes rt's live server expose exactly want.
func (g *Gateway) apply(rt *endpointRT, want map[string]route) {
	have := *rt.routes.Load()
	var gone []string
	for name, r := range have {
		if w, ok := want[name]; !ok || !sameRoute(w, r) {
			gone = append(gone, name)
		}
	}
	if len(gone) > 0 {
		rt.server.RemoveTools(gone...)
	}
	for name, r := range want {
		if h, ok := have[name]; ok && sameRoute(h, r) {
			continue
		}
		def, err := mcpTool(name, r.tool)
		if err != nil {
			g.cfg.Logger.Warn("tool not exposed", "tool", name, "err", err)
			delete(want, name)
			continue
		}
		rt.server.AddTool(def, g.toolHandler(rt, name, r))
	}
	rt.routes.Store(&want)
}

// mcpTool builds the exposed definition. AddTool panics on an input schema
// that is not an object, so that is checked here.
func mcpTool(name string, t store.Tool) (*mcp.Tool, error) {
	var schema struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(t.InputSchema, &schema); err != nil || schema.Type != "object" {
		return nil, errors.New(`input schema is not of type "object"`)
	}
	def := &mcp.Tool{Name: name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema}
	if len(t.OutputSchema) > 0 {
		def.OutputSchema = t.OutputSchema
	}
	if len(t.Annotations) > 0 {
		def.Annotations = &mcp.ToolAnnotations{}
		if err := json.Unmarshal(t.Annotations, def.Annotations); err != nil {
			return nil, fmt.Errorf("annotations: %w", err)
		}
	}
	return def, nil
}

func sameRoute(a, b route) bool {
	return a.tool.Hash == b.tool.Hash && a.server.ID == b.server.ID && a.server.UpdatedAt.Equal(b.server.UpdatedAt)
}
