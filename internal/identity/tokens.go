package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TokenPrefix starts every API token.
const TokenPrefix = "sbt_"

// ErrInvalidToken is the only error a caller sees for a bad token: unknown,
// expired, revoked and disabled owner all look the same from outside.
var ErrInvalidToken = errors.New("invalid or expired token")

// NewToken returns a fresh token text and its SHA-256 hash.
func NewToken() (text string, hash []byte) {
	text = TokenPrefix + rand.Text()
	return text, HashToken(text)
}

// HashToken returns the SHA-256 of a token text.
func HashToken(text string) []byte {
	sum := sha256.Sum256([]byte(text))
	return sum[:]
}

// Verifier turns bearer tokens into principals, caching positive and
// negative answers for TTL.
type Verifier struct {
	st     store.Store
	now    func() time.Time
	ttl    time.Duration
	logger *slog.Logger

	mu    sync.Mutex
	cache map[[sha256.Size]byte]cached
}

type cached struct {
	p   Principal
	err error
	exp time.Time // cache entry expiry
	end time.Time // token expiry, zero = never
}

// maxCache bounds the cache; it is cleared when full.
const maxCache = 10000

// NewVerifier returns a Verifier. ttl 0 means 5 seconds.
func NewVerifier(st store.Store, logger *slog.Logger, now func() time.Time, ttl time.Duration) *Verifier {
	if ttl == 0 {
		ttl = 5 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{st: st, now: now, ttl: ttl, logger: logger, cache: map[[sha256.Size]byte]cached{}}
}

// Verify resolves a token text. It returns ErrInvalidToken for any
// rejected token, and another error only when the store fails.
func (v *Verifier) Verify(ctx context.Context, text string) (Principal, error) {
	if !strings.HasPrefix(text, TokenPrefix) || len(text) > 128 {
		return Principal{}, ErrInvalidToken
	}
	key := sha256.Sum256([]byte(text))
	now := v.now()
	v.mu.Lock()
	c, ok := v.cache[key]
	v.mu.Unlock()
	if ok && now.Before(c.exp) && (c.end.IsZero() || now.Before(c.end)) {
		return c.p, c.err
	}
	p, end, err := v.lookup(ctx, key[:], now)
	if err != nil && !errors.Is(err, ErrInvalidToken) {
		return Principal{}, err
	}
	v.mu.Lock()
	if len(v.cache) >= maxCache {
		clear(v.cache)
	}
	v.cache[key] = cached{p: p, err: err, exp: now.Add(v.ttl), end: end}
	v.mu.Unlock()
	return p, err
}

// Forget drops every cached answer, e.g. after a revocation.
func (v *Verifier) Forget() {
	v.mu.Lock()
	clear(v.cache)
	v.mu.Unlock()
}

func (v *Verifier) lookup(ctx context.Context, hash []byte, now time.Time) (Principal, time.Time, error) {
	t, err := v.st.GetAPITokenByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token: %w", err)
	}
	if subtle.ConstantTimeCompare(t.Hash, hash) != 1 || !t.RevokedAt.IsZero() ||
		(!t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	u, err := v.st.GetUser(ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token owner: %w", err)
	}
	if u.Disabled {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	p := Principal{Type: "user", ID: u.ID, Email: u.Email, Role: u.Role, TokenID: t.ID, EndpointID: t.EndpointID, ExpiresAt: t.ExpiresAt}
	return p, t.ExpiresAt, nil
}
