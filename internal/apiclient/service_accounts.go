package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// ListServiceAccounts returns every service account with its tokens.
func (c *Client) ListServiceAccounts(ctx context.Context) ([]api.ServiceAccount, error) {
	var out api.List[api.ServiceAccount]
	if err := c.do(ctx, http.MethodGet, "/api/v1/service-accounts", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateServiceAccount creates a service account.
func (c *Client) CreateServiceAccount(ctx context.Context, req api.CreateServiceAccountRequest) (*api.ServiceAccount, error) {
	var out api.ServiceAccount
	if err := c.do(ctx, http.MethodPost, "/api/v1/service-accounts", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateServiceAccountToken issues a service account a token bound to
// one endpoint; the answer carries its value, shown once.
func (c *Client) CreateServiceAccountToken(ctx context.Context, account string, req api.CreateServiceAccountTokenRequest) (*api.CreateTokenResponse, error) {
	var out api.CreateTokenResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/service-accounts/"+seg(account)+"/tokens", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeServiceAccountToken revokes token id of a service account.
func (c *Client) RevokeServiceAccountToken(ctx context.Context, account, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/service-accounts/"+seg(account)+"/tokens/"+seg(id), nil, nil, nil)
}

// DeleteServiceAccount deletes a service account with its tokens and
// endpoint grants.
func (c *Client) DeleteServiceAccount(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/service-accounts/"+seg(name), nil, nil, nil)
}
