package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListTokens returns the metadata of the caller's API tokens.
func (c *Client) ListTokens(ctx context.Context) ([]api.Token, error) {
	var out api.List[api.Token]
	if err := c.do(ctx, http.MethodGet, "/api/v1/tokens", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateToken creates an API token. The answer holds its value, which the
// API never shows again.
func (c *Client) CreateToken(ctx context.Context, req api.CreateTokenRequest) (*api.CreateTokenResponse, error) {
	var out api.CreateTokenResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/tokens", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeToken revokes an API token by ID.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/tokens/"+seg(id), nil, nil, nil)
}
