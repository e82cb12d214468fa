package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

// memTrail is the input of chain verification held in memory: the fuzz
// target mutates it thousands of times a second, which a database file
// could not keep up with. TestVerifyNamesTampering covers the same
// mutations on a real SQLite file.
type memTrail struct {
	events []store.AuditEvent // in storage order: ascending seq
	cps    []store.AuditCheckpoint
}

func (m *memTrail) AuditHead(context.Context) (store.AuditEvent, error) {
	if len(m.events) == 0 {
		return store.AuditEvent{}, store.ErrNotFound
	}
	return m.events[len(m.events)-1], nil
}

func (m *memTrail) ListAudit(_ context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	if !f.Ascending {
		return nil, fmt.Errorf("memTrail lists ascending only")
	}
	var out []store.AuditEvent
	for _, ev := range m.events {
		if ev.Seq > f.AfterSeq && len(out) < f.Limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (m *memTrail) ListAuditCheckpoints(_ context.Context, after int64, limit int) ([]store.AuditCheckpoint, error) {
	var out []store.AuditCheckpoint
	for _, cp := range m.cps {
		if cp.Seq > after && len(out) < limit {
			out = append(out, cp)
		}
	}
	return out, nil
}

// sort puts the events back in seq order, as a database returns them.
func (m *memTrail) sort() {
	slices.SortStableFunc(m.events, func(a, b store.AuditEvent) int { return int(a.Seq - b.Seq) })
}

// fuzzKey signs the fuzz trail's head checkpoint.
var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// buildMemTrail chains n events and checkpoints the head.
func buildMemTrail(tb testing.TB, n int) *memTrail {
	m := &memTrail{}
	var prev []byte
	for i := 1; i <= n; i++ {
		ev := store.AuditEvent{
			Seq: int64(i), ID: fmt.Sprintf("ev_%d", i), Time: time.Unix(1_700_000_000, int64(i)).UTC(),
			Code: CodeToolCall, Tool: fmt.Sprintf("t%d", i), Outcome: OutcomeOK,
			Request: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), PrevHash: prev,
		}
		h, err := Hash(prev, ev)
		if err != nil {
			tb.Fatal(err)
		}
		ev.Hash, prev = h, h
		m.events = append(m.events, ev)
	}
	s := &Signer{id: KeyID(fuzzKey.Public().(ed25519.PublicKey)), priv: fuzzKey, now: func() time.Time { return time.Unix(1_800_000_000, 0) }}
	m.cps = append(m.cps, s.Sign(int64(n), prev))
	return m
}

var fuzzKeys = map[string]ed25519.PublicKey{KeyID(fuzzKey.Public().(ed25519.PublicKey)): fuzzKey.Public().(ed25519.PublicKey)}

// mutate applies one tampering to m, picked by op, at positions i and j
// (0-based, already in range), and returns the reason Verify must give.
func mutate(m *memTrail, op byte, i, j int, data []byte) Reason {
	evs := m.events
	switch op % 7 {
	case 0: // edit a field
		evs[i].Tool = string(data)
		return ReasonEdited
	case 1: // delete one event
		m.events = slices.Delete(evs, i, i+1)
		return ReasonDeleted
	case 2: // swap two events' places
		evs[i].Seq, evs[j].Seq = evs[j].Seq, evs[i].Seq
		m.sort()
		return ReasonReordered
	case 3: // overwrite prev_hash
		evs[i].PrevHash = data
		return ReasonEdited
	case 4: // overwrite the hash
		evs[i].Hash = data
		return ReasonEdited
	case 5: // delete i..j and renumber the rest
		lo, hi := min(i, j), max(i, j)
		m.events = slices.Delete(evs, lo, hi+1)
		for k := lo; k < len(m.events); k++ {
			m.events[k].Seq = int64(k + 1)
		}
		return ReasonDeleted
	default: // move event i to position j, renumbering between
		ev := evs[i]
		m.events = slices.Insert(slices.Delete(evs, i, i+1), j, ev)
		for k := range m.events {
			m.events[k].Seq = int64(k + 1)
		}
		return ReasonReordered
	}
}

// firstDiff returns the first seq at which m differs from the intact
// trail orig, or 0 when it does not.
func firstDiff(orig, m *memTrail) int64 {
	for k, want := range orig.events {
		if k >= len(m.events) {
			return want.Seq
		}
		got := m.events[k]
		if got.Seq != want.Seq || got.Tool != want.Tool || !bytes.Equal(got.PrevHash, want.PrevHash) ||
			!bytes.Equal(got.Hash, want.Hash) || got.ID != want.ID {
			return want.Seq
		}
	}
	return 0
}

// FuzzVerify tampers with a 12-event trail in one of seven ways and
// checks that Verify never panics, reports an untouched trail as OK, and
// otherwise names the first changed seq with the right reason.
func FuzzVerify(f *testing.F) {
	f.Add(byte(0), byte(3), byte(5), []byte("evil"))
	f.Add(byte(1), byte(0), byte(0), []byte{})
	f.Add(byte(2), byte(4), byte(5), []byte{})
	f.Add(byte(3), byte(11), byte(0), make([]byte, 32))
	f.Add(byte(4), byte(6), byte(0), []byte{1})
	f.Add(byte(5), byte(2), byte(9), []byte{})
	f.Add(byte(6), byte(9), byte(1), []byte{})
	f.Add(byte(1), byte(11), byte(0), []byte{})
	const n = 12
	f.Fuzz(func(t *testing.T, op, a, b byte, data []byte) {
		orig, m := buildMemTrail(t, n), buildMemTrail(t, n)
		i, j := int(a)%n, int(b)%n
		want := mutate(m, op, i, j, data)
		rep, err := Verify(t.Context(), m, VerifyOptions{PageSize: 4, Keys: fuzzKeys})
		if err != nil {
			t.Fatal(err)
		}
		bad := firstDiff(orig, m)
		if bad == 0 {
			if !rep.OK {
				t.Fatalf("untouched trail fails: %+v", rep)
			}
			return
		}
		if rep.OK || rep.FirstBad != bad || rep.Reason != want {
			t.Fatalf("op %d at %d,%d: report %+v, want first bad %d, %s", op%7, i, j, rep, bad, want)
		}
	})
}

// BenchmarkVerify measures Verify over 20,000 events on a SQLite file,
// with a checkpoint every 1,000, and reports events verified per second.
func BenchmarkVerify(b *testing.B) {
	const n = 20_000
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	_, signer := newSigner(b, st, time.Now)
	req := json.RawMessage(`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"search","arguments":{"q":"hello world"}}}`)
	var prev []byte
	batch := make([]store.AuditEvent, 0, 500)
	for seq := int64(1); seq <= n; seq++ {
		ev := store.AuditEvent{
			Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: time.Unix(1_700_000_000, seq).UTC(), Code: CodeToolCall,
			ActorType: ActorUser, ActorID: "usr_1", Endpoint: "dev", Server: "github", Tool: "search",
			Outcome: OutcomeOK, Request: req, Response: req, DurationUS: 1200, PrevHash: prev,
		}
		if ev.Hash, err = Hash(prev, ev); err != nil {
			b.Fatal(err)
		}
		prev = ev.Hash
		if batch = append(batch, ev); len(batch) == cap(batch) {
			if err := st.AppendAudit(b.Context(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
		if seq%1000 == 0 {
			if err := st.AddAuditCheckpoint(b.Context(), signer.Sign(seq, ev.Hash)); err != nil {
				b.Fatal(err)
			}
		}
	}
	keys := signer.PublicKeys()
	for b.Loop() {
		rep, err := Verify(b.Context(), st, VerifyOptions{Keys: keys})
		if err != nil || !rep.OK || rep.Count != n {
			b.Fatalf("verify: %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
