package admin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/audit/sink"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

var exportT0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// fullEvent has every field set.
func fullEvent(seq int64) store.AuditEvent {
	return store.AuditEvent{
		Seq: seq, ID: fmt.Sprintf("ev_%d", seq), Time: exportT0.Add(time.Duration(seq) * time.Second),
		Code: "mcp.tool.call", RequestID: fmt.Sprintf("req_%d", seq), ActorType: "user", ActorID: "u1",
		ActorEmail: "a@example.com", TokenID: "tok1", ClientName: "claude", ClientVersion: "1.2",
		ClientIP: "10.0.0.1", UserAgent: "ua/1", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SessionID: "s1",
		Endpoint: "dev", Server: "github", Tool: "search", Method: "tools/call", Outcome: "ok",
		Error: "", Request: json.RawMessage(fmt.Sprintf(`{"query":"issue %d, \"quoted\""}`, seq)),
		Response: json.RawMessage(`{"content":[{"type":"text","text":"ok"}]}`), DurationUS: 1500 + seq,
		PrevHash: []byte{1, 2}, Hash: []byte{0xab, byte(seq)},
	}
}

// appendTrail appends n events after the head, built by mk.
func appendTrail(t testing.TB, e *env, n int, mk func(seq int64) store.AuditEvent) {
	t.Helper()
	next := int64(1)
	if head, err := e.st.AuditHead(t.Context()); err == nil {
		next = head.Seq + 1
	}
	const batch = 20000
	evs := make([]store.AuditEvent, 0, batch)
	for i := range n {
		evs = append(evs, mk(next+int64(i)))
		if len(evs) == batch || i == n-1 {
			if err := e.st.AppendAudit(t.Context(), evs); err != nil {
				t.Fatal(err)
			}
			evs = evs[:0]
		}
	}
}

// export runs GET /api/v1/audit/export?query and returns the response.
func (e *env) export(t testing.TB, query string) response {
	t.Helper()
	return e.do(t, e.token, "GET", "/api/v1/audit/export?"+query, nil)
}

func TestAuditExportJSONL(t *testing.T) {
	e := newEnv(t)
	appendTrail(t, e, 30, func(seq int64) store.AuditEvent {
		ev := fullEvent(seq)
		if seq%3 == 0 {
			ev.Endpoint = "prod"
		}
		return ev
	})
	r := e.export(t, "format=jsonl&endpoint=prod&since="+url.QueryEscape(exportT0.Add(10*time.Second).Format(time.RFC3339)))
	if r.status != 200 {
		t.Fatalf("export = %s", r)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="switchboard-audit-`) || !strings.HasSuffix(cd, `.jsonl"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type %q", ct)
	}
	var seqs []int64
	for line := range bytes.Lines(r.body) {
		var ev api.AuditEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if ev.Endpoint != "prod" || ev.Hash == "" || len(ev.Request) == 0 {
			t.Errorf("line %s", line)
		}
		seqs = append(seqs, ev.Seq)
	}
	if want := []int64{12, 15, 18, 21, 24, 27, 30}; !slices.Equal(seqs, want) {
		t.Errorf("seqs %v, want %v", seqs, want)
	}
	ev := e.auditEvents(t)[0]
	if ev.Code != audit.CodeAuditExported || ev.ActorID != e.admin.ID || ev.Endpoint != "prod" ||
		!strings.Contains(string(ev.Request), `"format":"jsonl"`) || !strings.Contains(string(ev.Request), `"endpoint":"prod"`) {
		t.Errorf("export event %+v, request %s", ev, ev.Request)
	}
}

func TestAuditExportCSV(t *testing.T) {
	e := newEnv(t)
	appendTrail(t, e, 3, fullEvent)
	r := e.export(t, "format=csv&q=ISSUE+2")
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export = %s (%s)", r, r.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !slices.Equal(rows[0], csvColumns) {
		t.Fatalf("rows %q", rows)
	}
	row := map[string]string{}
	for i, col := range csvColumns {
		row[col] = rows[1][i]
	}
	want := map[string]string{
		"seq": "2", "time": "2026-05-01T09:00:02Z", "request": `{"query":"issue 2, \"quoted\""}`,
		"response": `{"content":[{"type":"text","text":"ok"}]}`, "hash": "ab02", "duration_us": "1502",
		"actor_email": "a@example.com", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "error": "",
	}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}
}

// TestAuditExportShapeMatchesAPI keeps the JSON of exports and sinks
// (sink.Encode) identical to the API's audit event.
func TestAuditExportShapeMatchesAPI(t *testing.T) {
	for _, ev := range []store.AuditEvent{fullEvent(7), {Seq: 1, ID: "ev", Time: exportT0, Code: "c"}} {
		fromSink, err := sink.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		fromAPI, err := json.Marshal(apiEvent(ev))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(fromAPI), string(fromSink)); d != "" {
			t.Errorf("sink.Encode differs from the API (-api +sink):\n%s", d)
		}
	}
}

func TestAuditExportBadInput(t *testing.T) {
	e := newEnv(t)
	_, editor := e.newUser(t, "ed@example.com", store.RoleEditor, false)
	_, auditor := e.newUser(t, "au@example.com", store.RoleAuditor, false)
	for _, tc := range []struct {
		token, query string
		status       int
		field        string
	}{
		{e.token, "format=xml", 400, "format"},
		{e.token, "since=yesterday", 400, "since"},
		{e.token, "q=" + strings.Repeat("x", 1001), 400, "q"},
		{editor, "", 403, ""},
		{"", "", 401, ""},
		{auditor, "format=csv", 200, ""},
	} {
		before := len(e.auditEvents(t))
		r := e.do(t, tc.token, "GET", "/api/v1/audit/export?"+tc.query, nil)
		if r.status != tc.status {
			t.Errorf("%.40s: %s, want %d", tc.query, r, tc.status)
			continue
		}
		if tc.field != "" && apiErrorBody(t, r).Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.query, apiErrorBody(t, r).Field, tc.field)
		}
		if after := len(e.auditEvents(t)); tc.status != 200 && after != before {
			t.Errorf("%s: a refused export was audited", tc.query)
		}
	}
}

func TestAuditListTextAndAfter(t *testing.T) {
	e := newEnv(t)
	appendTrail(t, e, 12, fullEvent)
	var list api.AuditList
	e.call(t, "GET", "/api/v1/audit?q=ISSUE+1", nil, 200, &list)
	if got := auditSeqs(list.Events); !slices.Equal(got, []int64{12, 11, 10, 1}) {
		t.Errorf("q=ISSUE 1: %v", got)
	}
	e.call(t, "GET", "/api/v1/audit?after=9&limit=2", nil, 200, &list)
	if got := auditSeqs(list.Events); !slices.Equal(got, []int64{10, 11}) || list.NextCursor != "" {
		t.Errorf("after=9: %v, cursor %q", got, list.NextCursor)
	}
	for _, q := range []string{"after=-1", "after=x", "after=3&cursor=5"} {
		if r := e.do(t, e.token, "GET", "/api/v1/audit?"+q, nil); r.status != 400 || apiErrorBody(t, r).Field != "after" {
			t.Errorf("%s: %s", q, r)
		}
	}
}

func auditSeqs(evs []api.AuditEvent) []int64 {
	var out []int64
	for _, ev := range evs {
		out = append(out, ev.Seq)
	}
	return out
}

// TestAuditExportMemoryBounded exports a large trail and checks that the
// heap stays flat: the export never holds more than a page. It runs one
// million events with SWITCHBOARD_TEST_LARGE=1 (about 25s), 200,000
// otherwise, and 20,000 under -race, which slows SQLite tenfold.
func TestAuditExportMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("large export")
	}
	n := 200_000
	switch {
	case os.Getenv("SWITCHBOARD_TEST_LARGE") == "1":
		n = 1_000_000
	case raceEnabled:
		n = 20_000
	}
	e := newEnv(t)
	start := time.Now()
	appendTrail(t, e, n, fullEvent)
	t.Logf("appended %d events in %v", n, time.Since(start).Round(time.Millisecond))

	runtime.GC()
	stop := sampleHeap()
	start = time.Now()
	lines, bytes, first, last := e.streamExport(t, "format=jsonl&code=mcp.tool.call")
	elapsed := time.Since(start)
	peak := stop()
	t.Logf("exported %d events (%.0f MiB) in %v: %.0f events/s, %.1f MiB/s; peak heap %.1f MiB",
		lines, float64(bytes)/(1<<20), elapsed.Round(time.Millisecond), float64(lines)/elapsed.Seconds(),
		float64(bytes)/(1<<20)/elapsed.Seconds(), float64(peak)/(1<<20))
	if lines != n || first != 1 || last != int64(n) {
		t.Errorf("exported %d lines, seq %d to %d; want %d, 1 to %d", lines, first, last, n, n)
	}
	if peak > 64<<20 {
		t.Errorf("peak heap %.1f MiB during the export, want under 64 MiB", float64(peak)/(1<<20))
	}
}

// streamExport reads an export line by line without keeping it.
func (e *env) streamExport(t *testing.T, query string) (lines int, size int64, first, last int64) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+"/api/v1/audit/export?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("export: %d %s", res.StatusCode, b)
	}
	br := bufio.NewReaderSize(res.Body, 64<<10)
	seqOf := func(line []byte) int64 {
		var ev struct {
			Seq int64 `json:"seq"`
		}
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		return ev.Seq
	}
	var prev []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines++
		size += int64(len(line))
		if lines == 1 {
			first = seqOf(line)
		}
		prev = append(prev[:0], line...)
	}
	if lines > 0 {
		last = seqOf(prev)
	}
	return lines, size, first, last
}

// sampleHeap samples the live heap every few milliseconds until the
// returned function is called, which reports the peak.
func sampleHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// failingStore fails ListAudit after `ok` successful calls.
type failingStore struct {
	store.Store
	ok    int
	calls atomic.Int64
}

func (f *failingStore) ListAudit(ctx context.Context, filter store.AuditFilter) ([]store.AuditEvent, error) {
	if f.calls.Add(1) > int64(f.ok) {
		return nil, errors.New("disk on fire")
	}
	return f.Store.ListAudit(ctx, filter)
}

// TestAuditExportAbortsOnFailure: a store failure after the first page
// breaks the transfer instead of ending a file that looks complete; one
// before it is a JSON error.
func TestAuditExportAbortsOnFailure(t *testing.T) {
	e := newEnv(t)
	appendTrail(t, e, 1500, fullEvent)
	for _, ok := range []int{0, 1} {
		a, err := New(Config{Store: &failingStore{Store: e.st, ok: ok}, Vault: e.vault, Pool: e.pool, Audit: e.audit,
			Verifier: identity.NewVerifier(e.st, nil, e.clock.Now, 0), Now: e.clock.Now,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a)
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/api/v1/audit/export", nil)
		req.Header.Set("Authorization", "Bearer "+e.token)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		srv.Close()
		switch ok {
		case 0:
			if res.StatusCode != 500 || !strings.Contains(string(body), `"internal"`) {
				t.Errorf("failure before the first page: %d %s", res.StatusCode, body)
			}
		case 1:
			if res.StatusCode != 200 || err == nil || bytes.Count(body, []byte("\n")) != 1000 {
				t.Errorf("failure after a page: status %d, %d lines, read error %v; want a broken transfer after 1000 lines",
					res.StatusCode, bytes.Count(body, []byte("\n")), err)
			}
		}
	}
}

// exportCases are the bad inputs of the export and of the list's search
// and tail parameters; TestBadInput runs them.
func exportCases() []badCase {
	const l, x = "GET /api/v1/audit", "GET /api/v1/audit/export"
	var cases []badCase
	for _, c := range []badCase{
		{route: l, name: "q too long", path: "/api/v1/audit?q=" + strings.Repeat("a", 1001), field: "q"},
		{route: l, name: "after negative", path: "/api/v1/audit?after=-1", field: "after"},
		{route: l, name: "after not a number", path: "/api/v1/audit?after=last", field: "after"},
		{route: l, name: "after with cursor", path: "/api/v1/audit?after=3&cursor=9", field: "after", msg: "cannot be combined"},
		{route: x, name: "export format", path: "/api/v1/audit/export?format=xlsx", field: "format", msg: "jsonl or csv"},
		{route: x, name: "export since", path: "/api/v1/audit/export?since=yesterday", field: "since"},
		{route: x, name: "export until", path: "/api/v1/audit/export?format=csv&until=1700000000", field: "until"},
		{route: x, name: "export q too long", path: "/api/v1/audit/export?q=" + strings.Repeat("a", 1001), field: "q"},
	} {
		c.status, c.code = 400, api.CodeInvalidField
		cases = append(cases, c)
	}
	return cases
}
