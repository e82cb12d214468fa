package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
)

// TestCrashKeepsEveryAcknowledgedCall drives tool calls from several
// sessions, kills the gateway with SIGKILL mid-load, restarts it on the
// same data directory, and checks two things: every call that the client
// saw succeed has its audit record, and the hash chain verifies.
func TestCrashKeepsEveryAcknowledgedCall(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs SIGKILL and the built binary")
	}
	bin := testenv.BuildBinary(t, "./cmd/switchboard")
	home := t.TempDir()
	dataDir := filepath.Join(t.TempDir(), "data")
	e := &env{bin: bin, home: home}
	e.gw = startGateway(t, bin, dataDir, minimalEnv(home))
	e.bootstrap(t)
	up := newGoUpstream(t, "gosrv", "", "")
	e.cli.ok(t, "server", "add", "gosrv", "--url", up.url())
	e.cli.ok(t, "endpoint", "create", endpoint, "--server", "gosrv")
	e.cli.ok(t, "endpoint", "tools", "enable", endpoint, "gosrv/echo")

	acked := driveUntilKilled(t, e, 300)
	if len(acked) < 300 {
		t.Fatalf("only %d calls succeeded before the kill", len(acked))
	}

	// Restart on the same data; the new process must start cleanly.
	e.gw = startGateway(t, bin, dataDir, minimalEnv(home))
	if err := e.gw.stop(); err != nil {
		t.Fatalf("restarted gateway: %v", err)
	}

	st, err := sqlite.Open(t.Context(), filepath.Join(dataDir, "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, n := walkChain(t, st)
	for _, text := range acked {
		if !stored[text] {
			t.Errorf("call %q was acknowledged but has no mcp.tool.call record", text)
		}
	}
	t.Logf("%d calls acknowledged before SIGKILL; %d events in an intact chain", len(acked), n)
}

// driveUntilKilled runs 8 sessions of echo calls, SIGKILLs the gateway
// once at least min have succeeded, and returns the texts of the calls
// whose results the clients received.
func driveUntilKilled(t *testing.T, e *env, min int) []string {
	var (
		mu    sync.Mutex
		acked []string
		ok    atomic.Int64
		wg    sync.WaitGroup
		once  sync.Once
	)
	reached := make(chan struct{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	for i := range 8 {
		cs := connectMCP(t, e.gw.url()+"/mcp/"+endpoint, e.token)
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				text := fmt.Sprintf("s%d-c%d", i, n)
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "gosrv__echo", Arguments: map[string]any{"text": text}})
				if err != nil || res.IsError {
					return // the gateway is gone
				}
				mu.Lock()
				acked = append(acked, text)
				mu.Unlock()
				if ok.Add(1) == int64(min) {
					once.Do(func() { close(reached) })
				}
			}
		})
	}
	select {
	case <-reached:
	case <-ctx.Done():
	}
	if err := e.gw.cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	<-e.gw.exited
	e.gw.stopOnce.Do(func() {}) // killed on purpose: nothing left to stop
	wg.Wait()
	return acked
}

// walkChain re-walks the whole trail in ascending pages, fails on the first
// broken link, and returns the texts of recorded echo calls.
func walkChain(t *testing.T, st store.Store) (map[string]bool, int) {
	t.Helper()
	texts := map[string]bool{}
	var prev []byte
	var after int64
	count := 0
	for {
		evs, err := st.ListAudit(t.Context(), store.AuditFilter{AfterSeq: after, Ascending: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return texts, count
		}
		for _, ev := range evs {
			h, err := audit.Hash(prev, ev)
			if err != nil || ev.Seq != after+1 || !bytes.Equal(ev.PrevHash, prev) || !bytes.Equal(ev.Hash, h) {
				t.Fatalf("chain broken at seq %d", ev.Seq)
			}
			prev, after = ev.Hash, ev.Seq
			count++
			if ev.Code == audit.CodeToolCall && ev.Outcome == audit.OutcomeOK {
				texts[textArg(ev.Request)] = true
			}
		}
	}
}

func textArg(raw []byte) string {
	var args struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &args)
	return args.Text
}
