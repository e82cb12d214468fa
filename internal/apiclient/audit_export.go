package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

const exportPath = "/api/v1/audit/export"

// ExportAudit starts an export of the events f selects, oldest first, in
// format "jsonl" or "csv" (Cursor, After and Limit do not apply), and
// returns the streaming body, which the caller must close. The client's
// per-request timeout does not apply: a long trail takes as long as it
// takes, and ctx stops it. A transfer that the server breaks off part way
// fails with a read error rather than a clean EOF.
func (c *Client) ExportAudit(ctx context.Context, f AuditFilter, format string) (io.ReadCloser, error) {
	q := f.Values()
	q.Del("cursor")
	q.Del("after")
	q.Del("limit")
	q.Set("format", format)
	req, err := c.newRequest(ctx, http.MethodGet, exportPath, q, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", exportPath, err)
	}
	req.Header.Set("Accept", "application/x-ndjson, text/csv, application/json")
	hc := *c.http
	hc.Timeout = 0
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("GET %s: %w", exportPath, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, decodeError(resp)
	}
	return resp.Body, nil
}
