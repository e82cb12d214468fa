package server

import (
	"context"
	"fmt"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/identity"
)

// ssoCallbackPath is where the OIDC provider sends the browser back; the
// provider must have <public_url> + this registered as a redirect URI.
const ssoCallbackPath = "/login/sso/callback"

// newSSO builds OIDC sign-in from the sso section, or returns nil when
// sso.issuer_url is empty.
func (s *Server) newSSO() (*identity.SSO, error) {
	c := s.cfg.SSO
	if !c.Enabled() {
		return nil, nil
	}
	if c.DefaultRole != "" && !store.IsBuiltinRole(c.DefaultRole) {
		if _, err := s.store.GetRoleByName(context.Background(), c.DefaultRole); err != nil {
			return nil, fmt.Errorf("sso.default_role: no role named %q (create it with `switchboard role create`, or use member): %w", c.DefaultRole, err)
		}
	}
	return identity.NewSSO(identity.SSOConfig{
		Store: s.store, Issuer: c.IssuerURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
		Scopes: c.Scopes, RedirectURL: strings.TrimRight(s.cfg.PublicURL, "/") + ssoCallbackPath,
		JIT: c.JIT, AllowedDomains: c.AllowedDomains, DefaultRole: c.DefaultRole, GroupsClaim: c.GroupsClaim,
		Logger: s.logger, Now: s.auth.now,
	})
}
