package oauthclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Metadata is what discovery learns about an upstream: where to send the
// user and where to get tokens. It is stored per server.
type Metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	RegistrationEndpoint  string   `json:"registration_endpoint,omitempty"`
	Resource              string   `json:"resource,omitempty"` // RFC 8707 indicator; "" = not sent
	ScopesSupported       []string `json:"scopes_supported,omitempty"`
	PKCEMethods           []string `json:"code_challenge_methods_supported,omitempty"`
}

// resourceMetadata is the part of RFC 9728 metadata that is used.
type resourceMetadata struct {
	Resource             string   `json:"resource"`
	AuthorizationServers []string `json:"authorization_servers"`
	ScopesSupported      []string `json:"scopes_supported"`
}

// Discover finds the authorization server of the MCP server at serverURL:
// the protected-resource metadata named by the 401's WWW-Authenticate
// header, else at the well-known paths; then the authorization server's
// RFC 8414 or OpenID metadata. A server without resource metadata is
// taken to be its own authorization server (the 2025-03-26 MCP rule).
func Discover(ctx context.Context, hc *http.Client, serverURL string) (Metadata, error) {
	if hc == nil {
		hc = NewHTTPClient()
	}
	if err := CheckURL("server URL", serverURL); err != nil {
		return Metadata{}, err
	}
	prm, err := findResourceMetadata(ctx, hc, serverURL)
	if err != nil && !errors.Is(err, errNotFound) {
		return Metadata{}, err
	}
	issuer := origin(serverURL)
	if err == nil {
		if len(prm.AuthorizationServers) == 0 {
			return Metadata{}, fmt.Errorf("the protected-resource metadata of %s names no authorization server", serverURL)
		}
		issuer = prm.AuthorizationServers[0]
	}
	md, err := authServerMetadata(ctx, hc, issuer)
	if err != nil {
		return Metadata{}, err
	}
	md.Resource = prm.Resource
	if len(prm.ScopesSupported) > 0 {
		md.ScopesSupported = prm.ScopesSupported
	}
	return md, nil
}

// findResourceMetadata follows resource_metadata from the server's 401,
// then tries /.well-known/oauth-protected-resource{path} and the root.
func findResourceMetadata(ctx context.Context, hc *http.Client, serverURL string) (resourceMetadata, error) {
	var candidates []string
	if u, err := challengeURL(ctx, hc, serverURL); err != nil {
		return resourceMetadata{}, err
	} else if u != "" {
		candidates = append(candidates, u)
	}
	candidates = append(candidates, wellKnown(serverURL, "oauth-protected-resource", true)...)
	var lastErr error = errNotFound
	for _, u := range candidates {
		var prm resourceMetadata
		err := getJSON(ctx, hc, "protected-resource metadata", u, &prm)
		if errors.Is(err, errNotFound) {
			lastErr = err
			continue
		}
		if err != nil {
			return resourceMetadata{}, err
		}
		if prm.Resource != "" && !sameResource(prm.Resource, serverURL) {
			return resourceMetadata{}, fmt.Errorf("protected-resource metadata at %s is for %q, not %s", u, prm.Resource, serverURL)
		}
		return prm, nil
	}
	return resourceMetadata{}, lastErr
}

var resourceMetadataParam = regexp.MustCompile(`resource_metadata="([^"]*)"`)

// challengeURL makes an unauthenticated request to the server and returns
// the resource_metadata URL of its WWW-Authenticate challenge, or "".
func challengeURL(ctx context.Context, hc *http.Client, serverURL string) (string, error) {
	body := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, serverURL, strings.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("server URL %s: %w", serverURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("reach %s: %w", serverURL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		return "", nil
	}
	for _, h := range resp.Header.Values("WWW-Authenticate") {
		if m := resourceMetadataParam.FindStringSubmatch(h); m != nil {
			u, err := url.Parse(serverURL)
			if err != nil {
				return "", err
			}
			ref, err := u.Parse(m[1])
			if err != nil {
				return "", fmt.Errorf("resource_metadata %q in the challenge of %s: %w", m[1], serverURL, err)
			}
			return ref.String(), nil
		}
	}
	return "", nil
}

// authServerMetadata fetches RFC 8414 metadata of issuer, falling back to
// OpenID discovery, and checks what the flow needs.
func authServerMetadata(ctx context.Context, hc *http.Client, issuer string) (Metadata, error) {
	if err := CheckURL("authorization server", issuer); err != nil {
		return Metadata{}, err
	}
	candidates := wellKnown(issuer, "oauth-authorization-server", false)
	candidates = append(candidates, wellKnown(issuer, "openid-configuration", false)...)
	if u, err := url.Parse(issuer); err == nil && strings.Trim(u.Path, "/") != "" {
		candidates = append(candidates, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration")
	}
	for _, u := range candidates {
		var md Metadata
		err := getJSON(ctx, hc, "authorization server metadata", u, &md)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return Metadata{}, err
		}
		return md, md.check(issuer)
	}
	return Metadata{}, fmt.Errorf("no authorization server metadata at %s (tried %s)", issuer, strings.Join(candidates, ", "))
}

func (md Metadata) check(issuer string) error {
	if strings.TrimSuffix(md.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return fmt.Errorf("authorization server metadata of %s names issuer %q", issuer, md.Issuer)
	}
	for what, u := range map[string]string{"authorization_endpoint": md.AuthorizationEndpoint, "token_endpoint": md.TokenEndpoint} {
		if u == "" {
			return fmt.Errorf("authorization server metadata of %s has no %s", issuer, what)
		}
		if err := CheckURL(what, u); err != nil {
			return err
		}
	}
	if md.RegistrationEndpoint != "" {
		if err := CheckURL("registration_endpoint", md.RegistrationEndpoint); err != nil {
			return err
		}
	}
	if len(md.PKCEMethods) > 0 && !slices.Contains(md.PKCEMethods, "S256") {
		return fmt.Errorf("authorization server %s does not support PKCE S256", issuer)
	}
	return nil
}

// wellKnown returns the well-known URLs of name for base: with the path
// inserted after /.well-known/name (RFC 8414 §3), and, if rootToo, at the
// root as well.
func wellKnown(base, name string, rootToo bool) []string {
	u, err := url.Parse(base)
	if err != nil {
		return nil
	}
	p := strings.TrimSuffix(u.Path, "/")
	root := u.Scheme + "://" + u.Host + "/.well-known/" + name
	if p == "" {
		return []string{root}
	}
	if rootToo {
		return []string{root + p, root}
	}
	return []string{root + p}
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// sameResource compares resource identifiers loosely: a trailing slash and
// the metadata naming the origin instead of the full URL are accepted.
func sameResource(resource, serverURL string) bool {
	r := strings.TrimSuffix(resource, "/")
	s := strings.TrimSuffix(serverURL, "/")
	return r == s || r == origin(serverURL) || strings.HasPrefix(s, r+"/")
}
