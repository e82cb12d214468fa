package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListConnections returns every personal-mode server with the caller's
// own connection status.
func (c *Client) ListConnections(ctx context.Context) ([]api.Connection, error) {
	var out api.List[api.Connection]
	if err := c.do(ctx, http.MethodGet, "/api/v1/me/connections", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Connect stores the caller's own static secret for a personal server.
func (c *Client) Connect(ctx context.Context, server, secret string) (*api.Connection, error) {
	var out api.Connection
	err := c.do(ctx, http.MethodPut, "/api/v1/me/connections/"+seg(server), nil, api.SecretRequest{Secret: secret}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Disconnect removes the caller's own connection to a server.
func (c *Client) Disconnect(ctx context.Context, server string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/me/connections/"+seg(server), nil, nil, nil)
}

// ListCredentials returns the status of every credential of a server.
func (c *Client) ListCredentials(ctx context.Context, server string) ([]api.CredentialStatus, error) {
	var out api.List[api.CredentialStatus]
	if err := c.do(ctx, http.MethodGet, "/api/v1/servers/"+seg(server)+"/credentials", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// RevokeCredential deletes one user's personal credential of a server.
func (c *Client) RevokeCredential(ctx context.Context, server, email string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/servers/"+seg(server)+"/credentials/"+seg(email), nil, nil, nil)
}

// SetSharedSecret replaces the shared secret of a shared-mode server.
func (c *Client) SetSharedSecret(ctx context.Context, server, secret string) (*api.CredentialStatus, error) {
	var out api.CredentialStatus
	err := c.do(ctx, http.MethodPut, "/api/v1/servers/"+seg(server)+"/credential", nil, api.SecretRequest{Secret: secret}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
