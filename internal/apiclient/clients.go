package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListClients returns every OAuth client, never a secret.
func (c *Client) ListClients(ctx context.Context) ([]api.Client, error) {
	var out api.List[api.Client]
	if err := c.do(ctx, http.MethodGet, "/api/v1/clients", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateClient pre-registers an OAuth client. The answer holds the secret
// of a confidential client, which the API never shows again.
func (c *Client) CreateClient(ctx context.Context, req api.CreateClientRequest) (*api.CreateClientResponse, error) {
	var out api.CreateClientResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/clients", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteClient removes an OAuth client with its grants and tokens.
func (c *Client) DeleteClient(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/clients/"+seg(id), nil, nil, nil)
}
