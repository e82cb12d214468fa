package sink

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)

// openStore opens a private in-memory SQLite store, closed when t ends.
// Under synctest, call it inside the bubble.
func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func event(seq int64) store.AuditEvent {
	return store.AuditEvent{
		Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: t0.Add(time.Duration(seq) * time.Millisecond),
		Code: "mcp.tool.call", ActorID: "u1", Endpoint: "dev", Tool: "search", Outcome: "ok",
		Request: json.RawMessage(fmt.Sprintf(`{"n":%d}`, seq)), Hash: []byte{byte(seq)},
	}
}

// appendEvents appends events from the store's head + 1 up to seq to.
func appendEvents(t testing.TB, st store.Store, to int64) {
	t.Helper()
	from := int64(1)
	if head, err := st.AuditHead(t.Context()); err == nil {
		from = head.Seq + 1
	}
	var evs []store.AuditEvent
	for seq := from; seq <= to; seq++ {
		evs = append(evs, event(seq))
	}
	if err := st.AppendAudit(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
}

// seqsOf decodes the seq of each JSON line.
func seqsOf(t testing.TB, lines [][]byte) []int64 {
	t.Helper()
	var out []int64
	for _, l := range lines {
		var r struct{ Seq int64 }
		if err := json.Unmarshal(l, &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, r.Seq)
	}
	return out
}

func span(from, to int64) []int64 {
	var out []int64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}
