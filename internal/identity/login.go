package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ErrLoginFailed is what a caller shows for any refused login: a wrong
// password, an unknown or disabled account and a throttled one look the
// same from outside. errors.AsType[*LoginError] gives the reason for the
// audit trail.
var ErrLoginFailed = errors.New("wrong email or password")

// Reasons a login is refused, for the audit trail only.
const (
	ReasonUnknownUser = "unknown_user"
	ReasonNoPassword  = "no_password"
	ReasonBadPassword = "bad_password"
	ReasonDisabled    = "disabled"
	ReasonRateLimited = "rate_limited"
)

// LoginError is a refused login. It matches ErrLoginFailed.
type LoginError struct {
	Reason     string
	User       store.User    // set when the account exists
	RetryAfter time.Duration // set when Reason is ReasonRateLimited
}

func (e *LoginError) Error() string        { return "login refused: " + e.Reason }
func (e *LoginError) Is(target error) bool { return target == ErrLoginFailed }

// Default throttles: an account may fail 5 times at once, then once a
// minute; an address 20 times, then once every 6 seconds.
var (
	DefaultAccountRate = Rate{Burst: 5, Every: time.Minute}
	DefaultIPRate      = Rate{Burst: 20, Every: 6 * time.Second}
)

// LoginConfig configures Logins. Store is required.
type LoginConfig struct {
	Store    store.Store
	Params   PasswordParams // zero = DefaultPasswordParams
	Accounts Limiter        // per account; nil = in memory at DefaultAccountRate
	IPs      Limiter        // per client address; nil = in memory at DefaultIPRate
	Logger   *slog.Logger
	Now      func() time.Time
}

// Logins checks email and password sign-ins.
type Logins struct {
	cfg   LoginConfig
	dummy func() string // a hash to verify against when there is no account
}

// NewLogins returns a Logins with cfg's defaults filled in.
func NewLogins(cfg LoginConfig) (*Logins, error) {
	if cfg.Store == nil {
		return nil, errors.New("identity: LoginConfig.Store is required")
	}
	if cfg.Params == (PasswordParams{}) {
		cfg.Params = DefaultPasswordParams
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Accounts == nil {
		cfg.Accounts = NewMemoryLimiter(DefaultAccountRate, cfg.Now)
	}
	if cfg.IPs == nil {
		cfg.IPs = NewMemoryLimiter(DefaultIPRate, cfg.Now)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	params := cfg.Params
	dummy := sync.OnceValue(func() string {
		h, _ := HashPassword("not-a-password-"+NewID("x"), params)
		return h
	})
	return &Logins{cfg: cfg, dummy: dummy}, nil
}

// Login checks email and password from the client address ip. It returns
// the user, a *LoginError, or another error when the store fails.
func (l *Logins) Login(ctx context.Context, email, password, ip string) (store.User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		email = "invalid"
	}
	keys := []limitKey{{l.cfg.Accounts, "account:" + email}, {l.cfg.IPs, "ip:" + ip}}
	if wait, err := throttled(ctx, keys); err != nil {
		return store.User{}, err
	} else if wait > 0 {
		return store.User{}, &LoginError{Reason: ReasonRateLimited, RetryAfter: wait}
	}
	u, reason, err := l.check(ctx, email, password)
	if err != nil {
		return store.User{}, err
	}
	if reason != "" {
		for _, k := range keys {
			if err := k.lim.Fail(ctx, k.key); err != nil {
				return store.User{}, err
			}
		}
		return store.User{}, &LoginError{Reason: reason, User: u}
	}
	return u, keys[0].lim.Reset(ctx, keys[0].key)
}

// limitKey is a key of one limiter.
type limitKey struct {
	lim Limiter
	key string
}

// throttled returns how long the longest-waiting key must still wait.
func throttled(ctx context.Context, keys []limitKey) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		w, err := k.lim.Allow(ctx, k.key)
		if err != nil {
			return 0, err
		}
		wait = max(wait, w)
	}
	return wait, nil
}

// check verifies the password and returns a refusal reason, "" for a
// match. It hashes even when there is no account, so that the answer
// time does not tell which emails exist.
func (l *Logins) check(ctx context.Context, email, password string) (store.User, string, error) {
	u, err := l.cfg.Store.GetUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		_, _, _ = VerifyPassword(l.dummy(), password, l.cfg.Params)
		return store.User{}, ReasonUnknownUser, nil
	} else if err != nil {
		return store.User{}, "", fmt.Errorf("look up user: %w", err)
	}
	encoded, err := l.cfg.Store.GetPasswordHash(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		_, _, _ = VerifyPassword(l.dummy(), password, l.cfg.Params)
		return u, ReasonNoPassword, nil
	} else if err != nil {
		return u, "", fmt.Errorf("look up password: %w", err)
	}
	ok, rehash, err := VerifyPassword(encoded, password, l.cfg.Params)
	switch {
	case err != nil:
		l.cfg.Logger.ErrorContext(ctx, "stored password hash is malformed", "user_id", u.ID, "err", err)
		return u, ReasonBadPassword, nil
	case !ok:
		return u, ReasonBadPassword, nil
	case u.Disabled:
		return u, ReasonDisabled, nil
	}
	if rehash {
		if err := SetPassword(ctx, l.cfg.Store, u.ID, password, l.cfg.Params, l.cfg.Now(), false); err != nil {
			l.cfg.Logger.WarnContext(ctx, "password rehash failed", "user_id", u.ID, "err", err)
		}
	}
	return u, "", nil
}

// SetPassword checks pw against the policy, hashes it and stores it. With
// signOut, every browser session of the user ends too, as after a reset.
func SetPassword(ctx context.Context, st store.Store, userID, pw string, p PasswordParams, now time.Time, signOut bool) error {
	if p == (PasswordParams{}) {
		p = DefaultPasswordParams
	}
	hash, err := HashPassword(pw, p)
	if err != nil {
		return err
	}
	if err := st.SetPasswordHash(ctx, userID, hash, now); err != nil {
		return err
	}
	if signOut {
		return st.DeleteUserSessions(ctx, userID)
	}
	return nil
}
