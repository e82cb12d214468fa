package upstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// DefaultRecheck is how often a pooled session's credential is compared
// with the store. A replica learns within this bound that another one
// revoked or replaced a credential: it closes the session, and the next
// call connects with what the store holds now (or gets ErrNoCredential).
const DefaultRecheck = 5 * time.Second

// credStamp identifies the version of the credential a session was opened
// with: "" when the server needs none or none is stored. A static secret's
// stamp changes when it is replaced; an OAuth credential's only when it is
// removed, reconnected or marked unusable (its refreshes keep the session).
func credStamp(c store.Credential) string {
	stamp := c.ID + "/" + c.Status
	if c.Kind != store.CredentialOAuth {
		sum := sha256.Sum256(c.Ciphertext)
		stamp += "/" + hex.EncodeToString(sum[:8])
	}
	return stamp
}

// currentStamp reads the stamp of (s, userID) from the store. ok is false
// when the store could not answer, so the caller keeps what it has.
func (p *Pool) currentStamp(ctx context.Context, s store.Server, userID string) (stamp string, ok bool) {
	if s.AuthMethod == store.AuthNone || s.AuthMethod == "" {
		return "", true
	}
	c, err := p.cfg.Store.GetCredential(ctx, s.ID, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", true
	case err != nil:
		return "", false
	}
	return credStamp(c), true
}

// due reports whether c's credential should be compared with the store
// now, and claims the check so that concurrent callers do not repeat it.
func (p *Pool) due(s store.Server, c *conn) bool {
	if p.cfg.Recheck < 0 || s.AuthMethod == store.AuthNone || s.AuthMethod == "" {
		return false
	}
	now, last := time.Now().UnixNano(), c.checked.Load()
	return now-last >= int64(p.cfg.Recheck) && c.checked.CompareAndSwap(last, now)
}

// stale reports whether the credential behind c changed since c opened.
// A store error keeps the session: a hiccup must not drop every session.
func (p *Pool) stale(ctx context.Context, s store.Server, userID string, c *conn) bool {
	stamp, ok := p.currentStamp(ctx, s, userID)
	return ok && stamp != c.stamp
}
