package audit

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func BenchmarkTmpSaturatedWithCheckpoints(b *testing.B) {
	tr := newTrail(b, 0)
	cfg := Config{Store: tr.st}
	c, err := NewCheckpointer(b.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: 1000})
	if err != nil {
		b.Fatal(err)
	}
	cfg.OnCommit = c.Notify
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	var spent atomic.Int64
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.kick:
			}
			t0 := time.Now()
			c.Checkpoint(ctx)
			spent.Add(int64(time.Since(t0)))
			n.Add(1)
		}
	}()
	w, _ := NewWriter(b.Context(), cfg)
	defer w.Close()
	payload, _ := json.Marshal(map[string]string{"text": strings.Repeat("x", 1000)})
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	b.ResetTimer()
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range work {
				ev := store.AuditEvent{Code: CodeToolCallStart, Tool: "echo", Request: payload}
				w.Record(context.Background(), ev)
				w.Record(context.Background(), ev)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	b.ReportMetric(float64(n.Load()), "checkpoints")
	b.ReportMetric(float64(spent.Load())/float64(max(n.Load(), 1))/1e6, "ms/checkpoint")
}
