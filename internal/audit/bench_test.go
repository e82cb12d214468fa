package audit

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// BenchmarkAuditedCalls64 measures the writer as the gateway uses it: 64
// concurrent callers, each audited call writing a "started" event and
// then an outcome event with a 1 KB request and response, on SQLite in WAL
// mode. It reports audited calls per second and the latency that auditing
// adds to one call (both waits together). "saturated" runs the callers
// flat out (the throughput ceiling; latency is queueing); "5000rps" paces
// them to 5,000 calls/s together, the load the p99 target is set for.
func BenchmarkAuditedCalls64(b *testing.B) {
	b.Run("saturated", func(b *testing.B) { benchAudited(b, 0) })
	b.Run("5000rps", func(b *testing.B) { benchAudited(b, 5000) })
}

func benchAudited(b *testing.B, rate int) {
	w, err := NewWriter(context.Background(), Config{Store: openStore(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	payload, _ := json.Marshal(map[string]string{"text": strings.Repeat("x", 1000)})
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	start := time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			var tick <-chan time.Time
			if rate > 0 {
				period := time.Second * 64 / time.Duration(rate)
				time.Sleep(period * time.Duration(i) / 64) // stagger the callers
				t := time.NewTicker(period)
				defer t.Stop()
				tick = t.C
			}
			var mine []time.Duration
			for range work {
				if tick != nil {
					<-tick
				}
				t0 := time.Now()
				ev := store.AuditEvent{Code: CodeToolCallStart, Tool: "echo", Request: payload}
				if _, err := w.Record(context.Background(), ev); err != nil {
					b.Error(err)
					return
				}
				ev.Code, ev.Response, ev.Outcome = CodeToolCall, payload, OutcomeOK
				if _, err := w.Record(context.Background(), ev); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/time.Since(start).Seconds(), "calls/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	}
}
