package oauthclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// ErrNoRegistration means the authorization server offers no dynamic
// client registration: an admin must enter a client ID (and secret).
var ErrNoRegistration = errors.New("the authorization server does not support dynamic client registration; enter a client ID and secret")

// Registration is a client registered with an authorization server.
type Registration struct {
	ClientID     string
	ClientSecret string // "" for a public client
}

// Register registers Switchboard as a client with RFC 7591 dynamic client
// registration, for the authorization-code grant with redirectURI.
func Register(ctx context.Context, hc *http.Client, md Metadata, clientName, redirectURI string, scopes []string) (Registration, error) {
	if md.RegistrationEndpoint == "" {
		return Registration{}, ErrNoRegistration
	}
	if hc == nil {
		hc = NewHTTPClient()
	}
	body := map[string]any{
		"client_name":                clientName,
		"redirect_uris":              []string{redirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "client_secret_basic",
	}
	if len(scopes) > 0 {
		body["scope"] = joinScopes(scopes)
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, md.RegistrationEndpoint, bytes.NewReader(b))
	if err != nil {
		return Registration{}, fmt.Errorf("client registration: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Registration{}, fmt.Errorf("client registration at %s: %w", md.RegistrationEndpoint, err)
	}
	defer resp.Body.Close()
	var out struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	derr := decode(resp.Body, &out)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		if out.Error != "" {
			return Registration{}, fmt.Errorf("client registration at %s refused: %s %s", md.RegistrationEndpoint, out.Error, out.Description)
		}
		return Registration{}, fmt.Errorf("client registration at %s: HTTP %d", md.RegistrationEndpoint, resp.StatusCode)
	}
	if derr != nil {
		return Registration{}, fmt.Errorf("client registration at %s: %w", md.RegistrationEndpoint, derr)
	}
	if out.ClientID == "" {
		return Registration{}, fmt.Errorf("client registration at %s returned no client_id", md.RegistrationEndpoint)
	}
	return Registration{ClientID: out.ClientID, ClientSecret: out.ClientSecret}, nil
}
