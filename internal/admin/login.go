package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// errLoginFailed is the one answer for a refused sign-in: unknown email,
// wrong password and disabled account look the same.
var errLoginFailed = &apiError{status: http.StatusUnauthorized, code: api.CodeUnauthorized, msg: "wrong email or password"}

// login serves POST /api/v1/login: email and password, checked and
// throttled like the web sign-in, for a new 30-day API token.
func (a *API) login(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	if a.cfg.Logins == nil {
		return notFound("password sign-in is not enabled on this server")
	}
	var req api.LoginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Email == "" || req.Password == "" {
		return invalid("email", "email and password are required")
	}
	ctx := r.Context()
	u, err := a.cfg.Logins.Login(ctx, req.Email, req.Password, peerIP(r))
	if le, ok := errors.AsType[*identity.LoginError](err); ok {
		detail := map[string]any{"method": "api_password", "email": truncate(req.Email, 320)}
		if rerr := a.recordAuth(ctx, r, audit.CodeLoginFailed, le.User, le.Reason, detail); rerr != nil {
			return rerr
		}
		if le.Reason == identity.ReasonRateLimited {
			wait := max(le.RetryAfter.Round(time.Second), time.Second)
			w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())))
			return &apiError{status: http.StatusTooManyRequests, code: api.CodeRateLimited,
				msg: fmt.Sprintf("too many failed attempts; try again in %v", wait)}
		}
		return errLoginFailed
	} else if err != nil {
		return err
	}
	return a.issueCLIToken(w, r, u, req.Hostname, "api_password")
}

// cliToken serves POST /api/v1/cli/token: the one-time code of a browser
// sign-in and its PKCE verifier, for a new 30-day API token.
func (a *API) cliToken(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	if a.cfg.CLICodes == nil {
		return notFound("browser sign-in for the CLI is not enabled on this server")
	}
	var req api.CLITokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Code == "" || req.Verifier == "" {
		return invalid("code", "code and verifier are required")
	}
	ctx := r.Context()
	userID, err := a.cfg.CLICodes.Redeem(req.Code, req.Verifier)
	var u store.User
	if err == nil {
		if u, err = a.cfg.Store.GetUser(ctx, userID); errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
			err = identity.ErrBadCLICode
		}
	}
	if errors.Is(err, identity.ErrBadCLICode) {
		if rerr := a.recordAuth(ctx, r, audit.CodeLoginFailed, u, "bad_cli_code", map[string]any{"method": "cli_browser"}); rerr != nil {
			return rerr
		}
		return &apiError{status: http.StatusUnauthorized, code: api.CodeUnauthorized, msg: identity.ErrBadCLICode.Error()}
	} else if err != nil {
		return err
	}
	return a.issueCLIToken(w, r, u, req.Hostname, "cli_browser")
}

// issueCLIToken creates the API token of a CLI sign-in, records the
// sign-in and answers with the token, shown once.
func (a *API) issueCLIToken(w http.ResponseWriter, r *http.Request, u store.User, hostname, method string) error {
	ctx := r.Context()
	t, text, err := identity.CreateCLIToken(ctx, a.cfg.Store, u.ID, hostname, a.cfg.Now().UTC())
	if err != nil {
		return err
	}
	view := apiToken(t, "")
	detail := map[string]any{"method": method, "token_id": t.ID, "token_name": t.Name}
	if err := a.recordAuth(ctx, r, audit.CodeLoginOK, u, "", detail); err != nil {
		_ = a.cfg.Store.RevokeAPIToken(context.WithoutCancel(ctx), t.ID, a.cfg.Now().UTC())
		return err
	}
	writeJSON(w, http.StatusCreated, api.LoginResponse{Token: view, Value: text, UserEmail: u.Email})
	return nil
}

// recordAuth writes a sign-in event about r; denied, when set, is the
// refusal's reason.
func (a *API) recordAuth(ctx context.Context, r *http.Request, code string, u store.User, denied string, detail map[string]any) error {
	ev := store.AuditEvent{
		Code: code, RequestID: identity.NewID("req"), ActorType: audit.ActorAnonymous, Method: "api",
		Outcome: audit.OutcomeOK, ClientIP: peerIP(r), UserAgent: truncate(r.UserAgent(), 256),
	}
	if u.ID != "" {
		ev.ActorType, ev.ActorID, ev.ActorEmail = audit.ActorUser, u.ID, u.Email
	}
	if denied != "" {
		ev.Outcome, ev.Error = audit.OutcomeDenied, denied
	}
	ev.Request, _ = json.Marshal(detail)
	_, err := a.cfg.Audit.Record(ctx, ev)
	return err
}

// peerIP is the client address of r; X-Forwarded-For is not trusted.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
