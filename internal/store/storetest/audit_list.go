package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var auditListTests = []suite{
	{"AuditList/Filters", testAuditListFilters},
	{"AuditList/Paging", testAuditListPaging},
	{"AuditList/Limits", testAuditListLimits},
}

// filterTrail appends 12 events whose fields vary with seq so that each
// filter selects a known set.
func filterTrail(t *testing.T, s store.Store) {
	t.Helper()
	evs := events(1, 12)
	for i := range evs {
		ev := &evs[i]
		ev.ActorID = fmt.Sprintf("u%d", ev.Seq%2)  // odd: u1, even: u0
		ev.Endpoint = fmt.Sprintf("e%d", ev.Seq%3) // e1 e2 e0 …
		ev.Server = fmt.Sprintf("s%d", ev.Seq%4)   // s1 s2 s3 s0 …
		ev.Tool = fmt.Sprintf("t%d", ev.Seq%2)     // like ActorID
		ev.Outcome = []string{"ok", "denied"}[ev.Seq%2]
		ev.RequestID = fmt.Sprintf("r%d", (ev.Seq+1)/2) // pairs: 1-2, 3-4, …
		if ev.Seq > 9 {
			ev.Code = "auth.login.failed"
		}
	}
	check(t, s.AppendAudit(t.Context(), evs))
}

func seqs(evs []store.AuditEvent) []int64 {
	var out []int64
	for _, ev := range evs {
		out = append(out, ev.Seq)
	}
	return out
}

func testAuditListFilters(t *testing.T, s store.Store) {
	filterTrail(t, s)
	for _, tc := range []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"all", store.AuditFilter{}, []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"actor", store.AuditFilter{ActorID: "u1"}, []int64{11, 9, 7, 5, 3, 1}},
		{"endpoint", store.AuditFilter{Endpoint: "e0"}, []int64{12, 9, 6, 3}},
		{"server", store.AuditFilter{Server: "s2"}, []int64{10, 6, 2}},
		{"tool", store.AuditFilter{Tool: "t0"}, []int64{12, 10, 8, 6, 4, 2}},
		{"code", store.AuditFilter{Code: "auth.login.failed"}, []int64{12, 11, 10}},
		{"outcome", store.AuditFilter{Outcome: "denied"}, []int64{11, 9, 7, 5, 3, 1}},
		{"request", store.AuditFilter{RequestID: "r3"}, []int64{6, 5}},
		{"since inclusive", store.AuditFilter{Since: at(10)}, []int64{12, 11, 10}},
		{"until exclusive", store.AuditFilter{Until: at(3)}, []int64{2, 1}},
		{"window", store.AuditFilter{Since: at(4), Until: at(8)}, []int64{7, 6, 5, 4}},
		{"before", store.AuditFilter{BeforeSeq: 4}, []int64{3, 2, 1}},
		{"after ascending", store.AuditFilter{AfterSeq: 9, Ascending: true}, []int64{10, 11, 12}},
		{"ascending limit", store.AuditFilter{Ascending: true, Limit: 2}, []int64{1, 2}},
		{"combined", store.AuditFilter{ActorID: "u0", Endpoint: "e0", Server: "s0"}, []int64{12}},
		{"limit", store.AuditFilter{Tool: "t1", Limit: 2}, []int64{11, 9}},
		{"none", store.AuditFilter{ActorID: "nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := s.ListAudit(t.Context(), tc.f)
			check(t, err)
			diff(t, "seqs", seqs(evs), tc.want)
		})
	}
}

// testAuditListPaging walks the trail a page at a time with BeforeSeq.
func testAuditListPaging(t *testing.T, s store.Store) {
	ctx := t.Context()
	const total = 250
	check(t, s.AppendAudit(ctx, events(1, total)))

	var got []int64
	f := store.AuditFilter{Limit: 60}
	for page := 0; ; page++ {
		evs, err := s.ListAudit(ctx, f)
		check(t, err)
		if len(evs) == 0 {
			break
		}
		if page > total {
			t.Fatal("paging does not end")
		}
		got = append(got, seqs(evs)...)
		f.BeforeSeq = evs[len(evs)-1].Seq
	}
	var want []int64
	for seq := int64(total); seq >= 1; seq-- {
		want = append(want, seq)
	}
	diff(t, "paged seqs", got, want)

	evs, err := s.ListAudit(ctx, store.AuditFilter{BeforeSeq: 100, Limit: 3})
	check(t, err)
	diff(t, "page before 100", evs, []store.AuditEvent{newEvent(99), newEvent(98), newEvent(97)})
}

// testAuditListLimits checks the default limit (100) and the cap (1000).
func testAuditListLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	const total = 1005
	check(t, s.AppendAudit(ctx, events(1, total)))
	for _, tc := range []struct {
		limit, want int
	}{
		{0, 100}, {-1, 100}, {1, 1}, {1000, 1000}, {5000, 1000},
	} {
		evs, err := s.ListAudit(ctx, store.AuditFilter{Limit: tc.limit})
		check(t, err)
		if len(evs) != tc.want {
			t.Errorf("Limit %d: got %d events, want %d", tc.limit, len(evs), tc.want)
		}
		if len(evs) > 0 && !slices.IsSortedFunc(evs, func(a, b store.AuditEvent) int { return int(b.Seq - a.Seq) }) {
			t.Errorf("Limit %d: events not in descending seq order", tc.limit)
		}
	}
}
