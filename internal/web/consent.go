package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/oauth"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// consentPage serves GET /consent?<authorization request>: sign in first
// if needed, then show who asks for what.
func (h *Handler) consentPage(w http.ResponseWriter, r *http.Request) {
	cookie, u, req, ok := h.consentRequest(w, r)
	if !ok {
		return
	}
	view, err := h.cfg.OAuth.Consent(r.Context(), u, req)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	formAction(w, req.RedirectURI)
	h.render(w, r, http.StatusOK, "consent", page{Title: "Allow access?", Email: u.Email, View: view,
		CSRF: identity.CSRFToken(cookie), Action: r.URL.RequestURI(), Connect: h.consentConnects(view, r.URL.RequestURI())})
}

// consentConnects links each personal server the user has not connected
// to "My connections", which brings the browser back to the consent page.
func (h *Handler) consentConnects(view oauth.ConsentView, back string) map[string]string {
	if h.cfg.Connections == nil {
		return nil
	}
	links := map[string]string{}
	for _, s := range view.Servers {
		if s.NeedsConnect {
			links[s.Name] = "/connections?" + url.Values{"server": {s.Name}, "return_to": {back}}.Encode()
		}
	}
	return links
}

// consent serves POST /consent?<authorization request>: the request's
// parameters ride in the query, validated again; the decision, duration
// and CSRF token in the body.
func (h *Handler) consent(w http.ResponseWriter, r *http.Request) {
	cookie, u, req, ok := h.consentRequest(w, r)
	if !ok {
		return
	}
	if !identity.ValidCSRF(cookie, r.PostFormValue("csrf")) {
		h.csrfFailed(w, r, u, "consent form without a valid CSRF token")
		return
	}
	var target string
	var err error
	switch r.PostFormValue("decision") {
	case "approve":
		target, err = h.cfg.OAuth.Approve(r.Context(), r, u, req, r.PostFormValue("duration"))
	case "deny":
		target, err = h.cfg.OAuth.Deny(r.Context(), r, u, req)
	default:
		h.fail(w, r, http.StatusBadRequest, "Choose Allow or Deny.")
		return
	}
	if errors.Is(err, oauth.ErrBadDuration) {
		h.fail(w, r, http.StatusBadRequest, "Choose one of the offered access durations.")
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	formAction(w, req.RedirectURI)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// consentRequest resolves the session and the authorization request of a
// consent step. Without a session the browser goes to sign in and comes
// back; a bad request is answered by the authorization server's rules.
func (h *Handler) consentRequest(w http.ResponseWriter, r *http.Request) (string, store.User, *oauth.AuthRequest, bool) {
	cookie, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return "", u, nil, false
	}
	req, aerr := h.cfg.OAuth.ParseAuthorize(r.Context(), r.URL.Query())
	if aerr != nil {
		h.cfg.OAuth.RejectAuthorize(w, r, aerr)
		return "", u, nil, false
	}
	if !signedIn {
		// Come back to the page (a GET), also from an expired form post.
		http.Redirect(w, r, loginURL("/consent?"+r.URL.RawQuery), http.StatusSeeOther)
		return "", u, nil, false
	}
	return cookie, u, req, true
}
