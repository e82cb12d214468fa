package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListGroups returns every group with its members.
func (c *Client) ListGroups(ctx context.Context) ([]api.Group, error) {
	var out api.List[api.Group]
	if err := c.do(ctx, http.MethodGet, "/api/v1/groups", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateGroup creates a local group.
func (c *Client) CreateGroup(ctx context.Context, name string) (*api.Group, error) {
	var out api.Group
	if err := c.do(ctx, http.MethodPost, "/api/v1/groups", nil, api.CreateGroupRequest{Name: name}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteGroup deletes a group with its memberships and endpoint grants.
func (c *Client) DeleteGroup(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/groups/"+seg(name), nil, nil, nil)
}

// AddGroupMember puts the user with email in the group; it returns the
// group afterwards.
func (c *Client) AddGroupMember(ctx context.Context, group, email string) (*api.Group, error) {
	var out api.Group
	if err := c.do(ctx, http.MethodPost, "/api/v1/groups/"+seg(group)+"/members", nil,
		api.AddGroupMemberRequest{Email: email}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveGroupMember takes the user with email out of the group; it
// returns the group afterwards.
func (c *Client) RemoveGroupMember(ctx context.Context, group, email string) (*api.Group, error) {
	var out api.Group
	if err := c.do(ctx, http.MethodDelete, "/api/v1/groups/"+seg(group)+"/members/"+seg(email), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
