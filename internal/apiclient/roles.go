package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListRoles returns the built-in roles, then the custom ones.
func (c *Client) ListRoles(ctx context.Context) ([]api.Role, error) {
	var out api.List[api.Role]
	if err := c.do(ctx, http.MethodGet, "/api/v1/roles", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// GetRole returns the role named name.
func (c *Client) GetRole(ctx context.Context, name string) (*api.Role, error) {
	var out api.Role
	if err := c.do(ctx, http.MethodGet, "/api/v1/roles/"+seg(name), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRole creates a custom role.
func (c *Client) CreateRole(ctx context.Context, req api.CreateRoleRequest) (*api.Role, error) {
	var out api.Role
	if err := c.do(ctx, http.MethodPost, "/api/v1/roles", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRole changes a custom role's description or permissions.
func (c *Client) UpdateRole(ctx context.Context, name string, req api.UpdateRoleRequest) (*api.Role, error) {
	var out api.Role
	if err := c.do(ctx, http.MethodPatch, "/api/v1/roles/"+seg(name), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRole deletes a custom role that no user has.
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/roles/"+seg(name), nil, nil, nil)
}
