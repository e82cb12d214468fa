package server

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// openStore opens the configured database and runs its migrations. The
// data directory is created 0700 when missing.
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			// pgx names host, user and database in its errors, never the password.
			return nil, fmt.Errorf("database_url: %w", err)
		}
		return st, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.DatabasePath(), err)
	}
	return st, nil
}

// openVault loads the master key (env first, then the key file, created
// when missing) and unlocks the keyring. A new key file is announced on
// notice, loudly, because losing it loses every stored credential.
func openVault(ctx context.Context, cfg config.Config, st store.Store, notice io.Writer) (*vault.Vault, error) {
	var key []byte
	if s := cfg.MasterKey.Reveal(); s != "" {
		k, err := vault.ParseMasterKey(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", vault.MasterKeyEnv, err)
		}
		key = k
	} else {
		k, created, err := vault.LoadOrCreateMasterKey(cfg.MasterKeyFile)
		if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		if created {
			fmt.Fprintf(notice, "%s\nGenerated a new vault master key at %s (mode 0600).\n"+
				"Back it up and keep it apart from the database: without it the stored credentials are lost.\n%s\n",
				strings.Repeat("!", 72), cfg.MasterKeyFile, strings.Repeat("!", 72))
		}
		key = k
	}
	// Another replica's `vault rotate` re-seals records with a key this one
	// has not loaded yet: Unseal then reloads the keyring by itself, and
	// Seal reloads it when older than SealReload, so this replica stops
	// sealing with a retiring key within that bound (see RotateGrace).
	v, err := vault.Open(ctx, key, st, vault.WithReloadOnUnknownKey(), vault.WithSealReload(SealReload))
	if err != nil {
		return nil, err
	}
	return v, nil
}

// SealReload bounds how stale a replica's view of the active data key may
// be when it seals; RotateGrace, used on PostgreSQL where several replicas
// may share the keyring, is waited before a rotation's second pass and
// must stay above it.
const (
	SealReload  = 10 * time.Second
	RotateGrace = 25 * time.Second
)
