package apiclient

import (
	"context"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// VaultStatus returns the keyring: data key IDs, the active one and how
// many records each seals. Never key material.
func (c *Client) VaultStatus(ctx context.Context) (*api.VaultStatus, error) {
	var out api.VaultStatus
	if err := c.do(ctx, http.MethodGet, "/api/v1/vault", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RotateVault rotates the data key on the server and re-seals every
// record with the new one; it returns when the rotation is done.
func (c *Client) RotateVault(ctx context.Context, req api.VaultRotateRequest) (*api.VaultRotateReport, error) {
	var out api.VaultRotateReport
	if err := c.do(ctx, http.MethodPost, "/api/v1/vault/rotate", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
