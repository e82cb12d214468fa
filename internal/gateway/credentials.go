package gateway

import (
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// credentialMessage is the tool error text for a call without a usable
// credential: a personal server points the caller to the page where they
// connect (or reconnect) their own account; a shared one to an admin.
func (g *Gateway) credentialMessage(s store.Server, reconnect bool) string {
	if s.CredentialMode != store.ModePersonal {
		if reconnect {
			return fmt.Sprintf("The shared credential for server %q no longer works. Ask an admin to replace it.", s.Name)
		}
		return fmt.Sprintf("Switchboard has no credential for server %q. Ask an admin to configure one.", s.Name)
	}
	link := upstream.ConnectURL(g.cfg.PublicURL, s)
	if reconnect {
		return fmt.Sprintf("Your connection to server %q has expired or was revoked. Reconnect at %s, then try again.", s.Name, link)
	}
	return fmt.Sprintf("You have not connected your account to server %q yet. Connect at %s, then try again.", s.Name, link)
}
