package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// Connections is what the "My connections" page needs: the store, the
// vault to seal secrets, and the pool whose session made with a replaced
// or removed credential must close.
type Connections struct {
	Store store.Store
	Vault interface {
		Seal(plaintext []byte, kind, id string) ([]byte, error)
	}
	Pool interface{ ForgetCredential(serverID, userID string) }
}

// connectionRow is one personal-mode server on the page.
type connectionRow struct {
	Name, Description, Auth string
	Status                  string // connected, expired, needs_reconnect or not_connected
	Multi                   bool   // several headers: a textarea of "Name: value" lines
	Action                  string // a link that connects, for methods without a secret form
	Focus                   bool   // named by ?server=
}

// connectionsView is the page's data beyond the common fields.
type connectionsView struct {
	Rows []connectionRow
}

// staticAuth reports whether users enter a secret for s on the page.
func staticAuth(s store.Server) bool {
	switch s.AuthMethod {
	case store.AuthBearer, store.AuthBasic, store.AuthHeader:
		return true
	}
	return false
}

// connectAction is where a "Connect" button of s goes, or "" when the
// page shows a secret form instead. Methods other than the static ones
// connect through the browser flow of upstream OAuth.
func connectAction(s store.Server, returnTo string) string {
	if staticAuth(s) {
		return ""
	}
	q := url.Values{"server": {s.Name}}
	if returnTo != "" {
		q.Set("return_to", returnTo)
	}
	return "/connections/oauth/start?" + q.Encode()
}

// doneMessages are the notes shown after a redirect back to the page
// (?done=…); anything else shows none.
var doneMessages = map[string]string{
	"saved":     "Saved.",
	"1":         "Saved.",
	"removed":   "Removed.",
	"connected": "Connected.",
}

// connectionsPage serves GET /connections[?server=NAME&return_to=PATH].
func (h *Handler) connectionsPage(w http.ResponseWriter, r *http.Request) {
	cookie, u, ok := h.connectionsSession(w, r)
	if !ok {
		return
	}
	returnTo, ok := h.connectionsReturn(w, r, u, r.URL.Query().Get("return_to"))
	if !ok {
		return
	}
	msg := doneMessages[r.URL.Query().Get("done")]
	h.renderConnections(w, r, http.StatusOK, u, cookie, returnTo, r.URL.Query().Get("server"), msg, "")
}

func (h *Handler) renderConnections(w http.ResponseWriter, r *http.Request, status int, u store.User, cookie, returnTo, focus, msg, errMsg string) {
	rows, err := h.connectionRows(r.Context(), u, returnTo, focus)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, status, "connections", page{Title: "My connections", Email: u.Email, CSRF: identity.CSRFToken(cookie),
		ReturnTo: returnTo, Message: msg, Error: errMsg, Connections: &connectionsView{Rows: rows}})
}

func (h *Handler) connectionRows(ctx context.Context, u store.User, returnTo, focus string) ([]connectionRow, error) {
	st := h.cfg.Connections.Store
	servers, err := st.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	creds, err := st.ListCredentials(ctx, store.CredentialFilter{UserID: u.ID})
	if err != nil {
		return nil, err
	}
	status := map[string]string{}
	for _, c := range creds {
		status[c.ServerID] = c.Status
		if c.Status == "" {
			status[c.ServerID] = store.CredentialConnected
		}
	}
	var rows []connectionRow
	for _, s := range servers {
		if s.CredentialMode != store.ModePersonal {
			continue
		}
		row := connectionRow{Name: s.Name, Description: s.Description, Auth: s.AuthMethod, Status: status[s.ID],
			Multi: s.AuthMethod == store.AuthHeader && s.AuthHeader == "", Action: connectAction(s, returnTo), Focus: s.Name == focus}
		if row.Status == "" {
			row.Status = "not_connected"
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// connectionsSession requires a signed-in user; without one the browser
// signs in and comes back.
func (h *Handler) connectionsSession(w http.ResponseWriter, r *http.Request) (string, store.User, bool) {
	if h.cfg.Connections == nil {
		http.NotFound(w, r)
		return "", store.User{}, false
	}
	cookie, u, signedIn, err := h.session(r)
	if err != nil {
		h.serverError(w, r, err)
		return "", u, false
	}
	if !signedIn {
		target := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			target = "/connections"
		}
		http.Redirect(w, r, loginURL(target), http.StatusSeeOther)
		return "", u, false
	}
	// The one boundary: managing one's own connections is connections.own.
	p := identity.Principal{Type: audit.ActorUser, ID: u.ID, Email: u.Email, Role: u.Role}
	if err := identity.ResolveAccess(r.Context(), h.cfg.Connections.Store, &p); err != nil {
		h.serverError(w, r, err)
		return "", u, false
	}
	if policy.Authorize(p, policy.ConnectionsOwn, "") != nil {
		h.fail(w, r, http.StatusForbidden, "Your role does not let you manage connections. Ask an administrator.")
		return "", u, false
	}
	return cookie, u, true
}

// connectionsReturn accepts a same-origin return_to only.
func (h *Handler) connectionsReturn(w http.ResponseWriter, r *http.Request, u store.User, returnTo string) (string, bool) {
	if returnTo == "" || safeReturn(returnTo) {
		return returnTo, true
	}
	_ = h.record(r, audit.CodeRedirectRefused, u, "unsafe return URL", map[string]any{"return_to": truncate(returnTo, 512)})
	h.fail(w, r, http.StatusBadRequest, "This link points away from Switchboard, so it was not followed.")
	return "", false
}

// connections serves POST /connections: save (or replace) or remove the
// signed-in user's own static secret for one personal server.
func (h *Handler) connections(w http.ResponseWriter, r *http.Request) {
	cookie, u, ok := h.connectionsSession(w, r)
	if !ok {
		return
	}
	if !identity.ValidCSRF(cookie, r.PostFormValue("csrf")) {
		h.csrfFailed(w, r, u, "connections form without a valid CSRF token")
		return
	}
	returnTo, ok := h.connectionsReturn(w, r, u, r.PostFormValue("return_to"))
	if !ok {
		return
	}
	name := r.PostFormValue("server")
	s, err := h.cfg.Connections.Store.GetServerByName(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && s.CredentialMode != store.ModePersonal) {
		h.fail(w, r, http.StatusNotFound, "There is no personal-mode server named \""+truncate(name, 64)+"\".")
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	var problem string
	switch r.PostFormValue("op") {
	case "save":
		problem, err = h.saveConnection(r, u, s, r.PostFormValue("secret"))
	case "remove":
		err = h.removeConnection(r, u, s)
	default:
		problem = "Choose Save or Remove."
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if problem != "" {
		h.renderConnections(w, r, http.StatusBadRequest, u, cookie, returnTo, s.Name, "", problem)
		return
	}
	target := returnTo
	if target == "" {
		done := "saved"
		if r.PostFormValue("op") == "remove" {
			done = "removed"
		}
		target = "/connections?" + url.Values{"server": {s.Name}, "done": {done}}.Encode() + "#server-" + url.PathEscape(s.Name)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// saveConnection stores secret as u's credential for s. A secret of the
// wrong shape is a problem to show; the secret itself is never echoed.
func (h *Handler) saveConnection(r *http.Request, u store.User, s store.Server, secret string) (string, error) {
	if !staticAuth(s) {
		return "Connect " + s.Name + " with its Connect button.", nil
	}
	if s.AuthMethod != store.AuthHeader || s.AuthHeader != "" {
		secret = strings.TrimSpace(secret)
	}
	if err := upstream.CheckSecret(s, secret); err != nil {
		return "The secret " + err.Error() + ".", nil
	}
	c := h.cfg.Connections
	now := h.cfg.Now().UTC()
	cr := store.Credential{ID: identity.NewID("cr"), ServerID: s.ID, UserID: u.ID, Kind: store.CredentialStatic,
		Status: store.CredentialConnected, CreatedAt: now, UpdatedAt: now}
	sealed, err := c.Vault.Seal([]byte(secret), "credential", cr.ID)
	if err != nil {
		return "", err
	}
	cr.Ciphertext = sealed
	if err := c.Store.PutCredential(r.Context(), cr); err != nil {
		return "", err
	}
	c.Pool.ForgetCredential(s.ID, u.ID)
	if err := h.record(r, audit.CodeCredentialSaved, u, "", map[string]any{"server": s.Name, "kind": store.CredentialStatic}); err != nil {
		return "", err
	}
	if h.cfg.Upstream != nil {
		h.firstSync(r, store.OAuthFlow{ServerID: s.ID, UserID: u.ID})
	}
	return "", nil
}

func (h *Handler) removeConnection(r *http.Request, u store.User, s store.Server) error {
	c := h.cfg.Connections
	err := c.Store.DeleteCredential(r.Context(), s.ID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // already gone: the page shows "not connected"
	} else if err != nil {
		return err
	}
	c.Pool.ForgetCredential(s.ID, u.ID)
	return h.record(r, audit.CodeCredentialRemoved, u, "", map[string]any{"server": s.Name})
}
