package upstream

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient"
)

// flowTTL bounds how long a browser may take at the authorization server.
const flowTTL = 10 * time.Minute

// Errors of the browser flow.
var (
	// ErrFlowUnknown: the state is unknown, used or expired.
	ErrFlowUnknown = errors.New("this connection attempt is unknown or expired; start again")
	// ErrFlowNotYours: the flow was started by another user.
	ErrFlowNotYours = errors.New("this connection attempt was started by another user; start again")
)

// OAuthSetup is what an admin may give when adding an oauth server: a
// client registered out of band (when the authorization server has no
// dynamic registration) and the scopes to ask for.
type OAuthSetup struct {
	ClientID     string
	ClientSecret string
	Scopes       []string
}

// SetupOAuth discovers the authorization server of s and registers a
// client with it unless in names one. The result, with the client secret
// sealed, is ready for PutServerOAuth once s is stored.
func (p *Pool) SetupOAuth(ctx context.Context, s store.Server, in OAuthSetup, now time.Time) (store.ServerOAuth, error) {
	md, err := oauthclient.Discover(ctx, p.cfg.OAuthHTTP, s.URL)
	if err != nil {
		return store.ServerOAuth{}, err
	}
	scopes := in.Scopes
	if len(scopes) == 0 {
		scopes = md.ScopesSupported
	}
	reg := oauthclient.Registration{ClientID: in.ClientID, ClientSecret: in.ClientSecret}
	if reg.ClientID == "" {
		reg, err = oauthclient.Register(ctx, p.cfg.OAuthHTTP, md, "Switchboard", p.cfg.OAuthRedirectURI, scopes)
		if err != nil {
			return store.ServerOAuth{}, err
		}
	}
	o := store.ServerOAuth{
		ServerID: s.ID, Issuer: md.Issuer, AuthorizationEndpoint: md.AuthorizationEndpoint,
		TokenEndpoint: md.TokenEndpoint, RegistrationEndpoint: md.RegistrationEndpoint,
		Scopes: strings.Join(scopes, " "), Resource: md.Resource, ClientID: reg.ClientID,
		CreatedAt: now, UpdatedAt: now,
	}
	if reg.ClientSecret != "" {
		sealer, ok := p.cfg.Vault.(Sealer)
		if !ok {
			return store.ServerOAuth{}, errors.New("the vault cannot seal the client secret")
		}
		if o.ClientSecretSealed, err = sealer.Seal([]byte(reg.ClientSecret), store.SealedServerOAuth, s.ID); err != nil {
			return store.ServerOAuth{}, err
		}
	}
	return o, nil
}

// StartOAuth begins connecting the account of userID ("" = shared) to s
// in the browser of startedBy, and returns the URL to send it to.
func (p *Pool) StartOAuth(ctx context.Context, s store.Server, userID, startedBy, returnTo string) (string, error) {
	o, err := p.cfg.Store.GetServerOAuth(ctx, s.ID)
	if err != nil {
		return "", fmt.Errorf("oauth configuration of %s: %w", s.Name, err)
	}
	c, err := ClientOf(o, p.cfg.Vault, p.cfg.OAuthRedirectURI, p.cfg.OAuthHTTP)
	if err != nil {
		return "", err
	}
	state, verifier := oauthclient.NewState(), oauthclient.NewVerifier()
	now := time.Now()
	err = p.cfg.Store.CreateOAuthFlow(ctx, store.OAuthFlow{
		StateHash: hashState(state), ServerID: s.ID, UserID: userID, StartedBy: startedBy,
		CodeVerifier: verifier, ReturnTo: returnTo, CreatedAt: now, ExpiresAt: now.Add(flowTTL),
	})
	if err != nil {
		return "", err
	}
	return c.AuthCodeURL(state, verifier), nil
}

// Connected is a finished (or failed) browser flow: the flow and, once
// it was found, its server, so that callers can name it.
type Connected struct {
	store.OAuthFlow
	Server store.Server // zero when the flow is unknown
}

// FinishOAuth completes the flow of state for the signed-in user
// startedBy: it exchanges code and stores the token set as the
// credential of (server, flow user). It returns the flow and its server,
// also on most errors, for the caller's audit trail and return address.
func (p *Pool) FinishOAuth(ctx context.Context, state, code, startedBy string) (Connected, error) {
	f, err := p.cfg.Store.TakeOAuthFlow(ctx, hashState(state), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return Connected{}, ErrFlowUnknown
	} else if err != nil {
		return Connected{}, err
	}
	out := Connected{OAuthFlow: f}
	if out.Server, err = p.cfg.Store.GetServer(ctx, f.ServerID); err != nil {
		return out, fmt.Errorf("server of the flow: %w", err)
	}
	if f.StartedBy != startedBy {
		return out, ErrFlowNotYours
	}
	o, err := p.cfg.Store.GetServerOAuth(ctx, f.ServerID)
	if err != nil {
		return out, fmt.Errorf("oauth configuration: %w", err)
	}
	c, err := ClientOf(o, p.cfg.Vault, p.cfg.OAuthRedirectURI, p.cfg.OAuthHTTP)
	if err != nil {
		return out, err
	}
	ts, err := c.Exchange(ctx, code, f.CodeVerifier, time.Now())
	if err != nil {
		return out, err
	}
	if err := p.storeTokens(ctx, f.ServerID, f.UserID, ts); err != nil {
		return out, err
	}
	p.ForgetUser(f.ServerID, f.UserID)
	return out, nil
}

// storeTokens writes ts as a new credential of (serverID, userID).
func (p *Pool) storeTokens(ctx context.Context, serverID, userID string, ts oauthclient.TokenSet) error {
	sealer, ok := p.cfg.Vault.(Sealer)
	if !ok {
		return errors.New("the vault cannot seal tokens")
	}
	now := time.Now()
	c := store.Credential{
		ID: newCredentialID(), ServerID: serverID, UserID: userID,
		Kind: store.CredentialOAuth, Status: store.CredentialConnected, ExpiresAt: ts.Expiry,
		Scopes: strings.Join(ts.Scopes, " "), CreatedAt: now, UpdatedAt: now,
	}
	sealed, err := sealer.Seal(ts.Marshal(), store.SealedCredential, c.ID)
	if err != nil {
		return err
	}
	c.Ciphertext = sealed
	return p.cfg.Store.PutCredential(ctx, c)
}

// ForgetUser closes the session of one (server, user) and drops its
// cached tokens, e.g. after the user connected again.
func (p *Pool) ForgetUser(serverID, userID string) {
	k := connKey{serverID, userID}
	p.oauth.forget(k)
	p.mu.Lock()
	c, ok := p.conns[k]
	delete(p.conns, k)
	p.mu.Unlock()
	if ok {
		go func() {
			<-c.ready
			if c.sess != nil {
				c.sess.Close()
			}
		}()
	}
}

// newCredentialID returns an ID like identity.NewID("cr"), which this
// package may not import.
func newCredentialID() string {
	var b [10]byte
	rand.Read(b[:])
	return "cr_" + hex.EncodeToString(b[:])
}

func hashState(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

// OAuthServer returns the server called name if its auth method is
// oauth; any other is store.ErrNotFound.
func (p *Pool) OAuthServer(ctx context.Context, name string) (store.Server, error) {
	s, err := p.cfg.Store.GetServerByName(ctx, name)
	if err != nil {
		return store.Server{}, err
	}
	if s.AuthMethod != store.AuthOAuth {
		return store.Server{}, fmt.Errorf("server %q does not use oauth: %w", name, store.ErrNotFound)
	}
	return s, nil
}

// OAuthRedirectURI is the callback to register at authorization servers.
func (p *Pool) OAuthRedirectURI() string { return p.cfg.OAuthRedirectURI }

// SyncAfterConnect syncs the catalog of serverID with userID's new
// connection when it never synced (an oauth server waits for its first
// connection), and reports whether it did.
func (p *Pool) SyncAfterConnect(ctx context.Context, serverID, userID string) (bool, error) {
	s, err := p.cfg.Store.GetServer(ctx, serverID)
	if err != nil || !s.SyncedAt.IsZero() {
		return false, err
	}
	if _, err := p.SyncAs(ctx, s, userID, time.Now()); err != nil {
		return false, err
	}
	return true, nil
}
