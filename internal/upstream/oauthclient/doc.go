// Package oauthclient makes Switchboard an OAuth client of upstream MCP
// servers: discovery of the protected-resource metadata (RFC 9728) and of
// the authorization server (RFC 8414, OpenID discovery), dynamic client
// registration (RFC 7591), the authorization-code flow with PKCE S256 and
// resource indicators (RFC 8707), and refresh. It talks HTTP only; storing
// token sets and deciding when to refresh is the caller's business.
//
// Every URL taken from an upstream's answer must be https, or plain http
// on a loopback host, and every answer is read with a size limit.
package oauthclient
