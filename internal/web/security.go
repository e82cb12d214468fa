package web

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// cookieNames are the cookies of the browser surface. With Secure, the
// __Host- prefix makes the browser refuse one set by another subdomain or
// without Secure and Path=/, so nobody can plant a session cookie.
type cookieNames struct {
	session string // the signed-in session
	login   string // the sign-in form's double-submit CSRF token
	sso     string // an SSO sign-in on its way through the provider (sso.go)
}

func names(secure bool) cookieNames {
	if secure {
		return cookieNames{session: "__Host-sb_session", login: "__Host-sb_login", sso: "__Host-sb_sso"}
	}
	return cookieNames{session: "sb_session", login: "sb_login", sso: "sb_sso"}
}

// loginCSRFAge is how long a sign-in form stays valid.
const loginCSRFAge = 2 * time.Hour

// csp is the policy of every page: nothing loads but our stylesheet,
// nothing frames us, forms post only to us.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// protect adds the browser headers to every response and refuses
// cross-origin submissions of form routes.
func (h *Handler) protect(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		if rt.form {
			if err := h.cop.Check(r); err != nil {
				h.csrfFailed(w, r, store.User{}, "cross-origin form submission")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		}
		rt.h(w, r)
	})
}

// formAction widens the CSP's form-action to where a form's answer
// redirects: browsers apply form-action to the redirects that follow a
// submission, and consent ends at the client's redirect URI.
func formAction(w http.ResponseWriter, redirectURI string) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return
	}
	src := u.Scheme + ":"
	if u.Scheme == "http" || u.Scheme == "https" {
		src = u.Scheme + "://" + u.Host
	}
	if strings.ContainsAny(src, " ;,'\"") {
		return
	}
	w.Header().Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'self' "+src, 1))
}

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", Expires: expires,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// loginToken returns the sign-in form's CSRF token, setting its cookie
// when the browser has none yet.
func (h *Handler) loginToken(w http.ResponseWriter, r *http.Request) string {
	if v := cookieValue(r, h.cookie.login); len(v) >= 26 && len(v) <= 64 {
		return v
	}
	v := rand.Text()
	h.setCookie(w, h.cookie.login, v, h.cfg.Now().Add(loginCSRFAge))
	return v
}

// validLoginToken checks the double submit: the form field must equal the
// cookie, which a page of another origin can neither read nor set.
func (h *Handler) validLoginToken(r *http.Request) bool {
	c, f := cookieValue(r, h.cookie.login), r.PostFormValue("csrf")
	return c != "" && subtle.ConstantTimeCompare([]byte(c), []byte(f)) == 1
}

// session returns the browser's session cookie and its user; ok is false
// when there is no live session. err is a store failure.
func (h *Handler) session(r *http.Request) (cookie string, u store.User, ok bool, err error) {
	cookie = cookieValue(r, h.cookie.session)
	if cookie == "" {
		return "", store.User{}, false, nil
	}
	_, u, err = h.cfg.Sessions.Resolve(r.Context(), cookie)
	if errors.Is(err, identity.ErrNoSession) {
		return cookie, store.User{}, false, nil
	}
	return cookie, u, err == nil, err
}
