package upstream

import (
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ConnectURL is where a user connects (or reconnects) their own credential
// for a personal-mode server: the "My connections" page, focused on s.
// Every place that offers a "Connect" action (the gateway's
// credential_missing text, the API, the consent page) asks this function,
// so a new auth method changes the link in one place.
func ConnectURL(publicURL string, s store.Server) string {
	if s.AuthMethod == store.AuthOAuth {
		// Straight to the authorization server, then back to the page.
		return publicURL + "/connections/oauth/start?" + url.Values{"server": {s.Name}, "return_to": {"/connections"}}.Encode()
	}
	return publicURL + "/connections?server=" + url.QueryEscape(s.Name)
}
