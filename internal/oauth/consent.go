package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ConsentServer is one server of the endpoint as the consent page shows
// it.
type ConsentServer struct {
	Name           string
	Description    string
	CredentialMode string // store.ModeShared or store.ModePersonal
	// NeedsConnect marks a personal server the user has not connected yet:
	// the page shows a "connect" step for it.
	NeedsConnect bool
}

// DurationChoice is one access duration the user may pick.
type DurationChoice struct {
	Days    int
	Default bool
}

// ConsentView is what the consent page shows: who asks, where the answer
// goes, and what access it gives.
type ConsentView struct {
	ClientName   string
	ClientID     string
	RedirectHost string // where the browser goes next, e.g. "127.0.0.1:53121" or "cursor://…"
	Endpoint     string
	Resource     string
	Servers      []ConsentServer
	Durations    []DurationChoice
}

// ErrBadDuration is a duration that the consent page did not offer.
var ErrBadDuration = errors.New("oauth: not one of the offered access durations")

// Consent returns the view of req for user u.
func (s *Server) Consent(ctx context.Context, u store.User, req *AuthRequest) (ConsentView, error) {
	v := ConsentView{ClientName: req.Client.Name, ClientID: req.Client.ID, RedirectHost: redirectHost(req.RedirectURI),
		Endpoint: req.Endpoint.Name, Resource: req.Resource}
	if v.ClientName == "" {
		v.ClientName = "Unnamed application"
	}
	for _, id := range req.Endpoint.ServerIDs {
		srv, err := s.cfg.Store.GetServer(ctx, id)
		if err != nil {
			return v, fmt.Errorf("consent: server %s: %w", id, err)
		}
		cs := ConsentServer{Name: srv.Name, Description: srv.Description, CredentialMode: srv.CredentialMode}
		if srv.CredentialMode == store.ModePersonal {
			c, err := s.cfg.Store.GetCredential(ctx, srv.ID, u.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return v, fmt.Errorf("consent: credential of %s: %w", srv.Name, err)
			}
			// Missing, or expired / needs_reconnect: connect (again) here.
			cs.NeedsConnect = err != nil || !c.Usable()
		}
		v.Servers = append(v.Servers, cs)
	}
	for _, d := range s.cfg.Durations {
		v.Durations = append(v.Durations, DurationChoice{Days: int(d / day), Default: d == s.cfg.Duration})
	}
	return v, nil
}

// redirectHost names where a redirect URI points, for people to read.
func redirectHost(uri string) string {
	u, err := url.Parse(uri)
	switch {
	case err != nil:
		return uri
	case u.Scheme == "http" || u.Scheme == "https":
		return u.Host
	default:
		return u.Scheme + "://" + u.Host
	}
}

// Approve records user u's consent to req for the access duration days
// (one of the offered choices) and returns where to send the browser: the
// client's redirect URI with a fresh authorization code. A user without
// a role or grant that gives access to the endpoint gets access_denied.
func (s *Server) Approve(ctx context.Context, r *http.Request, u store.User, req *AuthRequest, days string) (string, error) {
	ttl, err := s.duration(days)
	if err != nil {
		return "", err
	}
	ev := event{user: u, clientID: req.Client.ID, endpoint: req.Endpoint.Name,
		detail: map[string]any{"days": int(ttl / day), "redirect_uri": req.RedirectURI}}
	p := identity.Principal{Type: "user", ID: u.ID, Email: u.Email, Role: u.Role}
	if err := identity.ResolveAccess(ctx, s.cfg.Store, &p); err != nil {
		return "", fmt.Errorf("resolve access: %w", err)
	}
	if policy.AuthorizeNamed(p, policy.EndpointConnect, req.Endpoint.ID, req.Endpoint.Name) != nil {
		ev.code, ev.err = audit.CodeConsentDenied, "no grant or role gives access to the endpoint"
		if err := s.record(ctx, r, ev); err != nil {
			return "", err
		}
		return s.redirectURL(req.RedirectURI, req.State, url.Values{"error": {errAccessDenied},
			"error_description": {"your account may not use this endpoint"}}), nil
	}
	code, hash := identity.NewSecret(identity.AuthCodePrefix)
	now := s.cfg.Now().UTC()
	err = s.cfg.Store.CreateAuthCode(ctx, store.AuthCode{
		Hash: hash, ClientID: req.Client.ID, UserID: u.ID, EndpointID: req.Endpoint.ID, Resource: req.Resource,
		RedirectURI: req.RedirectURI, Challenge: req.Challenge, Scope: req.Scope, GrantTTL: ttl,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.CodeTTL),
	})
	if err != nil {
		return "", fmt.Errorf("create auth code: %w", err)
	}
	ev.code = audit.CodeConsentGiven
	if err := s.record(ctx, r, ev); err != nil {
		return "", err
	}
	return s.redirectURL(req.RedirectURI, req.State, url.Values{"code": {code}}), nil
}

// Deny records that user u refused req and returns the client's redirect
// URI with access_denied.
func (s *Server) Deny(ctx context.Context, r *http.Request, u store.User, req *AuthRequest) (string, error) {
	err := s.record(ctx, r, event{code: audit.CodeConsentDenied, user: u, clientID: req.Client.ID,
		endpoint: req.Endpoint.Name, err: "denied by the user"})
	if err != nil {
		return "", err
	}
	return s.redirectURL(req.RedirectURI, req.State, url.Values{"error": {errAccessDenied},
		"error_description": {"the user denied access"}}), nil
}

// duration parses a consent choice in days.
func (s *Server) duration(days string) (time.Duration, error) {
	n, err := strconv.Atoi(days)
	if err != nil {
		return 0, ErrBadDuration
	}
	for _, d := range s.cfg.Durations {
		if d == time.Duration(n)*day {
			return d, nil
		}
	}
	return 0, ErrBadDuration
}
