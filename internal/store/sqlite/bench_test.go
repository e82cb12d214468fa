package sqlite_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// BenchmarkAppendAudit appends batches of events carrying 2 KB request and
// response documents to a file database, as the audit writer does.
func BenchmarkAppendAudit(b *testing.B) {
	payload := json.RawMessage(`{"text":"` + strings.Repeat("x", 2048-11) + `"}`)
	for _, size := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			s := openFile(b, filepath.Join(b.TempDir(), "bench.db"))
			ctx := b.Context()
			seq := int64(0)
			batch := make([]store.AuditEvent, size)
			b.SetBytes(int64(size * 2 * len(payload)))
			for b.Loop() {
				for i := range batch {
					seq++
					batch[i] = benchEvent(seq, payload)
				}
				if err := s.AppendAudit(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(seq)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func benchEvent(seq int64, payload json.RawMessage) store.AuditEvent {
	h := sha256.Sum256(fmt.Appendf(nil, "%d", seq))
	return store.AuditEvent{
		Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: time.Unix(1700000000, seq).UTC(),
		Code: "mcp.tool.call", RequestID: "req", ActorType: "user", ActorID: "u1",
		Endpoint: "dev", Server: "github", Tool: "search", Method: "tools/call", Outcome: "ok",
		Request: payload, Response: payload, DurationUS: 1234, PrevHash: h[:], Hash: h[:],
	}
}
