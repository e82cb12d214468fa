package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Bounds on what a groups claim may bring in at one sign-in.
const (
	maxSSOGroups    = 500
	maxGroupNameLen = 200
)

// syncGroups makes the SSO-managed memberships of userID exactly the
// groups named in the claim, creating missing groups with source "sso".
// Memberships an admin made stay. It returns the names it mapped.
func (s *SSO) syncGroups(ctx context.Context, userID string, claim []string) ([]string, error) {
	names := groupNames(claim)
	ids := make([]string, 0, len(names))
	for _, n := range names {
		g, err := ensureGroup(ctx, s.cfg.Store, n, s.cfg.Now())
		if err != nil {
			return nil, err
		}
		ids = append(ids, g.ID)
	}
	if err := s.cfg.Store.SetSourcedMemberships(ctx, userID, store.GroupSourceSSO, ids, s.cfg.Now().UTC()); err != nil {
		return nil, fmt.Errorf("set sso groups: %w", err)
	}
	return names, nil
}

// groupNames trims, drops empty and over-long names and duplicates, and
// keeps at most maxSSOGroups, sorted.
func groupNames(claim []string) []string {
	var out []string
	for _, n := range claim {
		n = strings.TrimSpace(n)
		if n == "" || len(n) > maxGroupNameLen || strings.ContainsFunc(n, isControl) {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return out[:min(len(out), maxSSOGroups)]
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// ensureGroup returns the group named name, creating it with source sso.
func ensureGroup(ctx context.Context, st store.Store, name string, now time.Time) (store.Group, error) {
	g, err := st.GetGroupByName(ctx, name)
	if !errors.Is(err, store.ErrNotFound) {
		return g, err
	}
	g = store.Group{ID: NewID("grp"), Name: name, Source: store.GroupSourceSSO, CreatedAt: now.UTC()}
	err = st.CreateGroup(ctx, g)
	if errors.Is(err, store.ErrConflict) { // created concurrently
		return st.GetGroupByName(ctx, name)
	}
	return g, err
}

// equalSecret compares two secrets in constant time.
func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
