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

// ServiceAccountTokenPrefix starts the API tokens of service accounts.
// It extends TokenPrefix, so that every bearer path that takes API tokens
// takes them; the lower-case "sa_" cannot occur in a user token's
// upper-case base32 text, so the verifier picks the table without a
// second lookup.
const ServiceAccountTokenPrefix = TokenPrefix + "sa_"

// PrincipalServiceAccount is the Type of a service account's principal.
const PrincipalServiceAccount = "service_account"

// NewServiceAccountToken returns a fresh service account token text and
// its SHA-256 hash.
func NewServiceAccountToken() (text string, hash []byte) {
	text = ServiceAccountTokenPrefix + rand.Text()
	return text, HashToken(text)
}

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

// MaxTokenCacheTTL bounds how long a verified API token, with its
// owner's groups and endpoint grants, is trusted without a store lookup:
// a revoked grant or token stops working within it on every replica.
const MaxTokenCacheTTL = 5 * time.Second

// NewVerifier returns a Verifier. ttl 0 means 2 seconds; above
// MaxTokenCacheTTL it is MaxTokenCacheTTL.
func NewVerifier(st store.Store, logger *slog.Logger, now func() time.Time, ttl time.Duration) *Verifier {
	if ttl <= 0 {
		ttl = 2 * time.Second
	}
	ttl = min(ttl, MaxTokenCacheTTL)
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
	p, end, err := v.lookup(ctx, key[:], now, strings.HasPrefix(text, ServiceAccountTokenPrefix))
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

func (v *Verifier) lookup(ctx context.Context, hash []byte, now time.Time, sa bool) (Principal, time.Time, error) {
	if sa {
		return v.lookupServiceAccount(ctx, hash, now)
	}
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
	if err := ResolveAccess(ctx, v.st, &p); err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token owner's access: %w", err)
	}
	return p, t.ExpiresAt, nil
}

// lookupServiceAccount resolves a service account token. Its principal
// has no role: it may connect to the token's endpoint, and only when the
// account holds a grant of it.
func (v *Verifier) lookupServiceAccount(ctx context.Context, hash []byte, now time.Time) (Principal, time.Time, error) {
	t, err := v.st.GetServiceAccountTokenByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token: %w", err)
	}
	if subtle.ConstantTimeCompare(t.Hash, hash) != 1 || !t.RevokedAt.IsZero() || t.EndpointID == "" ||
		(!t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	a, err := v.st.GetServiceAccount(ctx, t.ServiceAccountID)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token owner: %w", err)
	}
	eps, err := v.st.GrantedEndpoints(ctx, store.GrantServiceAccount, a.ID)
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("look up token owner's access: %w", err)
	}
	p := Principal{Type: PrincipalServiceAccount, ID: a.ID, Email: a.Name, TokenID: t.ID, EndpointID: t.EndpointID,
		ExpiresAt: t.ExpiresAt, Endpoints: eps}
	return p, t.ExpiresAt, nil
}
