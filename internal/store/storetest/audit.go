package storetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var auditTests = []suite{
	{"Audit/Empty", testAuditEmpty},
	{"Audit/AppendGet", testAuditAppendGet},
	{"Audit/RejectsGapsAndDuplicates", testAuditRejects},
	{"Audit/ConcurrentSameSeq", testAuditConcurrentSameSeq},
	{"Audit/ConcurrentWithRetry", testAuditConcurrentRetry},
}

// newEvent returns a fully populated event; every field round-trips.
func newEvent(seq int64) store.AuditEvent {
	prev := sha256.Sum256(fmt.Appendf(nil, "event %d", seq-1))
	hash := sha256.Sum256(fmt.Appendf(nil, "event %d", seq))
	return store.AuditEvent{
		Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: at(int(seq)), Code: "mcp.tool.call",
		RequestID: fmt.Sprintf("req_%d", seq), ActorType: "user", ActorID: "u1", ActorEmail: "a@example.com",
		TokenID: "t1", Redactions: `[{"kind":"EMAIL","count":1}]`, ClientName: "claude", ClientVersion: "1.0", ClientIP: "127.0.0.1", UserAgent: "ua/1", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SessionID: "sess1",
		Endpoint: "dev", Server: "github", Tool: "search", Method: "tools/call", Outcome: "ok",
		Request:    json.RawMessage(fmt.Sprintf(`{"query":"q%d"}`, seq)),
		Response:   json.RawMessage(`{"content":[{"type":"text","text":"ok"}]}`),
		DurationUS: 1500 + seq, PrevHash: prev[:], Hash: hash[:],
	}
}

// events returns newEvent(from) to newEvent(to).
func events(from, to int64) []store.AuditEvent {
	var evs []store.AuditEvent
	for seq := from; seq <= to; seq++ {
		evs = append(evs, newEvent(seq))
	}
	return evs
}

func testAuditEmpty(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.AuditHead(ctx)
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAudit(ctx, 1)
	wantErr(t, err, store.ErrNotFound)
	evs, err := s.ListAudit(ctx, store.AuditFilter{})
	check(t, err)
	diff(t, "ListAudit on empty trail", evs, []store.AuditEvent(nil))
	check(t, s.AppendAudit(ctx, nil))
}

func testAuditAppendGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	batch := events(1, 3)
	batch[1].Request, batch[1].Response, batch[1].Error = nil, nil, "denied by policy"
	batch[1].PrevHash = nil
	check(t, s.AppendAudit(ctx, batch))
	check(t, s.AppendAudit(ctx, events(4, 4)))

	for _, want := range append(batch, newEvent(4)) {
		got, err := s.GetAudit(ctx, want.Seq)
		check(t, err)
		diff(t, fmt.Sprintf("GetAudit(%d)", want.Seq), got, want)
	}
	got, err := s.GetAudit(ctx, 2)
	check(t, err)
	if got.Request != nil || got.Response != nil || got.PrevHash != nil {
		t.Errorf("nil fields read back as %q, %q, %x", got.Request, got.Response, got.PrevHash)
	}
	head, err := s.AuditHead(ctx)
	check(t, err)
	diff(t, "AuditHead", head, newEvent(4))
	_, err = s.GetAudit(ctx, 5)
	wantErr(t, err, store.ErrNotFound)
}

// testAuditRejects checks that a batch not following the head, or not
// consecutive, is a conflict that writes nothing.
func testAuditRejects(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, bad := range [][]store.AuditEvent{events(0, 2), events(2, 3)} {
		wantErr(t, s.AppendAudit(ctx, bad), store.ErrConflict)
	}
	check(t, s.AppendAudit(ctx, events(1, 3)))

	for name, bad := range map[string][]store.AuditEvent{
		"gap":               events(5, 6),
		"replay":            events(3, 4),
		"rewrite":           events(1, 5),
		"hole in batch":     {newEvent(4), newEvent(6)},
		"duplicate inside":  {newEvent(4), newEvent(5), newEvent(5)},
		"descending":        {newEvent(5), newEvent(4)},
		"valid then broken": append(events(4, 10), newEvent(12)),
	} {
		err := s.AppendAudit(ctx, bad)
		if err == nil {
			t.Fatalf("%s: AppendAudit succeeded", name)
		}
		wantErr(t, err, store.ErrConflict)
	}
	head, err := s.AuditHead(ctx)
	check(t, err)
	if head.Seq != 3 {
		t.Fatalf("head after rejected appends = %d, want 3", head.Seq)
	}
	evs, err := s.ListAudit(ctx, store.AuditFilter{})
	check(t, err)
	diff(t, "trail after rejected appends", evs, []store.AuditEvent{newEvent(3), newEvent(2), newEvent(1)})
	check(t, s.AppendAudit(ctx, events(4, 5)))
}

// testAuditConcurrentSameSeq races writers for the same Seq: exactly one
// wins, the others get ErrConflict.
func testAuditConcurrentSameSeq(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AppendAudit(ctx, events(1, 1)))
	const writers = 8
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		errs    = make([]error, writers)
		batches = make([][]store.AuditEvent, writers)
	)
	for i := range writers {
		batches[i] = events(2, 3)
		batches[i][0].ID = fmt.Sprintf("writer_%d", i)
		wg.Go(func() {
			<-start
			errs[i] = s.AppendAudit(ctx, batches[i])
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both appended seq 2", winner, i)
		case err == nil:
			winner = i
		default:
			wantErr(t, err, store.ErrConflict)
		}
	}
	if winner < 0 {
		t.Fatal("no writer appended seq 2")
	}
	evs, err := s.ListAudit(ctx, store.AuditFilter{})
	check(t, err)
	diff(t, "trail", evs, []store.AuditEvent{batches[winner][1], batches[winner][0], newEvent(1)})
}

// testAuditConcurrentRetry follows the documented contract: a writer that
// gets ErrConflict reads the head again and retries. Every event must land
// exactly once, in one gapless sequence.
func testAuditConcurrentRetry(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, perWriter = 6, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if err := appendWithRetry(t, s, fmt.Sprintf("w%d_%d", w, i)); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()

	evs, err := s.ListAudit(ctx, store.AuditFilter{Limit: writers * perWriter})
	check(t, err)
	if len(evs) != writers*perWriter {
		t.Fatalf("trail has %d events, want %d", len(evs), writers*perWriter)
	}
	seen := make(map[string]bool)
	for i, ev := range evs {
		if want := int64(len(evs) - i); ev.Seq != want {
			t.Errorf("event %d has seq %d, want %d", i, ev.Seq, want)
		}
		if seen[ev.ID] {
			t.Errorf("event %s appended twice", ev.ID)
		}
		seen[ev.ID] = true
	}
}

// appendWithRetry appends one event with ID id after the current head,
// retrying on ErrConflict.
func appendWithRetry(t *testing.T, s store.Store, id string) error {
	ctx := t.Context()
	for range 10000 {
		head, err := s.AuditHead(ctx)
		if err != nil && !isNotFound(err) {
			return err
		}
		ev := newEvent(head.Seq + 1)
		ev.ID, ev.PrevHash = id, head.Hash
		err = s.AppendAudit(ctx, []store.AuditEvent{ev})
		if !isConflict(err) {
			return err
		}
	}
	return fmt.Errorf("append %s: still conflicting after 10000 attempts", id)
}
