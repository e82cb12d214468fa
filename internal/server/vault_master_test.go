package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// TestVaultRotateMasterKey rotates the master key with the local command
// while the server runs: the running server keeps working, refuses a
// data-key rotation until restarted, a start with the old key fails
// clearly, and a start with the new key opens every secret.
func TestVaultRotateMasterKey(t *testing.T) {
	e := newVaultEnv(t, 3)
	ctx := t.Context()
	cfg := e.srv.cfg
	oldKey, err := os.ReadFile(cfg.MasterKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	newFile := filepath.Join(t.TempDir(), "new-master.key")

	var out bytes.Buffer
	err = VaultRotateMasterKeyCommand(ctx, []string{"--data-dir", cfg.DataDir, "--new-key-file", newFile}, nil, &out, io.Discard)
	if err != nil {
		t.Fatalf("rotate-master-key: %v\n%s", err, out.String())
	}
	if fi, err := os.Stat(newFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key file: %v, %v; want mode 0600", fi, err)
	}
	newKey, _ := os.ReadFile(newFile)
	newParsed, _ := vault.ParseMasterKey(string(newKey))
	oldParsed, _ := vault.ParseMasterKey(string(oldKey))
	for _, want := range []string{"Rewrapped 1 data key(s)", vault.Fingerprint(newParsed), vault.Fingerprint(oldParsed), "mv " + newFile} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), strings.TrimSpace(string(newKey))) || strings.Contains(out.String(), strings.TrimSpace(string(oldKey))) {
		t.Error("output shows a master key")
	}

	// The running server still opens the shared credential and calls through.
	if err := callLockedEcho(ctx, e.connectMCP(t, "vaulted"), "after"); err != nil {
		t.Fatalf("gateway call after master rotation: %v", err)
	}
	s, err := e.srv.pool.Connect(ctx, e.server, "")
	if err != nil {
		t.Fatalf("fresh upstream connection after master rotation: %v", err)
	}
	s.Close()
	// ...but will not add a data key wrapped by the old master key.
	_, err = e.admin.RotateVault(ctx, api.VaultRotateRequest{})
	if err == nil || !strings.Contains(err.Error(), "restart") {
		t.Errorf("data-key rotation on the stale server: err = %v, want a 409 asking for a restart", err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := New(ctx, cfg, logger, io.Discard); !errors.Is(err, vault.ErrWrongMasterKey) ||
		!strings.Contains(err.Error(), "rotate-master-key") {
		t.Fatalf("start with the old master key: err = %v, want ErrWrongMasterKey", err)
	}
	if err := os.Rename(newFile, cfg.MasterKeyFile); err != nil {
		t.Fatal(err)
	}
	restarted, err := New(ctx, cfg, logger, io.Discard)
	if err != nil {
		t.Fatalf("start with the new master key: %v", err)
	}
	defer restarted.Close()
	sess, err := restarted.pool.Connect(ctx, e.server, "")
	if err != nil {
		t.Fatalf("restarted server opens the credential: %v", err)
	}
	defer sess.Close()
	if _, err := sess.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}}); err != nil {
		t.Fatal(err)
	}
}

func TestVaultRotateMasterKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no new key file", []string{"--data-dir", dir}, "--new-key-file is required"},
		{"no current key", []string{"--data-dir", dir, "--new-key-file", filepath.Join(dir, "n.key")}, "no current master key"},
	} {
		err := VaultRotateMasterKeyCommand(ctx, tc.args, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := vault.LoadOrCreateMasterKey(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	err := VaultRotateMasterKeyCommand(ctx, []string{"--data-dir", dir, "--new-key-file", filepath.Join(dir, "master.key")}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "must not be the current key file") {
		t.Errorf("same file: err = %v", err)
	}
}
