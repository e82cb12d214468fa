package server

import (
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
	return identity.NewSSO(identity.SSOConfig{
		Store: s.store, Issuer: c.IssuerURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
		Scopes: c.Scopes, RedirectURL: strings.TrimRight(s.cfg.PublicURL, "/") + ssoCallbackPath,
		JIT: c.JIT, AllowedDomains: c.AllowedDomains, DefaultRole: c.DefaultRole, GroupsClaim: c.GroupsClaim,
		Logger: s.logger, Now: s.auth.now,
	})
}
