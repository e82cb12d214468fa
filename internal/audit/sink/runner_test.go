package sink

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// recSink records what it is given. It fails the first `fail` calls and,
// while `block` is set, waits in Deliver until ctx ends.
type recSink struct {
	mu     sync.Mutex
	fail   int
	block  bool
	calls  []time.Time
	seqs   []int64
	sizes  []int
	closed bool
}

func (s *recSink) Deliver(ctx context.Context, evs []store.AuditEvent) (int, error) {
	s.mu.Lock()
	s.calls = append(s.calls, time.Now())
	if s.block {
		s.mu.Unlock()
		<-ctx.Done()
		return 0, ctx.Err()
	}
	defer s.mu.Unlock()
	if len(s.calls) <= s.fail {
		return 0, errors.New("receiver down")
	}
	for _, ev := range evs {
		s.seqs = append(s.seqs, ev.Seq)
	}
	s.sizes = append(s.sizes, len(evs))
	return len(evs), nil
}

func (s *recSink) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

func (s *recSink) got() (seqs []int64, sizes []int, calls []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seqs), slices.Clone(s.sizes), slices.Clone(s.calls)
}

// lags records the last lag reported per sink.
type lags struct {
	mu sync.Mutex
	m  map[string]int64
}

func (l *lags) set(name string, v int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]int64{}
	}
	l.m[name] = v
}

func (l *lags) get(name string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[name]
}

func start(t *testing.T, cfg Config) *Runner {
	t.Helper()
	r, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRunnerBacksOffThenCatchesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		appendEvents(t, st, 50)
		s := &recSink{fail: 4}
		var lag lags
		start(t, Config{Store: st, Sinks: []Spec{{Name: "siem", Sink: s}}, Lag: lag.set,
			MinBackoff: time.Second, MaxBackoff: 8 * time.Second})
		synctest.Wait()
		if lag.get("siem") != 50 {
			t.Errorf("lag while down = %d, want 50", lag.get("siem"))
		}
		time.Sleep(20 * time.Second) // fake time: the bubble's clock
		synctest.Wait()
		seqs, _, calls := s.got()
		if d := cmp.Diff(span(1, 50), seqs); d != "" {
			t.Errorf("delivered (-want +got):\n%s", d)
		}
		if len(calls) != 5 {
			t.Fatalf("%d calls, want 4 failures and 1 success", len(calls))
		}
		for i, base := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
			if gap := calls[i+1].Sub(calls[i]); gap < base/2 || gap > base {
				t.Errorf("retry %d after %v, want between %v and %v", i+1, gap, base/2, base)
			}
		}
		if lag.get("siem") != 0 {
			t.Errorf("lag after catching up = %d", lag.get("siem"))
		}
		if c, err := st.GetAuditSinkCursor(t.Context(), "siem"); err != nil || c != 50 {
			t.Errorf("stored cursor = %d, %v; want 50", c, err)
		}
	})
}

func TestRunnerBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		appendEvents(t, st, 3)
		s := &recSink{}
		r := start(t, Config{Store: st, Poll: time.Hour,
			Sinks: []Spec{{Name: "hec", Sink: s, MaxEvents: 10, MaxWait: time.Second}}})
		synctest.Wait()
		time.Sleep(999 * time.Millisecond)
		synctest.Wait()
		if seqs, _, _ := s.got(); len(seqs) != 0 {
			t.Fatalf("a partial batch went out before MaxWait: %v", seqs)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if _, sizes, _ := s.got(); !slices.Equal(sizes, []int{3}) {
			t.Fatalf("after MaxWait: batches %v, want [3]", sizes)
		}
		appendEvents(t, st, 28)
		r.Notify(28)
		synctest.Wait()
		if _, sizes, _ := s.got(); !slices.Equal(sizes, []int{3, 10, 10}) {
			t.Errorf("full batches go at once: %v, want [3 10 10]", sizes)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		seqs, sizes, _ := s.got()
		if !slices.Equal(sizes, []int{3, 10, 10, 5}) || !slices.Equal(seqs, span(1, 28)) {
			t.Errorf("batches %v, seqs %v", sizes, seqs)
		}
	})
}

// TestRunnerResumesFromCursor stops a runner and starts another: it
// continues after the stored cursor, without repeats.
func TestRunnerResumesFromCursor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		appendEvents(t, st, 30)
		first := &recSink{}
		r, err := Start(t.Context(), Config{Store: st, Sinks: []Spec{{Name: "file", Sink: first}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if !first.closed {
			t.Error("Close did not close the sink")
		}
		appendEvents(t, st, 40)
		second := &recSink{}
		start(t, Config{Store: st, Sinks: []Spec{{Name: "file", Sink: second}}})
		synctest.Wait()
		a, _, _ := first.got()
		b, _, _ := second.got()
		if !slices.Equal(a, span(1, 30)) || !slices.Equal(b, span(31, 40)) {
			t.Errorf("first run %v, second run %v", a, b)
		}
	})
}

// TestRunnerPollsForOtherWriters finds events that no Notify announced,
// as when another replica writes them.
func TestRunnerPollsForOtherWriters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		s := &recSink{}
		start(t, Config{Store: st, Poll: 2 * time.Second, Sinks: []Spec{{Name: "out", Sink: s}}})
		synctest.Wait()
		appendEvents(t, st, 5)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if seqs, _, _ := s.got(); !slices.Equal(seqs, span(1, 5)) {
			t.Errorf("delivered %v after a poll", seqs)
		}
	})
}

func TestRunnerChecksConfig(t *testing.T) {
	_, err := Start(t.Context(), Config{Sinks: []Spec{{Name: "A b"}, {Name: "x", Sink: &recSink{}}, {Name: "x", Sink: &recSink{}}}})
	for _, want := range []string{"Store is required", `name "A b" must be`, "Sinks[0]: Sink is required", `name "x" is used twice`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
