package identity

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// fakeClock is an injected clock that only moves when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func TestMemoryLimiter(t *testing.T) {
	ctx := t.Context()
	c := newClock()
	l := NewMemoryLimiter(Rate{Burst: 3, Every: 10 * time.Second}, c.Now)
	for i := range 3 {
		if w, _ := l.Allow(ctx, "k"); w != 0 {
			t.Fatalf("attempt %d throttled", i)
		}
		l.Fail(ctx, "k")
	}
	if w, _ := l.Allow(ctx, "k"); w < 10*time.Second-time.Millisecond {
		t.Errorf("after the burst Allow = %v, want about 10s", w)
	}
	if w, _ := l.Allow(ctx, "other"); w != 0 {
		t.Error("keys are not independent")
	}
	c.Advance(10 * time.Second)
	if w, _ := l.Allow(ctx, "k"); w != 0 {
		t.Errorf("after one refill period Allow = %v, want 0", w)
	}
	l.Fail(ctx, "k")
	if w, _ := l.Allow(ctx, "k"); w == 0 {
		t.Error("the refilled token was not taken")
	}
	l.Reset(ctx, "k")
	if w, _ := l.Allow(ctx, "k"); w != 0 {
		t.Error("Reset did not clear the key")
	}
}

// newLoginEnv returns Logins over a fresh store with user a@example.com
// whose password is "a long password".
func newLoginEnv(t *testing.T) (*Logins, store.Store, store.User, *fakeClock) {
	t.Helper()
	st := newStore(t)
	c := newClock()
	u := store.User{ID: NewID("usr"), Email: "a@example.com", Role: store.RoleMember, CreatedAt: c.Now(), UpdatedAt: c.Now()}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(t.Context(), st, u.ID, "a long password", testParams, c.Now(), false); err != nil {
		t.Fatal(err)
	}
	l, err := NewLogins(LoginConfig{Store: st, Params: testParams, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return l, st, u, c
}

func reason(err error) string {
	if le, ok := errors.AsType[*LoginError](err); ok {
		return le.Reason
	}
	return fmt.Sprintf("not a LoginError: %v", err)
}

func TestLogin(t *testing.T) {
	l, st, u, c := newLoginEnv(t)
	ctx := t.Context()
	got, err := l.Login(ctx, " A@Example.com ", "a long password", "10.0.0.1")
	if err != nil || got.ID != u.ID {
		t.Fatalf("Login = %+v, %v", got, err)
	}
	for name, tc := range map[string]struct{ email, pw, want string }{
		"wrong password": {"a@example.com", "a wrong password", ReasonBadPassword},
		"unknown user":   {"b@example.com", "a long password", ReasonUnknownUser},
		"not an email":   {"nope", "a long password", ReasonUnknownUser},
	} {
		_, err := l.Login(ctx, tc.email, tc.pw, "10.0.0.2")
		if !errors.Is(err, ErrLoginFailed) || reason(err) != tc.want {
			t.Errorf("%s: err = %v, want reason %s", name, err, tc.want)
		}
	}
	nopw := store.User{ID: NewID("usr"), Email: "sso@example.com", Role: store.RoleMember, CreatedAt: c.Now(), UpdatedAt: c.Now()}
	st.CreateUser(ctx, nopw)
	if _, err := l.Login(ctx, "sso@example.com", "a long password", "10.0.0.3"); reason(err) != ReasonNoPassword {
		t.Errorf("user without password: %v", err)
	}
	st.UpdateUser(ctx, u.ID, func(u store.User) (store.User, error) { u.Disabled = true; return u, nil })
	if _, err := l.Login(ctx, "a@example.com", "a long password", "10.0.0.4"); reason(err) != ReasonDisabled {
		t.Errorf("disabled user: %v", err)
	}
}

func TestLoginThrottlesAccount(t *testing.T) {
	l, _, _, c := newLoginEnv(t)
	ctx := t.Context()
	for i := range DefaultAccountRate.Burst {
		if _, err := l.Login(ctx, "a@example.com", "wrong password!", fmt.Sprintf("10.0.0.%d", i)); reason(err) != ReasonBadPassword {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// Even the right password is refused now, from any address.
	_, err := l.Login(ctx, "a@example.com", "a long password", "10.9.9.9")
	le, _ := errors.AsType[*LoginError](err)
	if le == nil || le.Reason != ReasonRateLimited || le.RetryAfter <= 0 {
		t.Fatalf("after the burst: %v", err)
	}
	c.Advance(DefaultAccountRate.Every)
	if _, err := l.Login(ctx, "a@example.com", "a long password", "10.9.9.9"); err != nil {
		t.Errorf("after a refill period the right password should pass: %v", err)
	}
	// Success cleared the account's failures.
	for i := range DefaultAccountRate.Burst - 1 {
		l.Login(ctx, "a@example.com", "wrong password!", fmt.Sprintf("10.1.0.%d", i))
	}
	if _, err := l.Login(ctx, "a@example.com", "a long password", "10.9.9.8"); err != nil {
		t.Errorf("failures before a success should not count after it: %v", err)
	}
}

func TestLoginThrottlesAddress(t *testing.T) {
	l, _, _, _ := newLoginEnv(t)
	ctx := t.Context()
	for i := range DefaultIPRate.Burst {
		l.Login(ctx, fmt.Sprintf("user%d@example.com", i), "a long password", "192.0.2.1")
	}
	if _, err := l.Login(ctx, "a@example.com", "a long password", "192.0.2.1"); reason(err) != ReasonRateLimited {
		t.Errorf("an address that sprayed accounts should be throttled: %v", err)
	}
	if _, err := l.Login(ctx, "a@example.com", "a long password", "192.0.2.2"); err != nil {
		t.Errorf("another address is not throttled: %v", err)
	}
}

func TestLoginRehashes(t *testing.T) {
	l, st, u, _ := newLoginEnv(t)
	stronger := PasswordParams{Memory: 128, Time: 1, Threads: 1}
	l.cfg.Params = stronger
	if _, err := l.Login(t.Context(), "a@example.com", "a long password", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	h, _ := st.GetPasswordHash(t.Context(), u.ID)
	if _, rehash, _ := VerifyPassword(h, "a long password", stronger); rehash {
		t.Errorf("hash %q was not upgraded to the new parameters", h)
	}
}
