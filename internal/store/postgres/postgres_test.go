package postgres_test

import (
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
	"github.com/switchboard-mcp/switchboard/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, newStore)
}

func TestReopen(t *testing.T) {
	dsn := testenv.FreshPostgres(t)
	for range 2 {
		s, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// newStore opens a store on a database of its own.
func newStore(t *testing.T) store.Store {
	s, err := postgres.Open(t.Context(), testenv.FreshPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}
