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
