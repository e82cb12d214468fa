package admin

import (
	"context"
	"encoding/json"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// target names what an admin event changed, by name as MCP events do, so
// that the audit filters by server and endpoint find admin changes too.
type target struct {
	server, endpoint string
}

// record writes an admin audit event. before and after must already have
// their secrets masked (the api types never carry any).
func (a *API) record(ctx context.Context, p identity.Principal, code string, on target, before, after any) error {
	ev := store.AuditEvent{
		Code: code, RequestID: identity.NewID("req"), ActorType: audit.ActorUser,
		ActorID: p.ID, ActorEmail: p.Email, TokenID: p.TokenID, Outcome: audit.OutcomeOK,
		Server: on.server, Endpoint: on.endpoint,
	}
	if before != nil {
		ev.Request, _ = json.Marshal(before)
	}
	if after != nil {
		ev.Response, _ = json.Marshal(after)
	}
	_, err := a.cfg.Audit.Record(ctx, ev)
	return err
}
