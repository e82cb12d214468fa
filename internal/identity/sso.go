package identity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Reasons an SSO sign-in is refused, for the audit trail only. Unknown
// and disabled users use ReasonUnknownUser and ReasonDisabled.
const (
	ReasonSSOState         = "sso_state_mismatch"     // the callback's state is not the browser's
	ReasonSSOProviderError = "sso_provider_error"     // the provider answered with an error
	ReasonSSOExchange      = "sso_exchange_failed"    // the code did not redeem
	ReasonSSOIDToken       = "sso_invalid_id_token"   // missing, badly signed, expired, wrong audience
	ReasonSSONonce         = "sso_nonce_mismatch"     // an ID token of another sign-in
	ReasonSSOEmail         = "sso_email_unverified"   // no email, or not verified by the provider
	ReasonSSODomain        = "sso_domain_not_allowed" // JIT refused the email's domain
	ReasonSSOGroups        = "sso_bad_groups_claim"   // the groups claim is not a string or a list of them
	ReasonSSOSubject       = "sso_subject_mismatch"   // the email's account is bound to another subject
)

// SSOConfig configures sign-in through an OpenID Connect provider.
// Store, Issuer, ClientID and RedirectURL are required.
type SSOConfig struct {
	Store        store.Store
	Issuer       string
	ClientID     string
	ClientSecret string   // "" for a public client (PKCE only)
	Scopes       []string // must include "openid"
	RedirectURL  string   // <public>/login/sso/callback
	// JIT creates a missing user with DefaultRole when the email's domain
	// is in AllowedDomains, or AllowedDomains is empty.
	JIT            bool
	AllowedDomains []string
	DefaultRole    string
	GroupsClaim    string       // "" maps no groups
	HTTPClient     *http.Client // talks to the provider; nil = a client with a 15 s timeout
	Logger         *slog.Logger
	Now            func() time.Time
}

// SSO signs people in with an OpenID Connect provider: authorization
// code flow with PKCE (S256), state and nonce, and the ID token verified
// by go-oidc against the provider's published keys.
type SSO struct {
	cfg SSOConfig

	mu       sync.Mutex // guards discovery
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// NewSSO checks cfg. The provider is discovered at the first sign-in,
// so that a provider that is down does not keep Switchboard from starting.
func NewSSO(cfg SSOConfig) (*SSO, error) {
	if cfg.Store == nil || cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("identity: SSOConfig.Store, Issuer, ClientID and RedirectURL are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DefaultRole == "" {
		cfg.DefaultRole = store.RoleMember
	}
	return &SSO{cfg: cfg}, nil
}

// SSOFlow is what the browser keeps between the start of a sign-in and
// the provider's callback: random, single use, never sent anywhere else
// except State (in the authorization request and back) and the nonce
// (inside the ID token).
type SSOFlow struct {
	State    string
	Nonce    string
	Verifier string // the PKCE code verifier
}

// NewSSOFlow returns fresh random flow values.
func NewSSOFlow() SSOFlow {
	return SSOFlow{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier()}
}

// client returns the OAuth configuration and ID token verifier,
// discovering the provider on first use.
func (s *SSO) client(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth != nil {
		return s.oauth, s.verifier, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.cfg.HTTPClient), s.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("discover OIDC provider: %w", err)
	}
	s.oauth = &oauth2.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret,
		Endpoint: p.Endpoint(), RedirectURL: s.cfg.RedirectURL, Scopes: s.cfg.Scopes}
	s.verifier = p.Verifier(&oidc.Config{ClientID: s.cfg.ClientID, Now: s.cfg.Now})
	return s.oauth, s.verifier, nil
}

// AuthURL returns where to send the browser to sign in at the provider.
func (s *SSO) AuthURL(ctx context.Context, f SSOFlow) (string, error) {
	oc, _, err := s.client(ctx)
	if err != nil {
		return "", err
	}
	return oc.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// SSOResult is a successful SSO sign-in.
type SSOResult struct {
	User    store.User
	Created bool     // the user was created just in time
	Groups  []string // the user's SSO groups now
}

// Finish completes a sign-in from the provider's callback query: it
// checks state, redeems the code with the PKCE verifier, verifies the ID
// token and its nonce, then finds or creates the user and maps the
// groups. A refusal is a *LoginError; other errors are failures of the
// provider connection or the store.
func (s *SSO) Finish(ctx context.Context, f SSOFlow, state, code, providerErr string) (SSOResult, error) {
	switch {
	case f.State == "" || !equalSecret(state, f.State):
		return SSOResult{}, &LoginError{Reason: ReasonSSOState}
	case providerErr != "":
		return SSOResult{}, &LoginError{Reason: ReasonSSOProviderError}
	}
	claims, err := s.verify(ctx, f, code)
	if err != nil {
		return SSOResult{}, err
	}
	u, created, err := s.findUser(ctx, claims)
	if err != nil {
		return SSOResult{}, err
	}
	res := SSOResult{User: u, Created: created}
	if s.cfg.GroupsClaim != "" {
		if res.Groups, err = s.syncGroups(ctx, u.ID, claims.Groups); err != nil {
			return SSOResult{}, err
		}
	}
	return res, nil
}

// idClaims are the ID token claims Switchboard reads.
type idClaims struct {
	Subject  string
	Email    string
	Verified bool
	Name     string
	Groups   []string
}

// verify redeems code and checks the ID token.
func (s *SSO) verify(ctx context.Context, f SSOFlow, code string) (idClaims, error) {
	oc, verifier, err := s.client(ctx)
	if err != nil {
		return idClaims{}, err
	}
	ctx = oidc.ClientContext(ctx, s.cfg.HTTPClient)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "sso code exchange failed", "err", err)
		return idClaims{}, &LoginError{Reason: ReasonSSOExchange}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return idClaims{}, &LoginError{Reason: ReasonSSOIDToken}
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "sso id token refused", "err", err)
		return idClaims{}, &LoginError{Reason: ReasonSSOIDToken}
	}
	if !equalSecret(idt.Nonce, f.Nonce) {
		return idClaims{}, &LoginError{Reason: ReasonSSONonce}
	}
	return s.readClaims(idt)
}

// readClaims reads email, name and groups from a verified ID token.
func (s *SSO) readClaims(idt *oidc.IDToken) (idClaims, error) {
	var all map[string]any
	if err := idt.Claims(&all); err != nil {
		return idClaims{}, &LoginError{Reason: ReasonSSOIDToken}
	}
	c := idClaims{Subject: idt.Subject}
	c.Email, _ = all["email"].(string)
	c.Name, _ = all["name"].(string)
	switch v := all["email_verified"].(type) {
	case bool:
		c.Verified = v
	case string: // some providers send "true"
		c.Verified = v == "true"
	}
	if s.cfg.GroupsClaim != "" {
		groups, ok := stringsClaim(all[s.cfg.GroupsClaim])
		if !ok {
			return idClaims{}, &LoginError{Reason: ReasonSSOGroups}
		}
		c.Groups = groups
	}
	return c, nil
}

// stringsClaim reads a claim that is absent, a string or a list of
// strings.
func stringsClaim(v any) ([]string, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// findUser returns the user bound to the ID token's subject. A subject
// seen for the first time finds the user of its verified email (created
// when JIT allows) and is bound to it, unless that user is bound to
// another subject already: an address that moved to another person at
// the provider must not open the first person's account. Disabled users
// are refused.
func (s *SSO) findUser(ctx context.Context, c idClaims) (store.User, bool, error) {
	email, err := NormalizeEmail(c.Email)
	if err != nil || !c.Verified || c.Subject == "" {
		return store.User{}, false, &LoginError{Reason: ReasonSSOEmail}
	}
	u, created, err := s.userOfSubject(ctx, c.Subject, email, c.Name)
	if err != nil {
		return store.User{}, false, err
	}
	if u.Disabled {
		return u, false, &LoginError{Reason: ReasonDisabled, User: u}
	}
	return u, created, nil
}

// userOfSubject resolves (and on first sight binds) the subject.
func (s *SSO) userOfSubject(ctx context.Context, subject, email, name string) (store.User, bool, error) {
	id, err := s.cfg.Store.GetSSOIdentity(ctx, s.cfg.Issuer, subject)
	if err == nil {
		u, err := s.cfg.Store.GetUser(ctx, id.UserID)
		return u, false, err
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, err
	}
	u, err := s.cfg.Store.GetUserByEmail(ctx, email)
	created := false
	if errors.Is(err, store.ErrNotFound) {
		u, created, err = s.createUser(ctx, email, name)
	}
	if err != nil {
		return store.User{}, false, err
	}
	err = s.cfg.Store.LinkSSOIdentity(ctx, store.SSOIdentity{Issuer: s.cfg.Issuer, Subject: subject, UserID: u.ID, CreatedAt: s.cfg.Now().UTC()})
	if errors.Is(err, store.ErrConflict) {
		// Bound to another subject, or a concurrent first sign-in of this
		// subject won: only the latter may go on.
		if id, gerr := s.cfg.Store.GetSSOIdentity(ctx, s.cfg.Issuer, subject); gerr == nil && id.UserID == u.ID {
			return u, created, nil
		}
		return store.User{}, false, &LoginError{Reason: ReasonSSOSubject, User: u}
	}
	if err != nil {
		return store.User{}, false, fmt.Errorf("bind sso subject: %w", err)
	}
	return u, created, nil
}

// createUser creates the user of a first SSO sign-in, if JIT allows.
func (s *SSO) createUser(ctx context.Context, email, name string) (store.User, bool, error) {
	if !s.cfg.JIT {
		return store.User{}, false, &LoginError{Reason: ReasonUnknownUser}
	}
	if !s.domainAllowed(email) {
		return store.User{}, false, &LoginError{Reason: ReasonSSODomain}
	}
	now := s.cfg.Now().UTC()
	u := store.User{ID: NewID("usr"), Email: email, Name: truncateRunes(strings.TrimSpace(name), 200),
		Role: s.cfg.DefaultRole, CreatedAt: now, UpdatedAt: now}
	err := s.cfg.Store.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) { // a concurrent first sign-in won
		u, err = s.cfg.Store.GetUserByEmail(ctx, email)
		return u, false, err
	}
	if err != nil {
		return store.User{}, false, fmt.Errorf("create user: %w", err)
	}
	return u, true, nil
}

// domainAllowed reports whether JIT may create a user with email.
func (s *SSO) domainAllowed(email string) bool {
	if len(s.cfg.AllowedDomains) == 0 {
		return true
	}
	_, domain, _ := strings.Cut(email, "@")
	for _, d := range s.cfg.AllowedDomains {
		if strings.EqualFold(d, domain) {
			return true
		}
	}
	return false
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
