// Package web is the browser surface: sign-in, sign-out and the OAuth
// consent page, server-rendered with html/template from embedded files.
//
// It keeps its own mux and middleware, apart from the JSON surfaces
// (tailscale's safeweb argues why): every page gets a strict CSP with
// frame-ancestors 'none', nosniff and no-store; every state-changing form
// passes http.CrossOriginProtection and carries a CSRF token (derived from
// the session for signed-in forms, a double-submit cookie for the sign-in
// form). The session cookie is __Host-sb_session, HttpOnly, Secure and
// SameSite=Lax; on plain-http loopback, where a browser would drop a Secure
// cookie, it is sb_session without Secure.
//
// The protocol lives in package oauth; this package only drives its
// browser steps (ParseAuthorize, Consent, Approve, Deny). Only package
// server imports web.
package web
