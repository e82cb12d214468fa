package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListEndpoints returns every endpoint.
func (c *Client) ListEndpoints(ctx context.Context) ([]api.Endpoint, error) {
	var out api.List[api.Endpoint]
	if err := c.do(ctx, http.MethodGet, "/api/v1/endpoints", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateEndpoint creates an endpoint over named servers. Its tools start
// disabled.
func (c *Client) CreateEndpoint(ctx context.Context, req api.CreateEndpointRequest) (*api.Endpoint, error) {
	var out api.Endpoint
	if err := c.do(ctx, http.MethodPost, "/api/v1/endpoints", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetEndpoint returns one endpoint with every catalog tool of its servers
// and each tool's state.
func (c *Client) GetEndpoint(ctx context.Context, name string) (*api.Endpoint, error) {
	var out api.Endpoint
	if err := c.do(ctx, http.MethodGet, "/api/v1/endpoints/"+seg(name), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteEndpoint removes an endpoint.
func (c *Client) DeleteEndpoint(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/endpoints/"+seg(name), nil, nil, nil)
}

// UpdateEndpointTools enables and disables tools ("server/tool") on an
// endpoint in one change and returns the endpoint as it is afterwards.
func (c *Client) UpdateEndpointTools(ctx context.Context, name string, req api.UpdateToolsRequest) (*api.Endpoint, error) {
	var out api.Endpoint
	if err := c.do(ctx, http.MethodPatch, "/api/v1/endpoints/"+seg(name)+"/tools", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateEndpoint changes an endpoint's description or redaction levels.
func (c *Client) UpdateEndpoint(ctx context.Context, name string, req api.UpdateEndpointRequest) (*api.Endpoint, error) {
	var out api.Endpoint
	if err := c.do(ctx, http.MethodPatch, "/api/v1/endpoints/"+seg(name), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GrantEndpoint lets a user or the members of a group connect to an
// endpoint.
func (c *Client) GrantEndpoint(ctx context.Context, name string, req api.GrantEndpointRequest) (*api.EndpointGrant, error) {
	var out api.EndpointGrant
	if err := c.do(ctx, http.MethodPost, "/api/v1/endpoints/"+seg(name)+"/grants", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeEndpointGrant removes grant id of an endpoint.
func (c *Client) RevokeEndpointGrant(ctx context.Context, name, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/endpoints/"+seg(name)+"/grants/"+seg(id), nil, nil, nil)
}
