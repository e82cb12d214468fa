package web

import (
	"encoding/json"
	"net"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// record writes an audit event about the browser request r. denied, when
// set, is the refusal's reason. A failure is logged and returned.
func (h *Handler) record(r *http.Request, code string, u store.User, denied string, detail map[string]any) error {
	return h.recordOn(r, code, u, denied, "", detail)
}

// recordOn is record for an event about upstream server ("" = none).
func (h *Handler) recordOn(r *http.Request, code string, u store.User, denied, server string, detail map[string]any) error {
	ev := store.AuditEvent{
		Code: code, RequestID: identity.NewID("req"), ActorType: audit.ActorAnonymous, Method: "web",
		Outcome: audit.OutcomeOK, ClientIP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256), Server: server,
	}
	if u.ID != "" {
		ev.ActorType, ev.ActorID, ev.ActorEmail = audit.ActorUser, u.ID, u.Email
	}
	if denied != "" {
		ev.Outcome, ev.Error = audit.OutcomeDenied, denied
	}
	if len(detail) > 0 {
		ev.Request, _ = json.Marshal(detail)
	}
	if _, err := h.cfg.Audit.Record(r.Context(), ev); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "audit record failed", "code", code, "err", err)
		return err
	}
	return nil
}

// csrfFailed refuses and records a form submission that failed the CSRF
// checks.
func (h *Handler) csrfFailed(w http.ResponseWriter, r *http.Request, u store.User, reason string) {
	_ = h.record(r, audit.CodeCSRFFailed, u, reason, map[string]any{"path": r.URL.Path})
	h.fail(w, r, http.StatusForbidden, "This form expired or did not come from this site. Go back, reload the page and try again.")
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
