package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

// TestAuditSinksWired starts a server with a webhook and a file sink:
// a recorded event reaches both, and /metrics reports their lag.
func TestAuditSinksWired(t *testing.T) {
	got := make(chan string, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.Header.Get("Authorization") + " " + string(b)
	}))
	defer hook.Close()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MasterKeyFile = filepath.Join(cfg.DataDir, "master.key")
	cfg.Audit.Sinks = config.AuditSinks{
		{Name: "hec", Type: config.SinkWebhook, URL: hook.URL, Token: "tok", MaxWait: config.Duration{Duration: time.Millisecond}},
		{Name: "trail", Type: config.SinkFile, Path: "audit/trail.jsonl"},
	}
	s, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.audit.Record(t.Context(), store.AuditEvent{Code: "mcp.tool.call", Tool: "wired"}); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-got:
		if !strings.HasPrefix(body, "Splunk tok ") || !strings.Contains(body, `"tool":"wired"`) {
			t.Errorf("webhook got %s", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the webhook sink delivered nothing in 30s")
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:5000" // metrics go to loopback clients
	s.Handler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `switchboard_audit_sink_lag_events{sink="hec"}`) {
		t.Errorf("/metrics lacks the sink lag:\n%.1500s", rec.Body.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Close saved each sink's cursor (the hec one may still be 0 if its
	// answer was in flight: at least once); what a cursor covers is in
	// the file.
	st, err := sqlite.Open(t.Context(), cfg.DatabasePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, _ := os.ReadFile(filepath.Join(cfg.DataDir, "audit", "trail.jsonl"))
	if c, _ := st.GetAuditSinkCursor(t.Context(), "trail"); c == 1 && !strings.Contains(string(b), `"tool":"wired"`) {
		t.Errorf("the trail cursor is 1 but the file holds %q", b)
	}
}
