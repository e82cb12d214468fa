package admin

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func (a *API) listAudit(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	q := r.URL.Query()
	f, err := auditFilter(q) // audit_export.go: the filters list and export share
	if err != nil {
		return err
	}
	f.Limit = 50
	if s := q.Get("limit"); s != "" {
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 1 || f.Limit > 1000 {
			return invalid("limit", "must be a number from 1 to 1000")
		}
	}
	if s := q.Get("cursor"); s != "" {
		if f.BeforeSeq, err = strconv.ParseInt(s, 10, 64); err != nil || f.BeforeSeq < 1 {
			return invalid("cursor", "is not a cursor from a previous page")
		}
	}
	if err := parseAfter(q, &f); err != nil {
		return err
	}
	events, err := a.cfg.Store.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	out := api.AuditList{Events: make([]api.AuditEvent, len(events))}
	for i, ev := range events {
		out.Events[i] = apiEvent(ev)
	}
	if !f.Ascending && len(events) == f.Limit && events[len(events)-1].Seq > 1 {
		out.NextCursor = strconv.FormatInt(events[len(events)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func queryTime(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, invalid(field, "must be an RFC 3339 time such as 2026-11-25T13:00:00Z")
	}
	return t, nil
}

func (a *API) getAudit(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 1 {
		return invalid("seq", "must be a positive event number")
	}
	ev, err := a.cfg.Store.GetAudit(r.Context(), seq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiEvent(ev))
	return nil
}

func apiEvent(ev store.AuditEvent) api.AuditEvent {
	return api.AuditEvent{
		Seq: ev.Seq, ID: ev.ID, Time: ev.Time, Code: ev.Code, RequestID: ev.RequestID,
		ActorType: ev.ActorType, ActorID: ev.ActorID, ActorEmail: ev.ActorEmail, TokenID: ev.TokenID,
		ClientName: ev.ClientName, ClientVersion: ev.ClientVersion, ClientIP: ev.ClientIP, UserAgent: ev.UserAgent,
		TraceID: ev.TraceID, SessionID: ev.SessionID,
		Endpoint: ev.Endpoint, Server: ev.Server, Tool: ev.Tool, Method: ev.Method,
		Outcome: ev.Outcome, Error: ev.Error, Request: ev.Request, Response: ev.Response,
		Redactions: rawOrNil(ev.Redactions),
		DurationUS: ev.DurationUS, Hash: hex.EncodeToString(ev.Hash),
	}
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
