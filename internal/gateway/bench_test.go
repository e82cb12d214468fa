package gateway

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// BenchmarkToolCall measures tools/call echo over loopback, directly
// against an in-process go-sdk upstream and through the gateway with audit
// on (SQLite, WAL), in the same run. Besides ns/op it reports p50 and p99
// latency and the process CPU per call (client, gateway and upstream all
// run in this process; the gateway's own share is the difference between
// the two modes). Run with:
//
//	go test -run '^$' -bench ToolCall -benchtime 3000x ./internal/gateway/
//
// Both modes run with GOGC=400, as `switchboard serve` does by default.
func BenchmarkToolCall(b *testing.B) {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	e := newEnv(b)
	up := newFakeUpstream(b, "", "")
	s := e.addServer(b, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(b, "bench", []store.Server{s}, "one/echo")

	modes := []struct {
		name, url, tool, token string
	}{
		{"direct", up.srv.URL, "echo", ""},
		{"gateway", e.srv.URL + "/mcp/bench", "one__echo", e.token},
	}
	for _, m := range modes {
		b.Run(m.name+"/sequential", func(b *testing.B) {
			cs := benchSession(b, m.url, m.token)
			runSequential(b, cs, m.tool)
		})
	}
	for _, m := range modes {
		b.Run(m.name+"/sessions64", func(b *testing.B) {
			sessions := make([]*mcp.ClientSession, 64)
			for i := range sessions {
				sessions[i] = benchSession(b, m.url, m.token)
			}
			runParallel(b, sessions, m.tool)
		})
	}
}

func benchSession(b *testing.B, url, token string) *mcp.ClientSession {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	var rt http.RoundTripper = tr
	if token != "" {
		rt = bearer{token, tr}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint: url, HTTPClient: &http.Client{Transport: rt}, DisableStandaloneSSE: true,
	}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cs.Close() })
	return cs
}

func callEcho(b *testing.B, cs *mcp.ClientSession, tool string) {
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: map[string]any{"text": "hello"}})
	if err != nil || res.IsError {
		b.Fatalf("call: %v %+v", err, res)
	}
}

func runSequential(b *testing.B, cs *mcp.ClientSession, tool string) {
	callEcho(b, cs, tool) // warm the upstream session
	lat := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		callEcho(b, cs, tool)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	report(b, lat, cpuTime()-cpu0, len(lat))
}

func runParallel(b *testing.B, sessions []*mcp.ClientSession, tool string) {
	for _, cs := range sessions {
		callEcho(b, cs, tool)
	}
	var mu sync.Mutex
	var lat []time.Duration
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	cpu0 := cpuTime()
	start := time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, cs := range sessions {
		wg.Go(func() {
			var mine []time.Duration
			for range work {
				t0 := time.Now()
				callEcho(b, cs, tool)
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(len(lat))/time.Since(start).Seconds(), "calls/s")
	report(b, lat, cpuTime()-cpu0, len(lat))
}

func report(b *testing.B, lat []time.Duration, cpu time.Duration, n int) {
	if n == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/call")
}

// cpuTime is the user+system CPU of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(fmt.Sprint("getrusage: ", err))
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
