package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportAPI serves GET /api/v1/audit/export: two JSON lines, or CSV, or
// with broken=true a transfer cut off after the first line.
type exportAPI struct {
	srv    *httptest.Server
	query  url.Values
	broken bool
}

func newExportAPI(t *testing.T, h *harness) *exportAPI {
	x := &exportAPI{}
	x.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/audit/export" || r.Header.Get("Authorization") != "Bearer "+testToken {
			replyErr(w, 404, "not_found", "", "no route "+r.URL.Path)
			return
		}
		x.query = r.URL.Query()
		if x.query.Get("format") == "csv" {
			w.Header().Set("Content-Type", "text/csv")
			io.WriteString(w, "seq,code\n1,mcp.tool.call\n")
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		io.WriteString(w, `{"seq":1}`+"\n")
		if x.broken {
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		io.WriteString(w, `{"seq":2}`+"\n")
	}))
	t.Cleanup(x.srv.Close)
	h.env["SWITCHBOARD_URL"] = x.srv.URL
	return x
}

func TestAuditExportToStdout(t *testing.T) {
	h := newHarness(t)
	x := newExportAPI(t, h)
	r := h.run(t, "", "audit", "export", "--endpoint", "dev", "--text", "api_key", "--since", "1h")
	if r.code != 0 || r.out != "{\"seq\":1}\n{\"seq\":2}\n" {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	want := url.Values{"format": {"jsonl"}, "endpoint": {"dev"}, "q": {"api_key"}, "since": {"2025-06-01T11:00:00Z"}}
	if x.query.Encode() != want.Encode() {
		t.Errorf("query %s, want %s", x.query.Encode(), want.Encode())
	}
}

func TestAuditExportToFile(t *testing.T) {
	h := newHarness(t)
	x := newExportAPI(t, h)
	path := filepath.Join(t.TempDir(), "trail.csv")
	r := h.run(t, "", "audit", "export", "--output", path)
	if r.code != 0 || r.out != "" || !strings.Contains(r.err, "Exported 25 B to "+path) {
		t.Fatalf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if x.query.Get("format") != "csv" {
		t.Errorf("format %q: want csv from the .csv extension", x.query.Get("format"))
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "seq,code\n1,mcp.tool.call\n" {
		t.Errorf("file %q, %v", b, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestAuditExportBrokenLeavesNoFile(t *testing.T) {
	h := newHarness(t)
	x := newExportAPI(t, h)
	x.broken = true
	dir := t.TempDir()
	r := h.run(t, "", "audit", "export", "--output", filepath.Join(dir, "trail.jsonl"))
	if r.code != ExitError || !strings.Contains(r.err, "export stopped part way; nothing written") {
		t.Errorf("exit %d, err %q", r.code, r.err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
	if r := h.run(t, "", "audit", "export"); r.code != ExitError || r.out != "{\"seq\":1}\n" {
		t.Errorf("to stdout: exit %d, out %q", r.code, r.out)
	}
}

func TestAuditExportUsage(t *testing.T) {
	for _, args := range [][]string{{"--format", "xml"}, {"--since", "1h", "--until", "2h"}, {"extra"}} {
		r := newHarness(t).run(t, "", append([]string{"audit", "export"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}
