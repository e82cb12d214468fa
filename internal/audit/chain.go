package audit

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// canonical is the frozen encoding of an event's body: every field but
// Seq, PrevHash and Hash, with keys in alphabetical order and times in UTC
// RFC 3339 with nanoseconds. Never change a tag or a format: old chains
// would stop verifying.
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
	Redactions    string          `json:"redactions"`
	Request       json.RawMessage `json:"request"`
	RequestID     string          `json:"request_id"`
	Response      json.RawMessage `json:"response"`
	Server        string          `json:"server"`
	SessionID     string          `json:"session_id"`
	Time          string          `json:"time"`
	TokenID       string          `json:"token_id"`
	Tool          string          `json:"tool"`
	TraceID       string          `json:"trace_id"`
	UserAgent     string          `json:"user_agent"`
}

// Hash computes the chain hash of ev after prev:
//
//	SHA-256(prev || decimal(ev.Seq) || "\n" || canonical JSON of the body)
//
// ev.Hash and ev.PrevHash themselves are not covered.
func Hash(prev []byte, ev store.AuditEvent) ([]byte, error) {
	body, err := encodeBody(ev)
	if err != nil {
		return nil, err
	}
	return chainHash(prev, ev.Seq, body), nil
}

// encodeBody is the canonical JSON of everything in ev but its position
// in the chain. It needs no chain state, so the writer's callers compute
// it in parallel and the commit loop only hashes.
func encodeBody(ev store.AuditEvent) ([]byte, error) {
	c := canonical{
		ActorEmail: ev.ActorEmail, ActorID: ev.ActorID, ActorType: ev.ActorType,
		ClientIP: ev.ClientIP, ClientName: ev.ClientName, ClientVersion: ev.ClientVersion, Code: ev.Code,
		DurationUS: ev.DurationUS, Endpoint: ev.Endpoint, Error: ev.Error, ID: ev.ID,
		Method: ev.Method, Outcome: ev.Outcome, Redactions: ev.Redactions, Request: nullIfEmpty(ev.Request),
		RequestID: ev.RequestID, Response: nullIfEmpty(ev.Response),
		Server: ev.Server, SessionID: ev.SessionID,
		Time:    ev.Time.UTC().Format(time.RFC3339Nano),
		TokenID: ev.TokenID, Tool: ev.Tool, TraceID: ev.TraceID, UserAgent: ev.UserAgent,
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("audit: encode event %s: %w", ev.ID, err)
	}
	return b, nil
}

func chainHash(prev []byte, seq int64, body []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(strconv.AppendInt(nil, seq, 10))
	h.Write([]byte{'\n'})
	h.Write(body)
	return h.Sum(nil)
}

func nullIfEmpty(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("null")
	}
	return m
}
