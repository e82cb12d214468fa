package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Prefixes of the secrets of Switchboard's authorization server. They say
// what a leaked string is, and let the gateway pick a verifier without a
// lookup.
const (
	AccessTokenPrefix  = "sba_"
	RefreshTokenPrefix = "sbr_"
	AuthCodePrefix     = "sbc_"
	ClientSecretPrefix = "sbk_"
)

// NewSecret returns a fresh secret with prefix (about 260 bits of
// crypto/rand) and its SHA-256 hash, which is all that is stored.
func NewSecret(prefix string) (text string, hash []byte) {
	text = prefix + rand.Text() + rand.Text()
	return text, HashToken(text)
}

// Reasons an OAuth access token is refused, for the audit trail.
const (
	RejectUnknown      = "unknown"
	RejectExpired      = "expired"
	RejectRevoked      = "revoked"
	RejectGrantExpired = "grant_expired"
	RejectGrantRevoked = "grant_revoked"
	RejectUserDisabled = "user_disabled"
	RejectNotAccess    = "not_an_access_token"
)

// TokenRejection is a refused OAuth access token. It matches
// ErrInvalidToken; Principal is filled when the token was known, so that
// the refusal can be audited against its owner.
type TokenRejection struct {
	Reason    string
	Principal Principal
}

func (e *TokenRejection) Error() string        { return "invalid token: " + e.Reason }
func (e *TokenRejection) Is(target error) bool { return target == ErrInvalidToken }

// MaxAccessCacheTTL bounds how long a verified access token is trusted
// without a store lookup. Revocation written by another replica takes
// effect within it; in this process Forget makes it immediate.
const MaxAccessCacheTTL = time.Second

// AccessVerifier turns OAuth access tokens into principals bound to the
// endpoint of their grant. Lookups go by hash; answers are cached for at
// most MaxAccessCacheTTL.
type AccessVerifier struct {
	st  store.Store
	now func() time.Time
	ttl time.Duration

	mu    sync.Mutex
	gen   uint64 // bumped by Forget; a lookup that raced it is not cached
	cache map[[sha256.Size]byte]accessEntry
}

type accessEntry struct {
	p   Principal
	err error
	exp time.Time // cache entry expiry
}

// NewAccessVerifier returns a verifier; ttl 0 or above MaxAccessCacheTTL
// means MaxAccessCacheTTL, and now nil means time.Now.
func NewAccessVerifier(st store.Store, now func() time.Time, ttl time.Duration) *AccessVerifier {
	if ttl <= 0 || ttl > MaxAccessCacheTTL {
		ttl = MaxAccessCacheTTL
	}
	if now == nil {
		now = time.Now
	}
	return &AccessVerifier{st: st, now: now, ttl: ttl, cache: map[[sha256.Size]byte]accessEntry{}}
}

// Verify resolves an access token. A refused token is a *TokenRejection
// (errors.Is ErrInvalidToken); any other error is a store failure.
func (v *AccessVerifier) Verify(ctx context.Context, text string) (Principal, error) {
	if !strings.HasPrefix(text, AccessTokenPrefix) || len(text) > 128 {
		return Principal{}, &TokenRejection{Reason: RejectUnknown}
	}
	key := sha256.Sum256([]byte(text))
	now := v.now()
	v.mu.Lock()
	e, ok := v.cache[key]
	gen := v.gen
	v.mu.Unlock()
	if ok && now.Before(e.exp) {
		return checkExpiry(e.p, e.err, now)
	}
	p, err := v.lookup(ctx, key[:], now)
	if err != nil && !errors.Is(err, ErrInvalidToken) {
		return Principal{}, err
	}
	v.mu.Lock()
	if v.gen == gen {
		if len(v.cache) >= maxCache {
			clear(v.cache)
		}
		v.cache[key] = accessEntry{p: p, err: err, exp: now.Add(v.ttl)}
	}
	v.mu.Unlock()
	return checkExpiry(p, err, now)
}

// checkExpiry refuses a cached principal whose token ended meanwhile.
func checkExpiry(p Principal, err error, now time.Time) (Principal, error) {
	if err != nil {
		return Principal{}, err
	}
	if !now.Before(p.ExpiresAt) {
		return Principal{}, &TokenRejection{Reason: RejectExpired, Principal: p}
	}
	return p, nil
}

// Forget drops every cached answer; call it after a revocation.
func (v *AccessVerifier) Forget() {
	v.mu.Lock()
	v.gen++
	clear(v.cache)
	v.mu.Unlock()
}

func (v *AccessVerifier) lookup(ctx context.Context, hash []byte, now time.Time) (Principal, error) {
	t, g, err := v.st.GetOAuthToken(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, &TokenRejection{Reason: RejectUnknown}
	} else if err != nil {
		return Principal{}, fmt.Errorf("look up access token: %w", err)
	}
	u, err := v.st.GetUser(ctx, g.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Principal{}, fmt.Errorf("look up token owner: %w", err)
	}
	p := Principal{Type: "user", ID: u.ID, Email: u.Email, Role: u.Role, TokenID: g.ID,
		EndpointID: g.EndpointID, ExpiresAt: t.ExpiresAt}
	if g.ExpiresAt.Before(p.ExpiresAt) {
		p.ExpiresAt = g.ExpiresAt
	}
	if reason := refusal(t, g, u, hash, now); reason != "" {
		return Principal{}, &TokenRejection{Reason: reason, Principal: p}
	}
	if err := ResolveAccess(ctx, v.st, &p); err != nil {
		return Principal{}, fmt.Errorf("look up token owner's access: %w", err)
	}
	return p, nil
}

// refusal says why a stored token may not be used now, or "".
func refusal(t store.OAuthToken, g store.Grant, u store.User, hash []byte, now time.Time) string {
	switch {
	case subtle.ConstantTimeCompare(t.Hash, hash) != 1:
		return RejectUnknown
	case t.Kind != store.TokenAccess:
		return RejectNotAccess
	case !t.RevokedAt.IsZero():
		return RejectRevoked
	case !g.RevokedAt.IsZero():
		return RejectGrantRevoked
	case !now.Before(t.ExpiresAt):
		return RejectExpired
	case !now.Before(g.ExpiresAt):
		return RejectGrantExpired
	case u.ID == "" || u.Disabled:
		return RejectUserDisabled
	}
	return ""
}
