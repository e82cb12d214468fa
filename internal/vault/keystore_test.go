package vault

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// memKeys is an in-memory keyring holder for tests: a slice with the two
// rules of store.VaultKeys (unique IDs, one active key).
type memKeys struct {
	mu   sync.Mutex
	rows []store.VaultKey
}

func (m *memKeys) ListVaultKeys(ctx context.Context) ([]store.VaultKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]store.VaultKey, len(m.rows))
	for i, r := range m.rows {
		r.Wrapped = slices.Clone(r.Wrapped)
		out[i] = r
	}
	return out, nil
}

func (m *memKeys) AddVaultKey(ctx context.Context, k store.VaultKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.rows {
		if m.rows[i].ID == k.ID {
			return fmt.Errorf("vault key %d: %w", k.ID, store.ErrConflict)
		}
	}
	if k.Active {
		for i := range m.rows {
			m.rows[i].Active = false
		}
	}
	k.Wrapped = slices.Clone(k.Wrapped)
	m.rows = append(m.rows, k)
	return nil
}
