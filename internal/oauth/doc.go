// Package oauth is Switchboard's OAuth 2.1 authorization server for AI
// clients: metadata (RFC 8414, RFC 9728), dynamic client registration
// (RFC 7591), the authorization code flow with PKCE S256 and resource
// indicators (RFC 8707), refresh token rotation with reuse detection, and
// revocation (RFC 7009).
//
// It is a narrow implementation of our own rather than a library; DESIGN.md
// beside this file says why and draws the sequence. One file per concern:
// metadata.go, register.go, redirect.go, authorize.go, consent.go,
// clientauth.go, token.go, refresh.go, revoke.go.
//
// The browser steps (sign-in and the consent page) belong to package web,
// which calls ParseAuthorize, Consent, Approve and Deny here. Tokens are
// opaque, stored as SHA-256, and verified on the MCP path by
// identity.AccessVerifier.
package oauth
