package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ssoFlowAge is how long a browser may take at the provider.
const ssoFlowAge = 10 * time.Minute

// maxFlowCookie keeps the flow cookie under the 4 KB browsers store.
const maxFlowCookie = 3800

// ssoFlow is the content of the flow cookie: the random state, nonce and
// PKCE verifier of one sign-in, and where to go afterwards. The cookie is
// HttpOnly, SameSite=Lax (the provider's redirect back is a top-level
// GET, which carries it) and, over https, __Host-, so no other site can
// read or plant it; that, not a signature, is what stops login CSRF, as a
// signed cookie could be planted just the same. It is cleared at the
// callback, so a flow is used once.
type ssoFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
}

// ssoURL is the start of an SSO sign-in that comes back to target.
func ssoURL(target string) string {
	if target == "" || target == "/" {
		return "/login/sso"
	}
	return "/login/sso?" + url.Values{"return_to": {target}}.Encode()
}

// ssoStart serves GET /login/sso: remember a fresh flow in the browser
// and send it to the provider.
func (h *Handler) ssoStart(w http.ResponseWriter, r *http.Request) {
	if h.cfg.SSO == nil {
		h.fail(w, r, http.StatusNotFound, "Single sign-on is not configured.")
		return
	}
	target, ok := h.returnTo(w, r, r.URL.Query().Get("return_to"))
	if !ok {
		return
	}
	f := identity.NewSSOFlow()
	authURL, err := h.cfg.SSO.AuthURL(r.Context(), f)
	if err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "sso provider unavailable", "err", err)
		h.fail(w, r, http.StatusBadGateway, "The single sign-on provider cannot be reached. Try again in a moment.")
		return
	}
	raw, _ := json.Marshal(ssoFlow{State: f.State, Nonce: f.Nonce, Verifier: f.Verifier, ReturnTo: target,
		Expires: h.cfg.Now().Add(ssoFlowAge).Unix()})
	value := base64.RawURLEncoding.EncodeToString(raw)
	if len(value) > maxFlowCookie {
		h.fail(w, r, http.StatusBadRequest, "This sign-in link is too long. Start again from the application.")
		return
	}
	h.setCookie(w, h.cookie.sso, value, h.cfg.Now().Add(ssoFlowAge))
	http.Redirect(w, r, authURL, http.StatusFound)
}

// readFlow returns the browser's flow; the zero flow when it has none
// or it expired, which the state check then refuses.
func (h *Handler) readFlow(r *http.Request) ssoFlow {
	var f ssoFlow
	raw, err := base64.RawURLEncoding.DecodeString(cookieValue(r, h.cookie.sso))
	if err != nil || json.Unmarshal(raw, &f) != nil || h.cfg.Now().Unix() >= f.Expires || !safeReturn(f.ReturnTo) {
		return ssoFlow{}
	}
	return f
}

// ssoCallback serves GET /login/sso/callback: the provider sends the
// browser back with a code (or an error) and the state.
func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request) {
	if h.cfg.SSO == nil {
		h.fail(w, r, http.StatusNotFound, "Single sign-on is not configured.")
		return
	}
	f := h.readFlow(r)
	h.clearCookie(w, h.cookie.sso)
	q := r.URL.Query()
	res, err := h.cfg.SSO.Finish(r.Context(), identity.SSOFlow{State: f.State, Nonce: f.Nonce, Verifier: f.Verifier},
		q.Get("state"), q.Get("code"), q.Get("error"))
	if err != nil {
		h.ssoFailed(w, r, f.ReturnTo, err)
		return
	}
	cookie, se, err := h.cfg.Sessions.Start(r.Context(), res.User.ID, cookieValue(r, h.cookie.session))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.recordSSO(r, res, se); err != nil {
		_ = h.cfg.Sessions.End(r.Context(), cookie)
		h.serverError(w, r, err)
		return
	}
	h.setCookie(w, h.cookie.session, cookie, se.ExpiresAt)
	http.Redirect(w, r, f.ReturnTo, http.StatusSeeOther)
}

// recordSSO records a successful SSO sign-in, and the user's creation
// when it was just in time.
func (h *Handler) recordSSO(r *http.Request, res identity.SSOResult, se store.Session) error {
	if res.Created {
		if err := h.record(r, audit.CodeUserCreated, res.User, "", map[string]any{"method": "sso",
			"user": map[string]any{"id": res.User.ID, "email": res.User.Email, "role": res.User.Role}}); err != nil {
			return err
		}
	}
	detail := map[string]any{"method": "sso", "session": se.ID, "created": res.Created}
	if res.Groups != nil {
		detail["groups"] = res.Groups
	}
	return h.record(r, audit.CodeLoginOK, res.User, "", detail)
}

// ssoMessages are what the person sees for each refusal. The provider
// has proven who they are, so saying why does not help a guesser.
var ssoMessages = map[string]string{
	identity.ReasonUnknownUser: "There is no Switchboard account for this email address. Ask an admin to add you.",
	identity.ReasonSSODomain:   "Accounts for this email domain are not created automatically. Ask an admin to add you.",
	identity.ReasonDisabled:    "This account is disabled. Ask an admin.",
	identity.ReasonSSOEmail:    "The sign-in provider did not confirm a verified email address for you.",
	identity.ReasonSSOSubject:  "This email address belongs to a Switchboard account that signs in with another identity at the provider. Ask an admin.",
}

// ssoFailed records a refused SSO sign-in and shows the sign-in page.
func (h *Handler) ssoFailed(w http.ResponseWriter, r *http.Request, target string, err error) {
	le, ok := errors.AsType[*identity.LoginError](err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	if rerr := h.record(r, audit.CodeLoginFailed, le.User, le.Reason, map[string]any{"method": "sso"}); rerr != nil {
		h.serverError(w, r, rerr)
		return
	}
	msg, status := ssoMessages[le.Reason], http.StatusForbidden
	if msg == "" {
		msg, status = "Single sign-on did not complete. Start again.", http.StatusBadRequest
	}
	if target == "" {
		target = "/"
	}
	h.render(w, r, status, "login", page{Title: "Sign in", Error: msg, CSRF: h.loginToken(w, r),
		ReturnTo: target, SSO: h.ssoLink(target)})
}

// ssoLink is the sign-in page's SSO link, "" when SSO is off.
func (h *Handler) ssoLink(target string) string {
	if h.cfg.SSO == nil {
		return ""
	}
	return ssoURL(target)
}
