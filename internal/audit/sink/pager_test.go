package sink

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestPagerWalksAscending(t *testing.T) {
	st := openStore(t)
	appendEvents(t, st, 2500)
	p := NewPager(st, store.AuditFilter{AfterSeq: 100, Limit: 3}, 0, 0)
	var got []int64
	for {
		evs, err := p.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		if len(evs) > MaxPage {
			t.Fatalf("page of %d events", len(evs))
		}
		for _, ev := range evs {
			got = append(got, ev.Seq)
		}
	}
	if d := cmp.Diff(span(101, 2500), got); d != "" {
		t.Errorf("seqs (-want +got):\n%s", d)
	}
	appendEvents(t, st, 2501)
	if evs, _ := p.Next(t.Context()); len(evs) != 1 || evs[0].Seq != 2501 {
		t.Errorf("after the end, a new event is not returned: %v", evs)
	}
}

func TestPagerKeepsFilters(t *testing.T) {
	st := openStore(t)
	evs := []store.AuditEvent{event(1), event(2), event(3), event(4)}
	evs[1].Tool, evs[3].Tool = "other", "other"
	if err := st.AppendAudit(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	page, err := NewPager(st, store.AuditFilter{Tool: "other"}, 0, 0).Next(t.Context())
	if err != nil || len(page) != 2 || page[0].Seq != 2 || page[1].Seq != 4 {
		t.Fatalf("page %v, err %v", page, err)
	}
	page, err = NewPager(st, store.AuditFilter{AfterSeq: 1, BeforeSeq: 4}, 0, 0).Next(t.Context())
	if err != nil || len(page) != 2 || page[0].Seq != 2 || page[1].Seq != 3 {
		t.Fatalf("bounded page %v, err %v", page, err)
	}
}

// TestPagerShrinksHeavyPages checks that pages of large payloads are cut
// down towards the byte budget and grow back when payloads are small.
func TestPagerShrinksHeavyPages(t *testing.T) {
	st := openStore(t)
	big := json.RawMessage(`"` + strings.Repeat("x", 64<<10) + `"`)
	var evs []store.AuditEvent
	for seq := int64(1); seq <= 400; seq++ {
		ev := event(seq)
		if seq <= 200 {
			ev.Response = big
		}
		evs = append(evs, ev)
	}
	if err := st.AppendAudit(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	const budget = 1 << 20
	p := NewPager(st, store.AuditFilter{}, 100, budget)
	var sizes []int
	for {
		page, err := p.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		sizes = append(sizes, len(page))
	}
	// The first page is full (the pager cannot know), then 64 KiB events
	// make pages of about 1 MiB / 64 KiB = 15, then light ones grow to 100.
	if sizes[0] != 100 || !slices.Contains(sizes, 15) || sizes[len(sizes)-1] > 100 {
		t.Errorf("page sizes %v", sizes)
	}
	if slices.Max(sizes[1:4]) > 16 {
		t.Errorf("heavy pages were not cut down: %v", sizes)
	}
}
