package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// VaultRotateMasterKeyCommand runs `switchboard vault rotate-master-key
// --new-key-file FILE`: it rewraps every data key from the current master
// key to the one in FILE (generated when missing) in one transaction, on
// the database directly, so that the master key never crosses the API. A
// running server keeps working: its data keys do not change.
func VaultRotateMasterKeyCommand(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	flags := flag.NewFlagSet("vault rotate-master-key", flag.ContinueOnError)
	newFile := flags.String("new-key-file", "", "`FILE` with the new master key; created (random, mode 0600) when missing")
	cfg, err := loadConfig(flags, args, stdout, "data_dir", "database_url", "master_key_file")
	if err != nil {
		return helpIsNil(err)
	}
	if *newFile == "" {
		return usageError{errors.New("--new-key-file is required, e.g. --new-key-file /secure/new-master.key")}
	}
	cur, err := currentMasterKey(cfg)
	if err != nil {
		return err
	}
	if cfg.MasterKey.Reveal() == "" && samePath(*newFile, cfg.MasterKeyFile) {
		return usageError{errors.New("--new-key-file must not be the current key file; write the new key elsewhere, then move it")}
	}
	next, created, err := vault.LoadOrCreateMasterKey(*newFile)
	if err != nil {
		return fmt.Errorf("new master key: %w", err)
	}
	from, err := vault.NewLocalWrapper(cur)
	if err != nil {
		return err
	}
	to, err := vault.NewLocalWrapper(next)
	if err != nil {
		return fmt.Errorf("new master key %s: %w", *newFile, err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := vault.RewrapKeyring(ctx, from, to, st)
	if err != nil {
		return err
	}
	printMasterRotated(stdout, cfg, *newFile, created, n, from.ID(), to.ID())
	return nil
}

// currentMasterKey reads the master key as serve does, but never creates
// a key file: a missing one is an error.
func currentMasterKey(cfg config.Config) ([]byte, error) {
	if s := cfg.MasterKey.Reveal(); s != "" {
		k, err := vault.ParseMasterKey(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", vault.MasterKeyEnv, err)
		}
		return k, nil
	}
	data, err := os.ReadFile(cfg.MasterKeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no current master key: %s does not exist and %s is unset", cfg.MasterKeyFile, vault.MasterKeyEnv)
	}
	if err != nil {
		return nil, fmt.Errorf("read master key file: %w", err)
	}
	k, err := vault.ParseMasterKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", cfg.MasterKeyFile, err)
	}
	return k, nil
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

func printMasterRotated(w io.Writer, cfg config.Config, newFile string, created bool, n int, was, now string) {
	if created {
		fmt.Fprintf(w, "Generated a new master key at %s (mode 0600).\n", newFile)
	}
	fmt.Fprintf(w, "Rewrapped %d data key(s) under master key %s (was %s). No secret was re-sealed;\n"+
		"running servers keep working with the data keys they hold.\n\n", n, now, was)
	if n == 0 {
		fmt.Fprintln(w, "Every data key was already under the new master key (an earlier run finished it).")
	}
	fmt.Fprintln(w, "Before the next restart, install the new key where serve reads it:")
	if cfg.MasterKey.Reveal() == "" {
		fmt.Fprintf(w, "  mv %s %s\n", newFile, cfg.MasterKeyFile)
	} else {
		fmt.Fprintf(w, "  set %s to the contents of %s\n", vault.MasterKeyEnv, newFile)
	}
	fmt.Fprintln(w, "The old key no longer opens this keyring; keep it only for database backups taken before now.")
}
