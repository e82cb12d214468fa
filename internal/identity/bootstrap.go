package identity

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ErrAlreadyBootstrapped means a user with the email exists already.
var ErrAlreadyBootstrapped = errors.New("that user exists already; sign in with an existing token and run `switchboard token create`")

// Bootstrap creates the first admin user and an API token for it. It
// returns the token text, which is never stored and never shown again.
func Bootstrap(ctx context.Context, st store.Store, email string, now time.Time) (store.User, string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, "", err
	}
	if _, err := st.GetUserByEmail(ctx, email); err == nil {
		return store.User{}, "", ErrAlreadyBootstrapped
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, "", fmt.Errorf("look up user: %w", err)
	}
	u := store.User{ID: NewID("usr"), Email: email, Role: store.RoleAdmin, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, u); err != nil {
		return store.User{}, "", fmt.Errorf("create user: %w", err)
	}
	text, hash := NewToken()
	t := store.APIToken{ID: NewID("tok"), Name: "bootstrap", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: now}
	if err := st.CreateAPIToken(ctx, t); err != nil {
		return store.User{}, "", fmt.Errorf("create token: %w", err)
	}
	return u, text, nil
}

// NormalizeEmail validates an address and lower-cases it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "", fmt.Errorf("email: %q is not a valid address", s)
	}
	return strings.ToLower(s), nil
}
