package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// hecReceiver is a Splunk HEC stand-in. It answers 500 while down, and
// to the request numbers in lost it stores the batch yet answers 500, as
// when a reply is lost after a commit.
type hecReceiver struct {
	t      *testing.T
	mu     sync.Mutex
	down   bool
	lost   map[int]bool
	reqs   int
	counts map[int64]int
	dupeOK map[int64]bool // seqs of batches answered 500 after storing
	auth   []string
	want   int64 // all of 1..want seen: close full
	full   chan struct{}
}

func newHECReceiver(t *testing.T, want int64) *hecReceiver {
	return &hecReceiver{t: t, want: want, counts: map[int64]int{}, dupeOK: map[int64]bool{},
		lost: map[int]bool{}, full: make(chan struct{})}
}

type hecLine struct {
	Time       json.Number `json:"time"`
	Source     string      `json:"source"`
	Sourcetype string      `json:"sourcetype"`
	Event      struct {
		Seq  int64     `json:"seq"`
		Time time.Time `json:"time"`
		Code string    `json:"code"`
		Hash string    `json:"hash"`
	} `json:"event"`
}

func (h *hecReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs++
	h.auth = append(h.auth, r.Header.Get("Authorization"))
	if h.down {
		http.Error(w, `{"text":"Server is busy","code":9}`, http.StatusServiceUnavailable)
		return
	}
	var seqs []int64
	dec := json.NewDecoder(r.Body)
	for {
		var l hecLine
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			h.t.Errorf("bad HEC body: %v", err)
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if l.Sourcetype != "switchboard:audit" || l.Source != "switchboard" || l.Time == "" || l.Event.Code == "" {
			h.t.Errorf("bad HEC event %+v", l)
		}
		seqs = append(seqs, l.Event.Seq)
	}
	for _, s := range seqs {
		h.counts[s]++
		if h.lost[h.reqs] {
			h.dupeOK[s] = true
		}
	}
	if h.complete() {
		select {
		case <-h.full:
		default:
			close(h.full)
		}
	}
	if h.lost[h.reqs] {
		http.Error(w, "lost reply", http.StatusInternalServerError)
		return
	}
	w.Write([]byte(`{"text":"Success","code":0}`))
}

func (h *hecReceiver) complete() bool {
	for s := int64(1); s <= h.want; s++ {
		if h.counts[s] == 0 {
			return false
		}
	}
	return true
}

func (h *hecReceiver) setDown(down bool) {
	h.mu.Lock()
	h.down = down
	h.mu.Unlock()
}

// TestWebhookCatchesUpAfterReceiverErrors runs the gateway's path for
// real: an audit writer that wakes the runner, a webhook to an httptest
// receiver that fails for a while. Recording never waits for the sink;
// once the receiver is back every event arrives, and only the batches
// whose reply was lost arrive twice.
func TestWebhookCatchesUpAfterReceiverErrors(t *testing.T) {
	const total = 300
	rcv := newHECReceiver(t, total)
	rcv.down = true
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	st := openStore(t)
	hook, err := NewWebhook(WebhookConfig{URL: srv.URL + "/services/collector/event", Token: "hec-token"})
	if err != nil {
		t.Fatal(err)
	}
	var armed atomic.Bool
	caughtUp := make(chan struct{})
	lag := func(_ string, n int64) {
		if n == 0 && armed.CompareAndSwap(true, false) {
			close(caughtUp)
		}
	}
	r, err := Start(t.Context(), Config{Store: st, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Lag: lag, Sinks: []Spec{{Name: "splunk", Sink: hook, MaxEvents: 25}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w, err := audit.NewWriter(t.Context(), audit.Config{Store: st, OnCommit: r.Notify})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range total / 10 {
				if _, err := w.Record(t.Context(), store.AuditEvent{Code: audit.CodeToolCall, Tool: "t"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()         // every Record returned while the receiver was down
	armed.Store(true) // the head is 300 now: lag 0 means all acknowledged

	rcv.mu.Lock()
	rcv.lost[rcv.reqs+1] = true // the first request after the outage
	rcv.lost[rcv.reqs+3] = true
	rcv.mu.Unlock()
	rcv.setDown(false)
	timeout := time.After(30 * time.Second)
	for _, done := range []chan struct{}{rcv.full, caughtUp} {
		select {
		case <-done:
		case <-timeout:
			t.Fatal("the sink did not catch up within 30s")
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for s := int64(1); s <= total; s++ {
		if n := rcv.counts[s]; n > 1 && !rcv.dupeOK[s] {
			t.Errorf("seq %d delivered %d times, though its batch was acknowledged", s, n)
		}
	}
	if len(rcv.dupeOK) == 0 {
		t.Error("no reply was lost: the test did not exercise redelivery")
	}
	for _, a := range rcv.auth {
		if a != "Splunk hec-token" {
			t.Fatalf("Authorization = %q", a)
		}
	}
	if c, err := st.GetAuditSinkCursor(context.Background(), "splunk"); err != nil || c != total {
		t.Errorf("cursor = %d, %v; want %d", c, err, total)
	}
}

// handlerTransport serves requests in process, with no network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func TestWebhookSplunkFormat(t *testing.T) {
	var bodies [][]byte
	var hdr http.Header
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies, hdr = append(bodies, b), r.Header.Clone()
	})
	hook, err := NewWebhook(WebhookConfig{URL: "https://splunk.example:8088/services/collector/event",
		Client: &http.Client{Transport: handlerTransport{h}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := hook.Deliver(t.Context(), []store.AuditEvent{event(1), event(2)}); n != 2 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if len(bodies) != 1 || hdr.Get("Authorization") != "" || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("%d bodies, headers %v", len(bodies), hdr)
	}
	lines := bytes.Split(bytes.TrimSpace(bodies[0]), []byte("\n"))
	var first map[string]any
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	ev := first["event"].(map[string]any)
	if len(lines) != 2 || first["sourcetype"] != "switchboard:audit" || first["time"] != 1772366400.124 ||
		ev["seq"] != 1.0 || ev["hash"] != "01" || ev["time"] != "2026-03-01T12:00:00.124456789Z" {
		t.Errorf("lines:\n%s", bodies[0])
	}
}

// TestWebhookSplitsLargeBatches sends one POST per body budget and
// reports the events before a failed POST as delivered.
func TestWebhookSplitsLargeBatches(t *testing.T) {
	posts := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		if posts == 3 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	line, _ := Encode(event(1))
	hook, _ := NewWebhook(WebhookConfig{URL: "http://127.0.0.1:1/x", Token: "t",
		Client: &http.Client{Transport: handlerTransport{h}}, MaxBodyBytes: 2*len(line) + 200})
	evs := []store.AuditEvent{event(1), event(2), event(3), event(4), event(5), event(6)}
	n, err := hook.Deliver(t.Context(), evs)
	if n != 4 || err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("Deliver = %d, %v; want 4 and a 502 error", n, err)
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://splunk.example/services/collector": true,
		"http://127.0.0.1:8088/x":                   true,
		"http://localhost:8088/x":                   true,
		"http://[::1]:8088/x":                       true,
		"http://splunk.example/x":                   false,
		"https://user:pw@splunk.example/x":          false,
		"ftp://splunk.example/x":                    false,
		"/relative":                                 false,
		"":                                          false,
	} {
		if err := CheckWebhookURL(url); (err == nil) != ok {
			t.Errorf("CheckWebhookURL(%q) = %v", url, err)
		}
	}
}
