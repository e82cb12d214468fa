package storetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func init() {
	auditTests = append(auditTests, suite{"Audit/ChainConcurrent", testAuditChainConcurrent})
}

// testAuditChainConcurrent: appenders that link onto the head read in the
// transaction never collide: 8 of them × 10 batches of 3 make one gapless
// chain whose PrevHash links hold.
func testAuditChainConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	link := func(head int64, prev []byte, evs []store.AuditEvent) {
		for i := range evs {
			head++
			h := sha256.Sum256(fmt.Appendf(prev, "%d", head))
			evs[i].Seq, evs[i].PrevHash, evs[i].Hash = head, prev, h[:]
			prev = h[:]
		}
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for b := range 10 {
				batch := events(1, 3) // Seq and hashes are replaced by link
				for i := range batch {
					batch[i].ID = fmt.Sprintf("ev_%d_%d_%d", w, b, i)
				}
				if err := s.AppendAuditChain(ctx, batch, link); err != nil {
					t.Errorf("appender %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	evs, err := s.ListAudit(ctx, store.AuditFilter{Ascending: true, Limit: 1000})
	check(t, err)
	if len(evs) != 240 {
		t.Fatalf("%d events, want 240", len(evs))
	}
	var prev []byte
	for i, ev := range evs {
		if ev.Seq != int64(i+1) || !bytes.Equal(ev.PrevHash, prev) {
			t.Fatalf("event %d: seq %d, prev link ok %v", i, ev.Seq, bytes.Equal(ev.PrevHash, prev))
		}
		prev = ev.Hash
	}
}
