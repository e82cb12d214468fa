package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListServers returns every upstream server.
func (c *Client) ListServers(ctx context.Context) ([]api.Server, error) {
	var out api.List[api.Server]
	if err := c.do(ctx, http.MethodGet, "/api/v1/servers", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateServer adds an upstream server and, unless req.SkipSync, syncs its
// tool catalog.
func (c *Client) CreateServer(ctx context.Context, req api.CreateServerRequest) (*api.CreateServerResponse, error) {
	var out api.CreateServerResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/servers", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetServer returns one server with its tool catalog.
func (c *Client) GetServer(ctx context.Context, name string) (*api.Server, error) {
	var out api.Server
	if err := c.do(ctx, http.MethodGet, "/api/v1/servers/"+seg(name), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteServer removes a server.
func (c *Client) DeleteServer(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/servers/"+seg(name), nil, nil, nil)
}

// SyncServer refreshes a server's tool catalog from the upstream.
func (c *Client) SyncServer(ctx context.Context, name string) (*api.SyncResult, error) {
	var out api.SyncResult
	if err := c.do(ctx, http.MethodPost, "/api/v1/servers/"+seg(name)+"/sync", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
