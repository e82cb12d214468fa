package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/audit.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// chainOK re-walks the stored chain and reports the first broken seq.
func chainOK(t *testing.T, st store.Store) int {
	t.Helper()
	evs, err := st.ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(evs)
	var prev []byte
	for i, ev := range evs {
		if ev.Seq != int64(i+1) {
			t.Fatalf("seq %d at position %d", ev.Seq, i)
		}
		h, err := Hash(prev, ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ev.PrevHash, prev) || !bytes.Equal(h, ev.Hash) {
			t.Fatalf("chain broken at seq %d", ev.Seq)
		}
		prev = h
	}
	return len(evs)
}

func TestConcurrentRecordsFormOneChain(t *testing.T) {
	st := openStore(t)
	w, err := NewWriter(t.Context(), Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	seqs := make(chan int64, 64*10)
	for g := range 64 {
		wg.Go(func() {
			for i := range 10 {
				ev, err := w.Record(t.Context(), store.AuditEvent{Code: CodeToolCall, Tool: "t", DurationUS: int64(g*100 + i)})
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- ev.Seq
			}
		})
	}
	wg.Wait()
	close(seqs)
	seen := map[int64]bool{}
	for s := range seqs {
		if seen[s] {
			t.Fatalf("seq %d returned twice", s)
		}
		seen[s] = true
	}
	w.Close()
	if n := chainOK(t, st); n != 640 {
		t.Errorf("stored %d events, want 640", n)
	}
}

func TestChainContinuesAfterRestart(t *testing.T) {
	st := openStore(t)
	for range 2 {
		w, err := NewWriter(t.Context(), Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := w.Record(t.Context(), store.AuditEvent{Code: CodeToolCall}); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
	}
	if n := chainOK(t, st); n != 6 {
		t.Errorf("got %d events, want 6", n)
	}
}

func TestRecordAfterCloseFails(t *testing.T) {
	w, err := NewWriter(t.Context(), Config{Store: openStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := w.Record(t.Context(), store.AuditEvent{Code: CodeToolCall}); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
}

func TestRecordSurvivesCancelledContext(t *testing.T) {
	st := openStore(t)
	w, err := NewWriter(t.Context(), Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the client hung up; the record must still be written
	if _, err := w.Record(ctx, store.AuditEvent{Code: CodeToolCall}); err != nil {
		t.Fatal(err)
	}
}

func TestLargePayloadTruncated(t *testing.T) {
	st := openStore(t)
	w, err := NewWriter(t.Context(), Config{Store: st, MaxPayload: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	big, _ := json.Marshal(map[string]string{"data": strings.Repeat("é", 5000)})
	small := json.RawMessage(`{"ok":true}`)
	ev, err := w.Record(t.Context(), store.AuditEvent{Code: CodeToolCall, Request: small, Response: big})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := st.GetAudit(t.Context(), ev.Seq)
	if string(got.Request) != string(small) {
		t.Errorf("small payload changed: %s", got.Request)
	}
	var tr truncated
	if err := json.Unmarshal(got.Response, &tr); err != nil || !tr.Truncated || tr.Size != len(big) || len(tr.SHA256) != 64 {
		t.Errorf("truncated marker = %s (%v)", got.Response, err)
	}
	if len(got.Response) > 2048 {
		t.Errorf("stored %d bytes, want about the cap", len(got.Response))
	}
}

func TestHashCoversEveryField(t *testing.T) {
	base := store.AuditEvent{Seq: 1, Code: "c", Tool: "t", Request: json.RawMessage(`{"a":1}`)}
	h0, _ := Hash(nil, base)
	edits := map[string]func(*store.AuditEvent){
		"tool":     func(e *store.AuditEvent) { e.Tool = "u" },
		"request":  func(e *store.AuditEvent) { e.Request = json.RawMessage(`{"a":2}`) },
		"seq":      func(e *store.AuditEvent) { e.Seq = 2 },
		"outcome":  func(e *store.AuditEvent) { e.Outcome = "denied" },
		"actor":    func(e *store.AuditEvent) { e.ActorEmail = "x@y" },
		"response": func(e *store.AuditEvent) { e.Response = json.RawMessage(`{}`) },
	}
	for name, edit := range edits {
		ev := base
		edit(&ev)
		if h, _ := Hash(nil, ev); bytes.Equal(h, h0) {
			t.Errorf("editing %s does not change the hash", name)
		}
	}
	if h, _ := Hash([]byte{1}, base); bytes.Equal(h, h0) {
		t.Errorf("prev hash is not covered")
	}
}

func TestCodesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("code %s listed twice", c)
		}
		seen[c] = true
	}
}

func FuzzCapPayload(f *testing.F) {
	f.Add([]byte(`{"a":"b"}`), 4)
	f.Add([]byte(`"ééééé"`), 3)
	f.Fuzz(func(t *testing.T, p []byte, max int) {
		if max < 0 || max > 1<<20 || !json.Valid(p) {
			return
		}
		out := CapPayload(p, max)
		if !json.Valid(out) {
			t.Fatalf("CapPayload(%q, %d) = %q: invalid JSON", p, max, out)
		}
	})
}

func BenchmarkRecord(b *testing.B) {
	w, err := NewWriter(context.Background(), Config{Store: openStore(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	req := json.RawMessage(`{"text":"hello world"}`)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := w.Record(context.Background(), store.AuditEvent{Code: CodeToolCall, Request: req, Response: req}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
