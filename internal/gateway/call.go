package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// toolHandler returns the handler of one exposed tool. The route is bound
// at registration, so the hot path does no lookups.
func (g *Gateway) toolHandler(rt *endpointRT, exposed string, r route) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return g.call(ctx, rt, exposed, r, req)
	}
}

// call is the whole tools/call path, in order.
func (g *Gateway) call(ctx context.Context, rt *endpointRT, exposed string, r route, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	start := g.cfg.Now()

	// 1. Resolve the caller. 2. Authorize: the HTTP boundary checked the
	// endpoint grant, and only enabled tools are registered at all.
	// 3. Tool policy runs after 4 below, so that a denial is audited with
	// the request as redacted; its rules see the raw arguments.
	ep := rt.ep.Load()
	ev := g.requestEvent(req, ep.Name, "tools/call")
	ev.Server, ev.Tool = r.server.Name, r.tool.Name

	// 4. Redact the request if configured; the audit stores its own level.
	found := findings{}
	args := found.apply(g.redact.at(ep.Redaction.Requests), req.Params.Arguments)
	ev.Request = found.apply(g.redact.at(auditLevel(ep)), args)
	ev.Redactions = found.JSON()

	// 3. Tool policy: a denial is a tool error naming the rule (policy.go).
	if res, denied := g.applyToolPolicy(ctx, rt, req, ev, exposed, r); denied {
		return res, nil
	}

	// 5. Record "started"; fail closed.
	started := ev
	started.Code, started.Time = audit.CodeToolCallStart, start
	if _, err := g.cfg.Audit.Record(ctx, started); err != nil && !g.cfg.AuditFailOpen {
		g.cfg.Logger.ErrorContext(ctx, "audit start failed; call refused", "request_id", ev.RequestID, "err", err)
		return nil, auditUnavailable(ev.RequestID)
	} else if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit start failed; forwarding (fail-open)", "request_id", ev.RequestID, "err", err)
	}

	// 6. Inject the credential and 7. forward, with a timeout.
	userID := ""
	if r.server.CredentialMode == store.ModePersonal {
		userID = ev.ActorID
	}
	cctx, cancel := context.WithTimeout(ctx, g.cfg.CallTimeout)
	res, err := g.cfg.Pool.CallTool(cctx, r.server, userID, r.tool.Name, args)
	cancel()

	// 8. Cap the response. 9. Redact it if configured.
	res, body, rpcErr := g.outcome(&ev, r, res, err)
	res, body = found.redactResult(g.redact.at(ep.Redaction.Responses), res, body)
	body = found.apply(g.redact.at(auditLevel(ep)), body)
	ev.Redactions = found.JSON()

	// 10. Record the outcome; fail closed.
	ev.Code, ev.Time = audit.CodeToolCall, start
	ev.Response = body
	ev.DurationUS = g.cfg.Now().Sub(start).Microseconds()
	if _, err := g.cfg.Audit.Record(ctx, ev); err != nil && !g.cfg.AuditFailOpen {
		g.cfg.Logger.ErrorContext(ctx, "audit outcome failed; result withheld", "request_id", ev.RequestID, "err", err)
		return nil, auditUnavailable(ev.RequestID)
	} else if err != nil {
		g.cfg.Logger.ErrorContext(ctx, "audit outcome failed; result returned (fail-open)", "request_id", ev.RequestID, "err", err)
	}

	// 11. Return.
	return res, rpcErr
}

// outcome classifies an upstream answer, sets ev.Outcome and ev.Error, and
// returns what the client gets (a result or a JSON-RPC error) and the JSON
// to audit.
func (g *Gateway) outcome(ev *store.AuditEvent, r route, res *mcp.CallToolResult, err error) (*mcp.CallToolResult, json.RawMessage, error) {
	je, isRPC := upstream.RPCError(err)
	switch {
	case isRPC:
		ev.Outcome, ev.Error = audit.OutcomeUpstreamError, je.Message
		body, _ := json.Marshal(je)
		return nil, body, je
	case errors.Is(err, upstream.ErrNoCredential), errors.Is(err, upstream.ErrNeedsReconnect):
		ev.Outcome, ev.Error = audit.OutcomeCredentialMissing, err.Error()
		return toolError(g.credentialMessage(r.server, errors.Is(err, upstream.ErrNeedsReconnect)))
	case errors.Is(err, context.DeadlineExceeded):
		ev.Outcome, ev.Error = audit.OutcomeUpstreamError, "timed out after "+g.cfg.CallTimeout.String()
		return toolError(fmt.Sprintf("Upstream server %q did not answer within %s. Other servers' tools are unaffected.", r.server.Name, g.cfg.CallTimeout))
	case err != nil:
		ev.Outcome, ev.Error = audit.OutcomeUpstreamError, err.Error()
		g.cfg.Logger.Warn("upstream call failed", "server", r.server.Name, "tool", r.tool.Name, "request_id", ev.RequestID, "err", err)
		return toolError(fmt.Sprintf("Upstream server %q is unavailable right now (request %s). Other servers' tools are unaffected.", r.server.Name, ev.RequestID))
	}
	body, merr := json.Marshal(res)
	if merr != nil {
		ev.Outcome, ev.Error = audit.OutcomeUpstreamError, "unencodable result: "+merr.Error()
		return toolError(fmt.Sprintf("Upstream server %q sent a result that could not be relayed.", r.server.Name))
	}
	if len(body) > g.cfg.MaxResponseBytes {
		ev.Outcome = audit.OutcomeUpstreamError
		ev.Error = fmt.Sprintf("response of %d bytes exceeds the %d-byte limit", len(body), g.cfg.MaxResponseBytes)
		// The client gets a tool error; the audit keeps the upstream's body,
		// which the writer caps in turn.
		res, _, _ := toolError(fmt.Sprintf("The result of %s was %d bytes, more than the gateway's limit of %d bytes.", r.tool.Name, len(body), g.cfg.MaxResponseBytes))
		return res, body, nil
	}
	ev.Outcome = audit.OutcomeOK
	if res.IsError {
		ev.Outcome = audit.OutcomeToolError
	}
	return res, body, nil
}

// toolError is a result with isError set: the model sees msg and can react.
func toolError(msg string) (*mcp.CallToolResult, json.RawMessage, error) {
	res := &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
	body, _ := json.Marshal(res)
	return res, body, nil
}

func auditUnavailable(requestID string) error {
	return &jsonrpc.Error{
		Code:    jsonrpc.CodeInternalError,
		Message: "the audit log is unavailable, so the call was not completed (request " + requestID + ")",
	}
}
