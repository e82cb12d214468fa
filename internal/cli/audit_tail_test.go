package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// tailAPI plays a trail whose head is 5 and that grows by 6 and 7, then
// by 8 a poll later. It cancels the tail at the poll after 8. It fails
// polls as listed in fail (poll number → status).
type tailAPI struct {
	mu      sync.Mutex
	queries []url.Values
	polls   int
	fail    map[int]int
	cancel  context.CancelFunc
}

func (a *tailAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := r.URL.Query()
	a.queries = append(a.queries, q)
	ev := func(seqs ...int64) api.AuditList {
		var l api.AuditList
		for _, s := range seqs {
			l.Events = append(l.Events, auditEvent(s))
		}
		return l
	}
	switch {
	case q.Get("after") == "" && q.Get("limit") == "1":
		reply(w, 200, ev(5))
	case q.Get("after") == "":
		reply(w, 200, ev(5, 4))
	default:
		a.polls++
		if status := a.fail[a.polls]; status != 0 {
			replyErr(w, status, "internal", "", "boom")
			return
		}
		switch q.Get("after") {
		case "5":
			reply(w, 200, ev(6, 7))
		case "7":
			if a.polls < 4 {
				reply(w, 200, ev())
				return
			}
			reply(w, 200, ev(8))
		case "8":
			a.cancel() // as Ctrl-C would, once 8 was printed
			reply(w, 200, ev())
		default:
			reply(w, 200, ev())
		}
	}
}

func runTail(t *testing.T, fail map[int]int, args ...string) (result, *tailAPI) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	a := &tailAPI{fail: fail, cancel: cancel}
	srv := httptest.NewServer(a)
	defer srv.Close()
	h.env["SWITCHBOARD_URL"] = srv.URL
	r := h.runCtx(ctx, t, "", append([]string{"audit", "tail", "--interval", "1ms", "--lines", "2"}, args...)...)
	return r, a
}

func TestAuditTailFollows(t *testing.T) {
	r, a := runTail(t, nil, "--endpoint", "dev", "--text", "secret")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var seqs []string
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n")[1:] {
		seqs = append(seqs, strings.Fields(line)[0])
	}
	if strings.Join(seqs, ",") != "4,5,6,7,8" {
		t.Errorf("printed %v:\n%s", seqs, r.out)
	}
	if !strings.HasPrefix(r.out, "SEQ  TIME") {
		t.Errorf("no header:\n%s", r.out)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if head := a.queries[0]; head.Get("endpoint") != "" {
		t.Errorf("the head query is filtered: %v", head)
	}
	for _, q := range a.queries[1:] {
		if q.Get("endpoint") != "dev" || q.Get("q") != "secret" {
			t.Errorf("query lacks the filters: %v", q)
		}
	}
}

func TestAuditTailJSONAndRetry(t *testing.T) {
	r, _ := runTail(t, map[int]int{2: 503}, "--json")
	if r.code != 0 || !strings.Contains(r.err, "warning:") {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	var got []int64
	for _, l := range lines {
		var e api.AuditEvent
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, e.Seq)
	}
	if len(got) != 5 || got[0] != 4 || got[4] != 8 {
		t.Errorf("seqs %v", got)
	}
}

func TestAuditTailStopsOnClientError(t *testing.T) {
	r, _ := runTail(t, map[int]int{1: 403})
	if r.code != ExitError || !strings.Contains(r.err, "boom") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestAuditTailUsage(t *testing.T) {
	for _, args := range [][]string{{"--lines", "-1"}, {"--interval", "0s"}, {"--since", "never"}} {
		r := newHarness(t).run(t, "", append([]string{"audit", "tail"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}
