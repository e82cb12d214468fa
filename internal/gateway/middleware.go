package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// authorizeConnect refuses principals that may not use the endpoint.
func (g *Gateway) authorizeConnect(rt *endpointRT, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := principalOf(auth.TokenInfoFromContext(r.Context()))
		ep := rt.ep.Load()
		if !ok || policy.AuthorizeNamed(p, policy.EndpointConnect, ep.ID, ep.Name) != nil {
			ev := g.event(p, ep.Name, "connect")
			ev.Code, ev.Outcome = audit.CodeToolDenied, audit.OutcomeDenied
			ev.Error = "no access to endpoint"
			if _, err := g.cfg.Audit.Record(r.Context(), ev); err != nil {
				g.cfg.Logger.ErrorContext(r.Context(), "audit denied connect failed", "err", err)
			}
			http.Error(w, "this token may not use endpoint "+ep.Name, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// auditMiddleware records every MCP request other than tools/call (which
// the tool handler records itself) and refuses calls to tools that the
// endpoint does not expose.
func (g *Gateway) auditMiddleware(rt *endpointRT) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if strings.HasPrefix(method, "notifications/") {
				return next(ctx, method, req)
			}
			if method == "tools/call" {
				if ct, ok := req.(*mcp.CallToolRequest); ok {
					if _, exposed := (*rt.routes.Load())[ct.Params.Name]; !exposed {
						return nil, g.deny(ctx, rt, ct)
					}
				}
				return next(ctx, method, req)
			}
			start := g.cfg.Now()
			res, err := next(ctx, method, req)
			if method == "tools/list" && err == nil {
				res = g.filterToolsList(ctx, rt, req, res) // per principal; policy.go
			}
			g.recordRequest(ctx, rt, method, req, res, err, start)
			return res, err
		}
	}
}

// deny records a refused tool call and returns a generic JSON-RPC error
// that carries the audit request ID.
func (g *Gateway) deny(ctx context.Context, rt *endpointRT, req *mcp.CallToolRequest) error {
	ev := g.requestEvent(req, rt.ep.Load().Name, "tools/call")
	ev.Code, ev.Outcome, ev.Tool = audit.CodeToolDenied, audit.OutcomeDenied, req.Params.Name
	if ref, ok := (*rt.known.Load())[req.Params.Name]; ok {
		ev.Server, ev.Tool = ref.Server, ref.Tool // a catalog tool that is not enabled
	}
	found := findings{}
	ev.Request = found.apply(g.redact.at(auditLevel(rt.ep.Load())), req.Params.Arguments)
	ev.Redactions = found.JSON()
	ev.Error = "tool is not enabled on this endpoint"
	if _, err := g.cfg.Audit.Record(ctx, ev); err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit denied call failed", "err", err)
	}
	return &jsonrpc.Error{
		Code:    jsonrpc.CodeInvalidParams,
		Message: fmt.Sprintf("tool %q is not available on this endpoint (request %s)", req.Params.Name, ev.RequestID),
	}
}

func (g *Gateway) recordRequest(ctx context.Context, rt *endpointRT, method string, req mcp.Request, res mcp.Result, err error, start time.Time) {
	ev := g.requestEvent(req, rt.ep.Load().Name, method)
	ev.Time = start
	ev.DurationUS = g.cfg.Now().Sub(start).Microseconds()
	ev.Outcome = audit.OutcomeOK
	switch method {
	case "initialize":
		ev.Code = audit.CodeInitialize
		if ip, ok := req.GetParams().(*mcp.InitializeParams); ok && ip.ClientInfo != nil {
			ev.ClientName, ev.ClientVersion = ip.ClientInfo.Name, ip.ClientInfo.Version
		}
	case "tools/list":
		ev.Code = audit.CodeToolsList
		if lr, ok := res.(*mcp.ListToolsResult); ok {
			ev.Response = toolNames(lr)
		}
	default:
		ev.Code = audit.CodeMCPRequest
	}
	if err != nil {
		ev.Outcome, ev.Error = audit.OutcomeError, err.Error()
	}
	if ev.Request == nil && method != "tools/list" {
		params, _ := json.Marshal(req.GetParams())
		found := findings{}
		ev.Request = found.apply(g.redact.at(auditLevel(rt.ep.Load())), params)
		ev.Redactions = found.JSON()
	}
	if _, err := g.cfg.Audit.Record(ctx, ev); err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit record failed", "method", method, "err", err)
	}
}

func toolNames(lr *mcp.ListToolsResult) json.RawMessage {
	names := make([]string, len(lr.Tools))
	for i, t := range lr.Tools {
		names[i] = t.Name
	}
	b, _ := json.Marshal(map[string]any{"tools": names})
	return b
}

// requestEvent fills the fields common to every MCP event of req.
func (g *Gateway) requestEvent(req mcp.Request, endpoint, method string) store.AuditEvent {
	extra := req.GetExtra()
	p, _ := principalOf(extra.TokenInfo)
	ev := g.event(p, endpoint, method)
	if extra.TokenInfo != nil {
		ev.ClientIP, _ = extra.TokenInfo.Extra[clientIPExtra].(string)
	}
	if extra.Header != nil {
		ev.UserAgent, ev.TraceID = truncate(extra.Header.Get("User-Agent"), 256), traceID(extra.Header)
	}
	if ss, ok := req.GetSession().(*mcp.ServerSession); ok && ss != nil {
		ev.SessionID = ss.ID()
		if ip := ss.InitializeParams(); ip != nil && ip.ClientInfo != nil {
			ev.ClientName, ev.ClientVersion = ip.ClientInfo.Name, ip.ClientInfo.Version
		}
	}
	return ev
}

func (g *Gateway) event(p identity.Principal, endpoint, method string) store.AuditEvent {
	ev := store.AuditEvent{
		RequestID: identity.NewID("req"), Endpoint: endpoint, Method: method,
		ActorType: audit.ActorAnonymous,
	}
	if p.ID != "" {
		ev.ActorType, ev.ActorID, ev.ActorEmail, ev.TokenID = p.Type, p.ID, p.Email, p.TokenID
	}
	return ev
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
