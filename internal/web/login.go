package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// returnTo reads the return URL of a sign-in request: "" (go home) or a
// safe same-origin path. ok is false for anything else, which is refused
// and recorded, never followed.
func (h *Handler) returnTo(w http.ResponseWriter, r *http.Request, raw string) (string, bool) {
	if raw == "" {
		return "/", true
	}
	if safeReturn(raw) {
		return raw, true
	}
	_ = h.record(r, audit.CodeRedirectRefused, store.User{}, "unsafe return URL",
		map[string]any{"return_to": truncate(raw, 512)})
	h.fail(w, r, http.StatusBadRequest, "This sign-in link points away from Switchboard, so it was not followed.")
	return "", false
}

// loginPage serves GET /login: the form, or straight on when signed in.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	target, ok := h.returnTo(w, r, r.URL.Query().Get("return_to"))
	if !ok {
		return
	}
	cookie, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	switch {
	case signedIn && r.URL.Query().Has("return_to"):
		http.Redirect(w, r, target, http.StatusSeeOther)
	case signedIn:
		h.render(w, r, http.StatusOK, "signedin", page{Title: "Signed in", Email: u.Email, CSRF: identity.CSRFToken(cookie)})
	default:
		h.render(w, r, http.StatusOK, "login", page{Title: "Sign in", CSRF: h.loginToken(w, r), ReturnTo: target,
			SSO: h.ssoLink(target)})
	}
}

// login serves POST /login. The session ID rotates: any session the
// browser had ends, and a new one starts.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.validLoginToken(r) {
		h.csrfFailed(w, r, store.User{}, "sign-in form without a valid CSRF token")
		return
	}
	target, ok := h.returnTo(w, r, r.PostFormValue("return_to"))
	if !ok {
		return
	}
	email := r.PostFormValue("email")
	u, err := h.cfg.Logins.Login(r.Context(), email, r.PostFormValue("password"), clientIP(r))
	if err != nil {
		h.loginFailed(w, r, email, target, err)
		return
	}
	cookie, se, err := h.cfg.Sessions.Start(r.Context(), u.ID, cookieValue(r, h.cookie.session))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.record(r, audit.CodeLoginOK, u, "", map[string]any{"method": "password", "session": se.ID}); err != nil {
		_ = h.cfg.Sessions.End(r.Context(), cookie)
		h.serverError(w, r, err)
		return
	}
	h.setCookie(w, h.cookie.session, cookie, se.ExpiresAt)
	h.clearCookie(w, h.cookie.login)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loginFailed records a refused sign-in and shows the form again with a
// message that does not say which part was wrong.
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, email, target string, err error) {
	le, ok := errors.AsType[*identity.LoginError](err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	if rerr := h.record(r, audit.CodeLoginFailed, le.User, le.Reason, map[string]any{"email": truncate(email, 320)}); rerr != nil {
		h.serverError(w, r, rerr)
		return
	}
	status, msg := http.StatusUnauthorized, "Wrong email or password."
	if le.Reason == identity.ReasonRateLimited {
		status = http.StatusTooManyRequests
		wait := max(le.RetryAfter.Round(time.Second), time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())))
		msg = fmt.Sprintf("Too many failed attempts. Try again in %v.", wait)
	}
	h.render(w, r, status, "login", page{Title: "Sign in", Error: msg, Email: email, CSRF: h.loginToken(w, r), ReturnTo: target,
		SSO: h.ssoLink(target)})
}

// logout serves POST /logout.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	cookie, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !signedIn {
		h.clearCookie(w, h.cookie.session)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if !identity.ValidCSRF(cookie, r.PostFormValue("csrf")) {
		h.csrfFailed(w, r, u, "sign-out form without a valid CSRF token")
		return
	}
	if err := h.cfg.Sessions.End(r.Context(), cookie); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.clearCookie(w, h.cookie.session)
	_ = h.record(r, audit.CodeLogout, u, "", nil)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// loginURL is the sign-in page that comes back to target afterwards.
func loginURL(target string) string {
	return "/login?" + url.Values{"return_to": {target}}.Encode()
}

// serverError logs err and shows a page without detail.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.cfg.Logger.ErrorContext(r.Context(), "browser request failed", "path", r.URL.Path, "err", err)
	h.fail(w, r, http.StatusInternalServerError, "Something went wrong on our side. Try again in a moment.")
}
