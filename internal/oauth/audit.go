package oauth

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// event is an audit event of the authorization server.
type event struct {
	code     string
	user     store.User // the actor, when known
	grantID  string
	clientID string
	endpoint string
	err      string // a refusal's reason; the outcome is then "denied"
	detail   map[string]any
}

// record writes ev. An audit failure is logged and returned: the callers
// on the protocol path refuse the request rather than act unaudited.
func (s *Server) record(ctx context.Context, r *http.Request, ev event) error {
	e := store.AuditEvent{
		Code: ev.code, RequestID: identity.NewID("req"), ActorType: audit.ActorAnonymous,
		TokenID: ev.grantID, Endpoint: ev.endpoint, Outcome: audit.OutcomeOK, Method: "oauth",
	}
	if ev.user.ID != "" {
		e.ActorType, e.ActorID, e.ActorEmail = audit.ActorUser, ev.user.ID, ev.user.Email
	}
	if ev.err != "" {
		e.Outcome, e.Error = audit.OutcomeDenied, ev.err
	}
	if r != nil {
		e.ClientIP, e.UserAgent = clientIP(r), truncate(r.UserAgent(), 256)
	}
	detail := map[string]any{}
	for k, v := range ev.detail {
		detail[k] = v
	}
	if ev.clientID != "" {
		detail["client_id"] = ev.clientID
	}
	if len(detail) > 0 {
		e.Request, _ = json.Marshal(detail)
	}
	if _, err := s.cfg.Audit.Record(ctx, e); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "audit record failed", "code", ev.code, "err", err)
		return err
	}
	return nil
}

// endpointOf returns the endpoint name of a resource URL of this issuer.
func (s *Server) endpointOf(resource string) string {
	name, _ := strings.CutPrefix(resource, s.cfg.Issuer+"/mcp/")
	return name
}

// user looks up the actor of an event; a failure leaves it anonymous.
func (s *Server) user(ctx context.Context, id string) store.User {
	u, err := s.cfg.Store.GetUser(ctx, id)
	if err != nil {
		return store.User{ID: id}
	}
	return u
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
