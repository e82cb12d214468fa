package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// Login signs in with email and password and returns a new API token.
// It needs no token of its own.
func (c *Client) Login(ctx context.Context, req api.LoginRequest) (*api.LoginResponse, error) {
	var out api.LoginResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/login", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CLIToken trades the one-time code of a browser sign-in and its PKCE
// verifier for a new API token. It needs no token of its own.
func (c *Client) CLIToken(ctx context.Context, req api.CLITokenRequest) (*api.LoginResponse, error) {
	var out api.LoginResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/cli/token", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
