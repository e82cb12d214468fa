package gateway

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/redact"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// redactors holds one Redactor per redaction level; both are built once.
type redactors struct {
	secrets *redact.Redactor
	all     *redact.Redactor
}

func newRedactors(rules []redact.Rule) (redactors, error) {
	s, err := redact.New(redact.Options{Secrets: true})
	if err != nil {
		return redactors{}, err
	}
	a, err := redact.New(redact.Options{Secrets: true, PII: true, Rules: rules})
	return redactors{secrets: s, all: a}, err
}

// at returns the Redactor of a level; nil (a no-op) for "off".
func (r redactors) at(level string) *redact.Redactor {
	switch level {
	case store.RedactSecrets:
		return r.secrets
	case store.RedactAll:
		return r.all
	default:
		return nil
	}
}

// auditLevel is the endpoint's audit redaction; unset means secrets, so a
// credential in a tool argument never reaches the trail by default.
func auditLevel(ep *store.Endpoint) string {
	if ep.Redaction.Audit == "" {
		return store.RedactSecrets
	}
	return ep.Redaction.Audit
}

// findings adds up what was redacted, by kind, for the audit record.
type findings map[string]int

// apply redacts doc at level and counts what it replaced. A document that
// is not JSON is returned unchanged: it came from the SDK, which parsed it.
func (f findings) apply(r *redact.Redactor, doc []byte) []byte {
	if r == nil || len(doc) == 0 {
		return doc
	}
	out, counts, err := r.JSON(doc)
	if err != nil {
		return doc
	}
	for _, c := range counts {
		f[c.Kind] += c.N
	}
	return out
}

// JSON is the list of kinds and counts, sorted, or "" when nothing was
// redacted. Values are never kept.
func (f findings) JSON() string {
	if len(f) == 0 {
		return ""
	}
	out := make([]redact.Count, 0, len(f))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		out = append(out, redact.Count{Kind: k, N: f[k]})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// redactResult applies the response level to a result the client will
// see. It returns the result and its JSON as they are after redaction.
func (f findings) redactResult(r *redact.Redactor, res *mcp.CallToolResult, body []byte) (*mcp.CallToolResult, []byte) {
	if r == nil || res == nil {
		return res, body
	}
	out := f.apply(r, body)
	if len(out) == len(body) && string(out) == string(body) {
		return res, body
	}
	var red mcp.CallToolResult
	if err := json.Unmarshal(out, &red); err != nil {
		return res, body
	}
	return &red, out
}
