package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListUsers returns every user.
func (c *Client) ListUsers(ctx context.Context) ([]api.User, error) {
	var out api.List[api.User]
	if err := c.do(ctx, http.MethodGet, "/api/v1/users", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Me returns the user that the token belongs to.
func (c *Client) Me(ctx context.Context) (*api.User, error) {
	var out api.User
	if err := c.do(ctx, http.MethodGet, "/api/v1/me", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
