package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	Actor     string
	Endpoint  string
	Server    string
	Tool      string
	Code      string
	Outcome   string
	RequestID string
	Text      string    // in the request, response or error, ignoring ASCII case
	Since     time.Time // inclusive
	Until     time.Time // exclusive
	Cursor    string    // from a previous page's NextCursor
	After     int64     // > 0: events after this Seq, oldest first (not with Cursor)
	Limit     int       // page size; 0 lets the server choose
}

// Values encodes the filter as the query of GET /api/v1/audit.
func (f AuditFilter) Values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("actor", f.Actor)
	set("endpoint", f.Endpoint)
	set("server", f.Server)
	set("tool", f.Tool)
	set("code", f.Code)
	set("outcome", f.Outcome)
	set("request_id", f.RequestID)
	set("q", f.Text)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.UTC().Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		q.Set("until", f.Until.UTC().Format(time.RFC3339Nano))
	}
	set("cursor", f.Cursor)
	if f.After > 0 {
		q.Set("after", strconv.FormatInt(f.After, 10))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return q
}

// ListAudit returns one page of audit events, newest first.
func (c *Client) ListAudit(ctx context.Context, f AuditFilter) (*api.AuditList, error) {
	var out api.AuditList
	if err := c.do(ctx, http.MethodGet, "/api/v1/audit", f.Values(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAuditEvent returns one audit event with its full request and response.
func (c *Client) GetAuditEvent(ctx context.Context, seq int64) (*api.AuditEvent, error) {
	var out api.AuditEvent
	path := "/api/v1/audit/" + strconv.FormatInt(seq, 10)
	if err := c.do(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
