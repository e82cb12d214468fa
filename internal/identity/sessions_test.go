package identity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func newSessionEnv(t *testing.T) (*Sessions, store.Store, store.User, *fakeClock) {
	t.Helper()
	st := newStore(t)
	c := newClock()
	u := store.User{ID: NewID("usr"), Email: "a@example.com", Role: store.RoleMember, CreatedAt: c.Now(), UpdatedAt: c.Now()}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	s, err := NewSessions(SessionConfig{Store: st, Idle: time.Hour, Absolute: 4 * time.Hour, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s, st, u, c
}

func TestSessionLifecycle(t *testing.T) {
	s, st, u, c := newSessionEnv(t)
	ctx := t.Context()
	cookie, se, err := s.Start(ctx, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cookie, SessionPrefix) || len(cookie) < 50 {
		t.Errorf("cookie %q is not a prefixed high-entropy value", cookie)
	}
	if got, _ := st.GetSessionByHash(ctx, se.Hash); string(got.Hash) == cookie {
		t.Error("the cookie value is stored")
	}
	_, got, err := s.Resolve(ctx, cookie)
	if err != nil || got.ID != u.ID {
		t.Fatalf("Resolve = %+v, %v", got, err)
	}
	// Activity keeps it alive past the idle limit, not past the absolute one.
	for range 3 {
		c.Advance(50 * time.Minute)
		if _, _, err := s.Resolve(ctx, cookie); err != nil {
			t.Fatalf("an active session ended: %v", err)
		}
	}
	c.Advance(90 * time.Minute) // 4h10m after sign-in
	if _, _, err := s.Resolve(ctx, cookie); !errors.Is(err, ErrNoSession) {
		t.Errorf("past the absolute expiry: %v", err)
	}
	if _, err := st.GetSessionByHash(ctx, se.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired session was not deleted: %v", err)
	}
}

func TestSessionIdleAndEnd(t *testing.T) {
	s, _, u, c := newSessionEnv(t)
	ctx := t.Context()
	cookie, _, _ := s.Start(ctx, u.ID, "")
	c.Advance(61 * time.Minute)
	if _, _, err := s.Resolve(ctx, cookie); !errors.Is(err, ErrNoSession) {
		t.Errorf("past the idle expiry: %v", err)
	}
	cookie, _, _ = s.Start(ctx, u.ID, "")
	if err := s.End(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Resolve(ctx, cookie); !errors.Is(err, ErrNoSession) {
		t.Errorf("after End: %v", err)
	}
	for _, bad := range []string{"", "nope", SessionPrefix + "unknown", SessionPrefix + strings.Repeat("a", 200)} {
		if _, _, err := s.Resolve(ctx, bad); !errors.Is(err, ErrNoSession) {
			t.Errorf("Resolve(%q) = %v", bad, err)
		}
	}
}

func TestSessionRotationAndDisable(t *testing.T) {
	s, st, u, _ := newSessionEnv(t)
	ctx := t.Context()
	planted, _, _ := s.Start(ctx, u.ID, "")
	fresh, _, err := s.Start(ctx, u.ID, planted)
	if err != nil || fresh == planted {
		t.Fatalf("Start with a previous cookie = %q, %v", fresh, err)
	}
	if _, _, err := s.Resolve(ctx, planted); !errors.Is(err, ErrNoSession) {
		t.Errorf("the previous session survived sign-in: %v", err)
	}
	st.UpdateUser(ctx, u.ID, func(u store.User) (store.User, error) { u.Disabled = true; return u, nil })
	if _, _, err := s.Resolve(ctx, fresh); !errors.Is(err, ErrNoSession) {
		t.Errorf("a disabled user's session resolves: %v", err)
	}
}

func TestCSRFToken(t *testing.T) {
	a, b := SessionPrefix+"one", SessionPrefix+"two"
	if !ValidCSRF(a, CSRFToken(a)) {
		t.Error("a session's own token is refused")
	}
	for name, ok := range map[string]bool{
		"other session":   ValidCSRF(a, CSRFToken(b)),
		"empty token":     ValidCSRF(a, ""),
		"no session":      ValidCSRF("", CSRFToken("")),
		"cookie as token": ValidCSRF(a, a),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
