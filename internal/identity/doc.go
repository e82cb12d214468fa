// Package identity resolves who is calling: users, API tokens and the
// Principal that every authorization decision is made about.
//
// API tokens are "sbt_" followed by 26 characters of crypto/rand.Text. Only
// their SHA-256 is stored; lookups go by hash and the final comparison is
// constant time. Verified tokens are cached for a few seconds so the MCP hot
// path does not hit the store on every request; revocation takes effect
// within that TTL.
package identity
