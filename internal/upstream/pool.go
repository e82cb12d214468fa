package upstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ProtocolVersion is pinned for upstream sessions: newer clients first try
// a discovery call that today's servers answer with an error, costing a
// round trip per connect.
const ProtocolVersion = "2025-11-25"

// Unsealer opens vault ciphertexts; *vault.Vault implements it.
type Unsealer interface {
	Unseal(ciphertext []byte, kind, id string) ([]byte, error)
}

// ErrNoCredential means the server needs a credential that is not stored.
var ErrNoCredential = errors.New("no credential is configured for this server")

// Config configures a Pool.
type Config struct {
	Store       store.Store
	Vault       Unsealer
	Logger      *slog.Logger
	Version     string        // Switchboard's version, sent as clientInfo
	ConnTimeout time.Duration // to open a session; default 15s
	// OAuthRedirectURI is the callback registered with upstream OAuth
	// authorization servers (public URL + /oauth/upstream/callback).
	OAuthRedirectURI string
	// OAuthHTTP, optional, talks to upstream authorization servers.
	OAuthHTTP *http.Client
	// Recheck is how often a pooled session's credential is compared with
	// the store (default DefaultRecheck; negative: never).
	Recheck time.Duration
}

// Pool keeps one client session per (server, credential owner) and reuses
// it across calls.
type Pool struct {
	cfg    Config
	client *mcp.Client
	base   *http.Transport

	mu    sync.Mutex
	conns map[connKey]*conn

	oauth *oauthSources // token sources of oauth servers
}

type connKey struct{ serverID, userID string }

// conn is a session being opened or open. ready closes when the attempt
// finishes; sess and err are set before that.
type conn struct {
	ready chan struct{}
	sess  *mcp.ClientSession
	err   error

	stamp   string       // credStamp when the session opened
	checked atomic.Int64 // unix nanoseconds of the last credential check
}

// NewPool returns an empty pool.
func NewPool(cfg Config) *Pool {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ConnTimeout == 0 {
		cfg.ConnTimeout = 15 * time.Second
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.Recheck == 0 {
		cfg.Recheck = DefaultRecheck
	}
	impl := &mcp.Implementation{Name: "switchboard", Version: cfg.Version}
	return &Pool{
		cfg:    cfg,
		client: mcp.NewClient(impl, &mcp.ClientOptions{Capabilities: &mcp.ClientCapabilities{}}),
		base:   newBaseTransport(),
		conns:  map[connKey]*conn{},
		oauth:  newOAuthSources(),
	}
}

// CallTool calls a tool on server s with the credential of userID ("" for
// the shared one). Arguments are passed through as raw JSON.
func (p *Pool) CallTool(ctx context.Context, s store.Server, userID, tool string, args []byte) (*mcp.CallToolResult, error) {
	params := &mcp.CallToolParams{Name: tool}
	if len(args) > 0 {
		params.Arguments = rawJSON(args)
	}
	for attempt := 0; ; attempt++ {
		sess, err := p.session(ctx, s, userID)
		if err != nil {
			return nil, err
		}
		res, err := sess.CallTool(ctx, params)
		if err == nil || !sessionGone(err) || attempt > 0 {
			if err != nil && !isProtocolError(err) {
				p.drop(connKey{s.ID, userID}, sess)
			}
			return res, p.oauthError(s, userID, err)
		}
		// The request never reached a live session: reopen once.
		p.drop(connKey{s.ID, userID}, sess)
	}
}

// session returns the pooled session, opening it if needed. Concurrent
// callers share one connect attempt. Every Recheck, one caller compares
// the session's credential with the store, so that a revocation or a new
// secret on another replica takes effect here too.
func (p *Pool) session(ctx context.Context, s store.Server, userID string) (*mcp.ClientSession, error) {
	sess, c, err := p.pooled(ctx, s, userID)
	if err != nil || !p.due(s, c) || !p.stale(ctx, s, userID, c) {
		return sess, err
	}
	p.cfg.Logger.Info("upstream credential changed; reconnecting", "server", s.Name, "shared", userID == "")
	p.ForgetCredential(s.ID, userID)
	sess, _, err = p.pooled(ctx, s, userID)
	return sess, err
}

// pooled returns the pooled session of (s, userID) and its conn, opening
// it if needed.
func (p *Pool) pooled(ctx context.Context, s store.Server, userID string) (*mcp.ClientSession, *conn, error) {
	key := connKey{s.ID, userID}
	p.mu.Lock()
	c, ok := p.conns[key]
	if !ok {
		c = &conn{ready: make(chan struct{})}
		p.conns[key] = c
		p.mu.Unlock()
		// The stamp is read before the session opens: a change in between
		// leaves an older stamp, which the next check catches.
		c.stamp, _ = p.currentStamp(ctx, s, userID)
		c.checked.Store(time.Now().UnixNano())
		c.sess, c.err = p.open(s, userID)
		close(c.ready)
		if c.err != nil {
			p.drop(key, nil)
		}
		return c.sess, c, c.err
	}
	p.mu.Unlock()
	select {
	case <-c.ready:
		return c.sess, c, c.err
	case <-ctx.Done():
		return nil, c, ctx.Err()
	}
}

// open connects to s. The session outlives the call that opened it, and
// the SSE transport keeps its event stream on the connect context, so that
// context lives until the session ends; only the handshake is timed out.
func (p *Pool) open(s store.Server, userID string) (*mcp.ClientSession, error) {
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(p.cfg.ConnTimeout, cancel)
	sess, err := p.Connect(ctx, s, userID)
	if !timer.Stop() && err == nil {
		sess.Close() // the timeout fired as the handshake finished
		err = fmt.Errorf("connect to %s: timed out after %s", s.Name, p.cfg.ConnTimeout)
	}
	if err != nil {
		cancel()
		level := slog.LevelWarn
		if errors.Is(err, ErrNoCredential) || errors.Is(err, ErrNeedsReconnect) {
			level = slog.LevelDebug // the caller's own state; the tool error says how to fix it
		}
		p.cfg.Logger.Log(context.Background(), level, "upstream connect failed", "server", s.Name, "err", err)
		return nil, err
	}
	go func() {
		sess.Wait()
		cancel()
	}()
	p.cfg.Logger.Info("upstream connected", "server", s.Name, "shared", userID == "")
	return sess, nil
}

// Connect opens a new, unpooled session to s with the credential of userID.
func (p *Pool) Connect(ctx context.Context, s store.Server, userID string) (*mcp.ClientSession, error) {
	rt, err := p.roundTripper(ctx, s, userID)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: rt}
	t, err := newTransport(s, hc)
	if err != nil {
		return nil, err
	}
	sess, err := p.client.Connect(ctx, t, &mcp.ClientSessionOptions{ProtocolVersion: ProtocolVersion})
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.Name, err)
	}
	return sess, nil
}

func (p *Pool) headers(ctx context.Context, s store.Server, userID string) (http.Header, error) {
	if s.AuthMethod == store.AuthNone || s.AuthMethod == "" {
		return nil, nil
	}
	cred, err := p.cfg.Store.GetCredential(ctx, s.ID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoCredential
	}
	if err != nil {
		return nil, fmt.Errorf("load credential: %w", err)
	}
	if !cred.Usable() {
		return nil, ErrNeedsReconnect
	}
	secret, err := p.cfg.Vault.Unseal(cred.Ciphertext, "credential", cred.ID)
	if err != nil {
		return nil, fmt.Errorf("unseal credential: %w", err)
	}
	return credentialHeaders(s, secret)
}

// drop forgets the session of key if it is still sess (nil matches any)
// and closes sess.
func (p *Pool) drop(key connKey, sess *mcp.ClientSession) {
	p.mu.Lock()
	if c, ok := p.conns[key]; ok && (sess == nil || c.sess == sess) {
		delete(p.conns, key)
	}
	p.mu.Unlock()
	if sess != nil {
		go sess.Close()
	}
}

// Forget closes every session of a server, e.g. after its URL or
// credential changed.
func (p *Pool) Forget(serverID string) {
	p.oauth.forgetServer(serverID)
	p.mu.Lock()
	var closing []*conn
	for k, c := range p.conns {
		if k.serverID == serverID {
			closing = append(closing, c)
			delete(p.conns, k)
		}
	}
	p.mu.Unlock()
	for _, c := range closing {
		go func() {
			<-c.ready
			if c.sess != nil {
				c.sess.Close()
			}
		}()
	}
}

// ForgetCredential closes the pooled session of (serverID, userID), e.g.
// after that credential was replaced or revoked; userID "" is the shared
// one. Cached OAuth tokens go too: the next call reads the credential
// again, and a removed one is not used any more.
func (p *Pool) ForgetCredential(serverID, userID string) {
	key := connKey{serverID, userID}
	p.oauth.forget(key)
	p.mu.Lock()
	c, ok := p.conns[key]
	delete(p.conns, key)
	p.mu.Unlock()
	if !ok {
		return
	}
	go func() {
		<-c.ready
		if c.sess != nil {
			c.sess.Close()
		}
	}()
}

// Close closes every pooled session.
func (p *Pool) Close() {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[connKey]*conn{}
	p.mu.Unlock()
	for _, c := range conns {
		select {
		case <-c.ready:
			if c.sess != nil {
				c.sess.Close()
			}
		default:
		}
	}
}
