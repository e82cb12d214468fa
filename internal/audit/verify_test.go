package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// trail is a real SQLite store with a hash-chained audit trail, plus a
// raw connection to the same file for tampering behind the store's back.
type trail struct {
	st     store.Store
	raw    *sql.DB
	vault  *vault.Vault
	signer *Signer
	w      *Writer
}

// newTrail opens a store in a temporary file and writes n events through
// a Writer.
func newTrail(t testing.TB, n int) *trail {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	raw, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	tr := &trail{st: st, raw: raw}
	tr.vault, tr.signer = newSigner(t, st, time.Now)
	tr.w, err = NewWriter(t.Context(), Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.w.Close() })
	tr.record(t, n, time.Time{})
	return tr
}

// newSigner opens a Signer whose key is sealed by a fresh vault on st.
func newSigner(t testing.TB, st store.Store, now func() time.Time) (*vault.Vault, *Signer) {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	v, err := vault.Open(t.Context(), key, st)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSigner(t.Context(), SignerConfig{Store: st, Sealer: v, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return v, s
}

// record writes n events at time at (zero: the writer's clock).
func (tr *trail) record(t testing.TB, n int, at time.Time) {
	t.Helper()
	for i := range n {
		ev := store.AuditEvent{
			Code: CodeToolCall, Time: at, ActorID: "usr_1", Endpoint: "dev", Server: "github",
			Tool: fmt.Sprintf("tool_%d", i), Outcome: OutcomeOK,
			Request: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)), Response: json.RawMessage(`{"ok":true}`),
		}
		if _, err := tr.w.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

// exec runs SQL straight on the database file.
func (tr *trail) exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := tr.raw.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// checkpoint signs and stores a checkpoint of the event at seq as it is
// stored now.
func (tr *trail) checkpoint(t testing.TB, seq int64) store.AuditCheckpoint {
	t.Helper()
	ev, err := tr.st.GetAudit(t.Context(), seq)
	if err != nil {
		t.Fatal(err)
	}
	cp := tr.signer.Sign(seq, ev.Hash)
	if err := tr.st.AddAuditCheckpoint(t.Context(), cp); err != nil {
		t.Fatal(err)
	}
	return cp
}

func (tr *trail) verify(t testing.TB) Report {
	t.Helper()
	rep, err := Verify(t.Context(), tr.st, VerifyOptions{PageSize: 3, Keys: tr.signer.PublicKeys()})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyIntactChain(t *testing.T) {
	tr := newTrail(t, 20)
	tr.checkpoint(t, 10)
	tr.checkpoint(t, 20)
	rep := tr.verify(t)
	if !rep.OK || rep.Count != 20 || rep.FirstSeq != 1 || rep.LastSeq != 20 || rep.Checkpoints != 2 {
		t.Fatalf("report = %+v, want OK over 20 events and 2 checkpoints", rep)
	}
	empty := newTrail(t, 0)
	if rep := empty.verify(t); !rep.OK || rep.Count != 0 {
		t.Errorf("empty trail: %+v", rep)
	}
}

// TestVerifyNamesTampering changes the SQLite file directly, the way an
// attacker with the database would, and checks that Verify names the
// first broken seq and why.
func TestVerifyNamesTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper []string
		cps    []int64 // checkpoints taken before tampering
		seq    int64
		reason Reason
	}{
		{name: "edit a field", tamper: []string{`UPDATE audit_events SET tool = 'evil' WHERE seq = 7`},
			seq: 7, reason: ReasonEdited},
		{name: "edit the request", tamper: []string{`UPDATE audit_events SET request = X'7B7D' WHERE seq = 1`},
			seq: 1, reason: ReasonEdited},
		{name: "edit the hash", tamper: []string{`UPDATE audit_events SET hash = zeroblob(32) WHERE seq = 12`},
			seq: 12, reason: ReasonEdited},
		{name: "edit prev_hash", tamper: []string{`UPDATE audit_events SET prev_hash = zeroblob(32) WHERE seq = 9`},
			seq: 9, reason: ReasonEdited},
		{name: "edit the last event", tamper: []string{`UPDATE audit_events SET outcome = 'denied' WHERE seq = 20`},
			seq: 20, reason: ReasonEdited},
		{name: "delete one", tamper: []string{`DELETE FROM audit_events WHERE seq = 7`},
			seq: 7, reason: ReasonDeleted},
		{name: "delete a range", tamper: []string{`DELETE FROM audit_events WHERE seq BETWEEN 5 AND 11`},
			seq: 5, reason: ReasonDeleted},
		{name: "delete the first", tamper: []string{`DELETE FROM audit_events WHERE seq <= 3`},
			seq: 1, reason: ReasonDeleted},
		{name: "delete and renumber", tamper: []string{
			`DELETE FROM audit_events WHERE seq IN (6, 7)`,
			`UPDATE audit_events SET seq = -(seq - 2) WHERE seq > 7`,
			`UPDATE audit_events SET seq = -seq WHERE seq < 0`,
		}, seq: 6, reason: ReasonDeleted},
		{name: "truncate the tail past a checkpoint", cps: []int64{20}, tamper: []string{`DELETE FROM audit_events WHERE seq > 15`},
			seq: 16, reason: ReasonDeleted},
		{name: "swap two neighbours", tamper: swap(7, 8), seq: 7, reason: ReasonReordered},
		{name: "swap far apart", tamper: swap(3, 17), seq: 3, reason: ReasonReordered},
		{name: "swap the first and second", tamper: swap(1, 2), seq: 1, reason: ReasonReordered},
		{name: "move one later", tamper: []string{
			`UPDATE audit_events SET seq = -100 WHERE seq = 4`,
			`UPDATE audit_events SET seq = -(seq - 1) WHERE seq BETWEEN 5 AND 15`,
			`UPDATE audit_events SET seq = -seq WHERE seq < 0 AND seq <> -100`,
			`UPDATE audit_events SET seq = 15 WHERE seq = -100`,
		}, seq: 4, reason: ReasonReordered},
		{name: "forge a checkpoint", cps: []int64{10}, tamper: []string{`UPDATE audit_checkpoints SET hash = zeroblob(32) WHERE seq = 10`},
			seq: 10, reason: ReasonEdited},
		{name: "delete the checkpointed tail", cps: []int64{10, 20}, tamper: []string{`DELETE FROM audit_events WHERE seq > 10`},
			seq: 11, reason: ReasonDeleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTrail(t, 20)
			for _, seq := range tc.cps {
				tr.checkpoint(t, seq)
			}
			tr.exec(t, tc.tamper...)
			rep := tr.verify(t)
			if rep.OK || rep.FirstBad != tc.seq || rep.Reason != tc.reason {
				t.Fatalf("report = %+v, want first bad seq %d, %s", rep, tc.seq, tc.reason)
			}
			if rep.Detail == "" {
				t.Error("report has no detail")
			}
		})
	}
}

// swap exchanges the rows at seqs a and b, as an attacker reordering
// events would.
func swap(a, b int64) []string {
	return []string{
		fmt.Sprintf(`UPDATE audit_events SET seq = -1 WHERE seq = %d`, a),
		fmt.Sprintf(`UPDATE audit_events SET seq = %d WHERE seq = %d`, a, b),
		fmt.Sprintf(`UPDATE audit_events SET seq = %d WHERE seq = -1`, b),
	}
}

// TestVerifyCatchesRewriteWithCheckpoint rewrites the chain from seq 12
// on, recomputing every hash so that the chain itself verifies: only the
// signed checkpoint at 15 can tell, and it names the stretch after the
// checkpoint at 10.
func TestVerifyCatchesRewriteWithCheckpoint(t *testing.T) {
	tr := newTrail(t, 20)
	tr.checkpoint(t, 10)
	tr.checkpoint(t, 15)
	prev, err := tr.st.GetAudit(t.Context(), 11)
	if err != nil {
		t.Fatal(err)
	}
	for seq := int64(12); seq <= 20; seq++ {
		ev, err := tr.st.GetAudit(t.Context(), seq)
		if err != nil {
			t.Fatal(err)
		}
		if seq == 12 {
			ev.Outcome = OutcomeDenied
		}
		ev.PrevHash = prev.Hash
		if ev.Hash, err = Hash(ev.PrevHash, ev); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.raw.ExecContext(t.Context(), `UPDATE audit_events SET outcome = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
			ev.Outcome, ev.PrevHash, ev.Hash, seq); err != nil {
			t.Fatal(err)
		}
		prev = ev
	}
	rep := tr.verify(t)
	if rep.OK || rep.FirstBad != 11 || rep.Reason != ReasonEdited {
		t.Fatalf("report = %+v, want edited from seq 11", rep)
	}
	// Without the signatures' keys the checkpoint still pins the hash.
	rep, err = Verify(t.Context(), tr.st, VerifyOptions{})
	if err != nil || rep.OK || rep.FirstBad != 11 {
		t.Fatalf("without keys: %+v, %v", rep, err)
	}
}

func TestVerifyUpTo(t *testing.T) {
	tr := newTrail(t, 20)
	tr.exec(t, `UPDATE audit_events SET tool = 'evil' WHERE seq = 15`)
	rep, err := Verify(t.Context(), tr.st, VerifyOptions{UpTo: 14})
	if err != nil || !rep.OK || rep.LastSeq != 14 || rep.Count != 14 {
		t.Fatalf("up to 14: %+v, %v", rep, err)
	}
	if rep := tr.verify(t); rep.OK || rep.FirstBad != 15 {
		t.Fatalf("whole chain: %+v", rep)
	}
}

func TestVerifyCheckpointWithUnknownKey(t *testing.T) {
	tr := newTrail(t, 5)
	tr.checkpoint(t, 5)
	other := newTrail(t, 0)
	rep, err := Verify(t.Context(), tr.st, VerifyOptions{Keys: other.signer.PublicKeys()})
	if err != nil || rep.OK || rep.FirstBad != 5 || rep.Reason != ReasonEdited {
		t.Fatalf("report = %+v, %v; want the checkpoint rejected", rep, err)
	}
}
