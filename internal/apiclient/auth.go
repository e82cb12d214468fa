package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// CreateUser creates a local user.
func (c *Client) CreateUser(ctx context.Context, req api.CreateUserRequest) (*api.User, error) {
	var out api.User
	if err := c.do(ctx, http.MethodPost, "/api/v1/users", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateUser changes a user, named by ID or email.
func (c *Client) UpdateUser(ctx context.Context, user string, req api.UpdateUserRequest) (*api.User, error) {
	var out api.User
	if err := c.do(ctx, http.MethodPatch, "/api/v1/users/"+seg(user), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetPassword replaces a user's password.
func (c *Client) SetPassword(ctx context.Context, user, password string) error {
	return c.do(ctx, http.MethodPut, "/api/v1/users/"+seg(user)+"/password", nil, api.SetPasswordRequest{Password: password}, nil)
}

// ListGrants returns the caller's connected apps, or with all everyone's.
func (c *Client) ListGrants(ctx context.Context, all bool) ([]api.Grant, error) {
	var q url.Values
	if all {
		q = url.Values{"all": {"1"}}
	}
	var out api.List[api.Grant]
	if err := c.do(ctx, http.MethodGet, "/api/v1/grants", q, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// RevokeGrant revokes a grant and every token issued under it.
func (c *Client) RevokeGrant(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/grants/"+seg(id), nil, nil, nil)
}
