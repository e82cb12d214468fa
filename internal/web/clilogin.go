package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// cliStateRE is the CLI's state: 16 to 128 base64url characters.
var cliStateRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)

// cliRequest is a validated /cli/login request: the CLI's loopback port,
// its state and its S256 challenge.
type cliRequest struct {
	port      int
	state     string
	challenge string
}

// parseCLIRequest validates the query of /cli/login. Nothing in it is a
// URL: the answer always goes to http://127.0.0.1:<port>/callback.
func parseCLIRequest(q url.Values) (cliRequest, bool) {
	port, err := strconv.Atoi(q.Get("port"))
	req := cliRequest{port: port, state: q.Get("state"), challenge: q.Get("challenge")}
	ok := err == nil && port >= 1024 && port <= 65535 && len(q["port"]) == 1 &&
		cliStateRE.MatchString(req.state) && identity.CLIChallengeRE.MatchString(req.challenge)
	return req, ok
}

// callback is the CLI's loopback address with params.
func (c cliRequest) callback(params url.Values) string {
	params.Set("state", c.state)
	return "http://127.0.0.1:" + strconv.Itoa(c.port) + "/callback?" + params.Encode()
}

// cliLoginPage serves GET /cli/login: sign in first if needed, then ask
// the user to confirm that the CLI may have a token.
func (h *Handler) cliLoginPage(w http.ResponseWriter, r *http.Request) {
	cookie, u, req, ok := h.cliLoginRequest(w, r)
	if !ok {
		return
	}
	formAction(w, req.callback(url.Values{}))
	h.render(w, r, http.StatusOK, "clilogin", page{Title: "Sign in the command line?", Email: u.Email,
		CSRF: identity.CSRFToken(cookie), Action: r.URL.RequestURI()})
}

// cliLogin serves POST /cli/login: on approval, a one-time code goes to
// the CLI's loopback port; the CLI trades it at POST /api/v1/cli/token.
func (h *Handler) cliLogin(w http.ResponseWriter, r *http.Request) {
	cookie, u, req, ok := h.cliLoginRequest(w, r)
	if !ok {
		return
	}
	if !identity.ValidCSRF(cookie, r.PostFormValue("csrf")) {
		h.csrfFailed(w, r, u, "CLI sign-in form without a valid CSRF token")
		return
	}
	var target string
	switch r.PostFormValue("decision") {
	case "approve":
		target = req.callback(url.Values{"code": {h.cfg.CLICodes.Issue(u.ID, req.challenge)}})
	case "deny":
		if err := h.record(r, audit.CodeLoginFailed, u, "cli_denied", map[string]any{"method": "cli_browser"}); err != nil {
			h.serverError(w, r, err)
			return
		}
		target = req.callback(url.Values{"error": {"access_denied"}})
	default:
		h.fail(w, r, http.StatusBadRequest, "Choose to sign in the CLI or cancel.")
		return
	}
	formAction(w, target)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// cliLoginRequest resolves the session and the request of a CLI sign-in
// step; without a session the browser signs in and comes back.
func (h *Handler) cliLoginRequest(w http.ResponseWriter, r *http.Request) (string, store.User, cliRequest, bool) {
	if h.cfg.CLICodes == nil {
		http.NotFound(w, r)
		return "", store.User{}, cliRequest{}, false
	}
	req, ok := parseCLIRequest(r.URL.Query())
	if !ok {
		h.fail(w, r, http.StatusBadRequest, "This sign-in link is malformed. Run switchboard login again.")
		return "", store.User{}, req, false
	}
	cookie, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return "", u, req, false
	}
	if !signedIn {
		http.Redirect(w, r, loginURL("/cli/login?"+r.URL.RawQuery), http.StatusSeeOther)
		return "", u, req, false
	}
	return cookie, u, req, true
}
