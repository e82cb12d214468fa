package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// SessionPrefix starts every session cookie value.
const SessionPrefix = "sbs_"

// ErrNoSession means the cookie names no live session: unknown, expired,
// idle too long, or of a disabled user.
var ErrNoSession = errors.New("no valid session")

// Session lifetimes by default.
const (
	DefaultSessionIdle     = 8 * time.Hour
	DefaultSessionAbsolute = 7 * 24 * time.Hour
)

// touchEvery is how stale LastSeenAt may get before a request writes it:
// most requests of an active session write nothing.
const touchEvery = time.Minute

// SessionConfig configures Sessions. Store is required.
type SessionConfig struct {
	Store    store.Store
	Idle     time.Duration // a session unused this long ends; default DefaultSessionIdle
	Absolute time.Duration // every session ends this long after sign-in; default DefaultSessionAbsolute
	Now      func() time.Time
}

// Sessions manages browser sessions. The cookie value is random and only
// its SHA-256 is stored, so a copy of the database signs nobody in.
type Sessions struct {
	cfg SessionConfig
}

// NewSessions returns Sessions with cfg's defaults filled in.
func NewSessions(cfg SessionConfig) (*Sessions, error) {
	if cfg.Store == nil {
		return nil, errors.New("identity: SessionConfig.Store is required")
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultSessionIdle
	}
	if cfg.Absolute <= 0 {
		cfg.Absolute = DefaultSessionAbsolute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sessions{cfg: cfg}, nil
}

// Start signs userID in with a new session and returns its cookie value.
// A previous cookie of the browser ends first: the session ID rotates at
// every sign-in, so a value planted before login is worthless after it.
func (s *Sessions) Start(ctx context.Context, userID, previous string) (string, store.Session, error) {
	if previous != "" {
		if err := s.End(ctx, previous); err != nil {
			return "", store.Session{}, err
		}
	}
	now := s.cfg.Now().UTC()
	if _, err := s.cfg.Store.DeleteExpiredSessions(ctx, now, now.Add(-s.cfg.Idle)); err != nil {
		return "", store.Session{}, err
	}
	cookie := SessionPrefix + rand.Text() + rand.Text()
	se := store.Session{ID: NewID("ses"), Hash: HashToken(cookie), UserID: userID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.Absolute)}
	if err := s.cfg.Store.CreateSession(ctx, se); err != nil {
		return "", store.Session{}, fmt.Errorf("create session: %w", err)
	}
	return cookie, se, nil
}

// Resolve returns the live session of cookie and its user, or
// ErrNoSession. It extends the idle expiry.
func (s *Sessions) Resolve(ctx context.Context, cookie string) (store.Session, store.User, error) {
	if !strings.HasPrefix(cookie, SessionPrefix) || len(cookie) > 128 {
		return store.Session{}, store.User{}, ErrNoSession
	}
	se, err := s.cfg.Store.GetSessionByHash(ctx, HashToken(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, store.User{}, ErrNoSession
	} else if err != nil {
		return store.Session{}, store.User{}, err
	}
	now := s.cfg.Now()
	if !now.Before(se.ExpiresAt) || !now.Before(se.LastSeenAt.Add(s.cfg.Idle)) {
		err := s.cfg.Store.DeleteSession(ctx, se.ID)
		return store.Session{}, store.User{}, errors.Join(ignoreNotFound(err), ErrNoSession)
	}
	u, err := s.cfg.Store.GetUser(ctx, se.UserID)
	if err != nil || u.Disabled {
		return store.Session{}, store.User{}, errors.Join(ignoreNotFound(err), ErrNoSession)
	}
	if now.Sub(se.LastSeenAt) >= touchEvery {
		if err := s.cfg.Store.TouchSession(ctx, se.ID, now.UTC()); ignoreNotFound(err) != nil {
			return store.Session{}, store.User{}, err
		}
		se.LastSeenAt = now.UTC()
	}
	return se, u, nil
}

// End deletes the session of cookie, if there is one.
func (s *Sessions) End(ctx context.Context, cookie string) error {
	if !strings.HasPrefix(cookie, SessionPrefix) {
		return nil
	}
	se, err := s.cfg.Store.GetSessionByHash(ctx, HashToken(cookie))
	if err != nil {
		return ignoreNotFound(err)
	}
	return ignoreNotFound(s.cfg.Store.DeleteSession(ctx, se.ID))
}

// CSRFToken returns the anti-forgery token of the session with cookie: a
// hash of the cookie under a distinct label. A page of another origin can
// neither read the HttpOnly cookie nor this page, so it cannot forge it.
func CSRFToken(cookie string) string {
	sum := sha256.Sum256([]byte("switchboard csrf v1\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ValidCSRF reports whether token is the CSRF token of cookie.
func ValidCSRF(cookie, token string) bool {
	if cookie == "" || token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(CSRFToken(cookie)), []byte(token)) == 1
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
