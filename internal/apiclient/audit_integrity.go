package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// VerifyAudit asks the server to verify the whole hash chain. A broken
// chain is a report with OK false, not an error.
func (c *Client) VerifyAudit(ctx context.Context) (*api.AuditVerifyReport, error) {
	var out api.AuditVerifyReport
	if err := c.do(ctx, http.MethodGet, "/api/v1/audit/verify", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAuditCheckpoints returns one page of signed checkpoints, lowest seq
// first, after cursor ("" for the first page). limit 0 lets the server
// choose.
func (c *Client) ListAuditCheckpoints(ctx context.Context, cursor string, limit int) (*api.AuditCheckpointList, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out api.AuditCheckpointList
	if err := c.do(ctx, http.MethodGet, "/api/v1/audit/checkpoints", q, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AuditPublicKeys returns the public keys that verify checkpoints.
func (c *Client) AuditPublicKeys(ctx context.Context) (*api.AuditPublicKeys, error) {
	var out api.AuditPublicKeys
	if err := c.do(ctx, http.MethodGet, "/api/v1/audit/public-key", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
