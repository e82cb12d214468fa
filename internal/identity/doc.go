// Package identity resolves who is calling: users, their passwords and
// browser sessions, API tokens, OAuth access tokens, and the Principal
// that every authorization decision is made about.
//
// API tokens are "sbt_" followed by 26 characters of crypto/rand.Text. Only
// their SHA-256 is stored; lookups go by hash and the final comparison is
// constant time. Verified tokens are cached for a few seconds so the MCP hot
// path does not hit the store on every request; revocation takes effect
// within that TTL.
//
// Passwords are hashed with argon2id and stored as PHC strings
// (password.go). Failed logins are throttled per account and per client
// address through the Limiter interface (ratelimit.go). Browser sessions
// (sessions.go) are random cookies stored as SHA-256, with idle and
// absolute expiry, rotated at every sign-in; their CSRF token is derived
// from the cookie.
//
// OAuth access tokens ("sba_…", access.go) are minted by package oauth and
// verified here by hash lookup, joined with their grant. AccessVerifier
// caches an answer for at most one second, so a revocation written by any
// replica takes effect within a second, and at once in the process that
// revoked (Forget). Each token is bound to the endpoint of its grant
// (Principal.EndpointID).
//
// SSO (sso.go) signs people in through an OpenID Connect provider with
// go-oidc and x/oauth2: code flow with PKCE S256, state and nonce, the ID
// token verified against the provider's keys, the user found by verified
// email or created just in time. Its groups claim maps onto groups with
// source "sso" at every sign-in (groups.go), leaving local memberships.
package identity
