package server

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/cli"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// integrityServer is a whole Server over a temporary data directory,
// behind httptest, with an admin token for the CLI.
type integrityServer struct {
	s     *Server
	cfg   config.Config
	url   string
	token string
}

func newIntegrityServer(t *testing.T) *integrityServer {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MasterKeyFile = filepath.Join(cfg.DataDir, "master.key")
	// Checkpoints only when the test asks; retention on, with nothing old.
	cfg.Audit.CheckpointEvery, cfg.Audit.CheckpointInterval = 0, config.Duration{Duration: time.Hour}
	cfg.Audit.RetentionDays = 30
	s, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	_, token, err := identity.Bootstrap(t.Context(), s.store, "root@example.com", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &integrityServer{s: s, cfg: cfg, url: srv.URL, token: token}
}

// cli runs the switchboard CLI against the server.
func (is *integrityServer) cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"SWITCHBOARD_URL": is.url, "SWITCHBOARD_TOKEN": is.token}
	code := cli.Run(t.Context(), args, cli.IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }}, nil)
	return code, out.String(), errb.String()
}

// tamper runs SQL straight on the database file.
func (is *integrityServer) tamper(t *testing.T, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: is.cfg.DatabasePath()}).String()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), stmt); err != nil {
		t.Fatal(err)
	}
}

// TestAuditVerifyRoundTrip drives `switchboard audit verify` and its
// checkpoint form through the real API, before and after tampering with
// the database file.
func TestAuditVerifyRoundTrip(t *testing.T) {
	is := newIntegrityServer(t)
	for range 12 {
		if _, err := is.s.audit.Record(t.Context(), store.AuditEvent{Code: audit.CodeToolCall, Tool: "echo"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, stored, err := is.s.chain.checkpoints.Checkpoint(t.Context()); err != nil || !stored {
		t.Fatalf("checkpoint: stored %v, %v", stored, err)
	}

	code, out, errs := is.cli(t, "audit", "verify", "--json")
	var rep api.AuditVerifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.OK || rep.Count != 12 || rep.Checkpoints != 1 {
		t.Fatalf("intact: exit %d %+v (%v)\n%s", code, rep, err, errs)
	}

	code, pemKey, errs := is.cli(t, "audit", "public-key")
	if code != 0 || !strings.HasPrefix(pemKey, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("public-key: exit %d %q %s", code, pemKey, errs)
	}
	keyFile := filepath.Join(t.TempDir(), "audit-key.pem")
	if err := os.WriteFile(keyFile, []byte(pemKey), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = is.cli(t, "audit", "verify", "--checkpoints-only", "--public-key", keyFile)
	if code != 0 || !strings.Contains(out, "Checkpoints OK: 1 signature(s)") {
		t.Fatalf("checkpoints-only: exit %d\n%s%s", code, out, errs)
	}

	is.tamper(t, `UPDATE audit_events SET tool = 'evil' WHERE seq = 7`)
	code, out, _ = is.cli(t, "audit", "verify", "--json")
	rep = api.AuditVerifyReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.OK || rep.FirstBadSeq != 7 || rep.Reason != "edited" {
		t.Fatalf("after an edit: exit %d %+v (%v)", code, rep, err)
	}

	is.tamper(t, `UPDATE audit_events SET hash = zeroblob(32) WHERE seq = 12`)
	code, out, _ = is.cli(t, "audit", "verify", "--checkpoints-only", "--public-key", keyFile)
	if code != 1 || !strings.Contains(out, "BROKEN at seq 1: edited") {
		t.Fatalf("checkpoints-only after a tampered hash: exit %d\n%s", code, out)
	}
}

// TestCheckpointEncodingsAgree: the CLI verifies checkpoints with its own
// copy of the signed encoding (it never links internal/audit); both must
// produce the same bytes and key IDs.
func TestCheckpointEncodingsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		hash := make([]byte, r.IntN(70))
		for i := range hash {
			hash[i] = byte(r.Uint32())
		}
		seq, at := r.Int64(), time.Unix(0, r.Int64()-r.Int64())
		if a, b := audit.CheckpointMessage(seq, hash, at), apiclient.CheckpointMessage(seq, hash, at); !bytes.Equal(a, b) {
			t.Fatalf("encodings differ for seq %d hash %x at %v:\n%x\n%x", seq, hash, at, a, b)
		}
		pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
		for i := range pub {
			pub[i] = byte(r.Uint32())
		}
		if audit.KeyID(pub) != apiclient.CheckpointKeyID(pub) {
			t.Fatalf("key IDs differ for %x", pub)
		}
	}
}

// TestAuditJobsStop: Close stops the checkpoint and retention loops.
func TestAuditJobsStop(t *testing.T) {
	is := newIntegrityServer(t)
	done := make(chan struct{})
	go func() { is.s.chain.close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the audit loops did not stop")
	}
}
