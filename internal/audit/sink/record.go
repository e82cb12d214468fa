package sink

import (
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// record is the JSON shape of one event. It matches the admin API's
// api.AuditEvent field for field (a test in package admin compares them),
// so a line from a sink, an export and the API read the same.
type record struct {
	Seq           int64           `json:"seq"`
	ID            string          `json:"id"`
	Time          time.Time       `json:"time"`
	Code          string          `json:"code"`
	RequestID     string          `json:"request_id,omitempty"`
	ActorType     string          `json:"actor_type,omitempty"`
	ActorID       string          `json:"actor_id,omitempty"`
	ActorEmail    string          `json:"actor_email,omitempty"`
	TokenID       string          `json:"token_id,omitempty"`
	ClientName    string          `json:"client_name,omitempty"`
	ClientVersion string          `json:"client_version,omitempty"`
	ClientIP      string          `json:"client_ip,omitempty"`
	UserAgent     string          `json:"user_agent,omitempty"`
	TraceID       string          `json:"trace_id,omitempty"`
	SessionID     string          `json:"session_id,omitempty"`
	Endpoint      string          `json:"endpoint,omitempty"`
	Server        string          `json:"server,omitempty"`
	Tool          string          `json:"tool,omitempty"`
	Method        string          `json:"method,omitempty"`
	Outcome       string          `json:"outcome,omitempty"`
	Error         string          `json:"error,omitempty"`
	Request       json.RawMessage `json:"request,omitempty"`
	Response      json.RawMessage `json:"response,omitempty"`
	Redactions    json.RawMessage `json:"redactions,omitempty"`
	DurationUS    int64           `json:"duration_us,omitempty"`
	Hash          string          `json:"hash"`
}

func toRecord(ev store.AuditEvent) record {
	return record{
		Seq: ev.Seq, ID: ev.ID, Time: ev.Time, Code: ev.Code, RequestID: ev.RequestID,
		ActorType: ev.ActorType, ActorID: ev.ActorID, ActorEmail: ev.ActorEmail, TokenID: ev.TokenID,
		ClientName: ev.ClientName, ClientVersion: ev.ClientVersion, ClientIP: ev.ClientIP,
		UserAgent: ev.UserAgent, TraceID: ev.TraceID, SessionID: ev.SessionID,
		Endpoint: ev.Endpoint, Server: ev.Server, Tool: ev.Tool, Method: ev.Method,
		Outcome: ev.Outcome, Error: ev.Error, Request: validOrNil(ev.Request), Response: validOrNil(ev.Response),
		Redactions: validOrNil(json.RawMessage(ev.Redactions)),
		DurationUS: ev.DurationUS, Hash: hex.EncodeToString(ev.Hash),
	}
}

// validOrNil drops a stored payload that is not valid JSON rather than
// failing the whole line; the writer only stores JSON, so this guards
// against a damaged row.
func validOrNil(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || !json.Valid(m) {
		return nil
	}
	return m
}

// Encode returns ev as one line of JSON, without the newline: the shape
// of the admin API's audit event.
func Encode(ev store.AuditEvent) ([]byte, error) {
	return json.Marshal(toRecord(ev))
}
