package audit

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// canonical is the frozen encoding that the hash covers. Its field order is
// alphabetical by JSON key and times are UTC RFC 3339 with nanoseconds. Never
// change a tag or a format: old chains would stop verifying.
type canonical struct {
	ActorEmail    string          `json:"actor_email"`
	ActorID       string          `json:"actor_id"`
	ActorType     string          `json:"actor_type"`
	ClientIP      string          `json:"client_ip"`
	ClientName    string          `json:"client_name"`
	ClientVersion string          `json:"client_version"`
	Code          string          `json:"code"`
	DurationUS    int64           `json:"duration_us"`
	Endpoint      string          `json:"endpoint"`
	Error         string          `json:"error"`
	ID            string          `json:"id"`
	Method        string          `json:"method"`
	Outcome       string          `json:"outcome"`
	Request       json.RawMessage `json:"request"`
	RequestID     string          `json:"request_id"`
	Response      json.RawMessage `json:"response"`
	Seq           int64           `json:"seq"`
	Server        string          `json:"server"`
	SessionID     string          `json:"session_id"`
	Time          string          `json:"time"`
	TokenID       string          `json:"token_id"`
	Tool          string          `json:"tool"`
	TraceID       string          `json:"trace_id"`
	UserAgent     string          `json:"user_agent"`
}

// Hash computes SHA-256(prev || canonical JSON of ev). ev.Hash and
// ev.PrevHash themselves are not part of the encoding.
func Hash(prev []byte, ev store.AuditEvent) ([]byte, error) {
	c := canonical{
		ActorEmail: ev.ActorEmail, ActorID: ev.ActorID, ActorType: ev.ActorType,
		ClientIP: ev.ClientIP, ClientName: ev.ClientName, ClientVersion: ev.ClientVersion, Code: ev.Code,
		DurationUS: ev.DurationUS, Endpoint: ev.Endpoint, Error: ev.Error, ID: ev.ID,
		Method: ev.Method, Outcome: ev.Outcome, Request: nullIfEmpty(ev.Request),
		RequestID: ev.RequestID, Response: nullIfEmpty(ev.Response), Seq: ev.Seq,
		Server: ev.Server, SessionID: ev.SessionID,
		Time:    ev.Time.UTC().Format(time.RFC3339Nano),
		TokenID: ev.TokenID, Tool: ev.Tool, TraceID: ev.TraceID, UserAgent: ev.UserAgent,
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("audit: encode event %d: %w", ev.Seq, err)
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(b)
	return h.Sum(nil), nil
}

func nullIfEmpty(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("null")
	}
	return m
}
