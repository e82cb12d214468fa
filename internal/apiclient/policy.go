package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListToolRules returns an endpoint's tool rules in evaluation order.
func (c *Client) ListToolRules(ctx context.Context, endpoint string) ([]api.ToolRule, error) {
	var out api.List[api.ToolRule]
	if err := c.do(ctx, http.MethodGet, "/api/v1/endpoints/"+seg(endpoint)+"/rules", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// AddToolRule adds a rule to an endpoint's tool policy.
func (c *Client) AddToolRule(ctx context.Context, endpoint string, req api.CreateToolRuleRequest) (*api.ToolRule, error) {
	var out api.ToolRule
	if err := c.do(ctx, http.MethodPost, "/api/v1/endpoints/"+seg(endpoint)+"/rules", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateToolRule changes or moves rule id of an endpoint.
func (c *Client) UpdateToolRule(ctx context.Context, endpoint, id string, req api.UpdateToolRuleRequest) (*api.ToolRule, error) {
	var out api.ToolRule
	if err := c.do(ctx, http.MethodPatch, "/api/v1/endpoints/"+seg(endpoint)+"/rules/"+seg(id), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveToolRule deletes rule id of an endpoint.
func (c *Client) RemoveToolRule(ctx context.Context, endpoint, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/endpoints/"+seg(endpoint)+"/rules/"+seg(id), nil, nil, nil)
}

// DryRunToolRule replays a new or saved rule over the endpoint's recent
// tool calls; nothing is saved.
func (c *Client) DryRunToolRule(ctx context.Context, endpoint string, req api.DryRunRequest) (*api.DryRunResult, error) {
	var out api.DryRunResult
	if err := c.do(ctx, http.MethodPost, "/api/v1/endpoints/"+seg(endpoint)+"/rules/dry-run", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExplainPolicy says whether a user or service account may call a tool
// and which role, grant or rule decided.
func (c *Client) ExplainPolicy(ctx context.Context, req api.ExplainRequest) (*api.ExplainResult, error) {
	var out api.ExplainResult
	if err := c.do(ctx, http.MethodPost, "/api/v1/policy/explain", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
