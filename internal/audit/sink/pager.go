package sink

import (
	"context"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Lister reads audit events; store.Audit implements it.
type Lister interface {
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error)
}

// Page sizes and the byte budget of Pager.
const (
	MaxPage       = 1000    // the store's largest page
	minPage       = 8       // a page never shrinks below this many events
	DefaultBudget = 8 << 20 // payload bytes a page aims to stay under
)

// Pager walks the events a filter selects in ascending Seq order, one page
// at a time. After a page heavy with payloads it asks for fewer events, so
// that a page holds about Budget bytes; after light pages it grows back to
// Max. Memory stays bounded by roughly one page whatever the trail's size.
type Pager struct {
	src    Lister
	f      store.AuditFilter
	max    int
	budget int
}

// NewPager returns a Pager over the events f selects after f.AfterSeq
// and, when f.BeforeSeq is set, below it (f.Ascending and f.Limit are
// ignored), at most max per page (MaxPage when max is 0 or larger) and
// about budget payload bytes per page (DefaultBudget when 0).
func NewPager(src Lister, f store.AuditFilter, max, budget int) *Pager {
	if max <= 0 || max > MaxPage {
		max = MaxPage
	}
	if budget <= 0 {
		budget = DefaultBudget
	}
	f.Ascending, f.Limit = true, max
	return &Pager{src: src, f: f, max: max, budget: budget}
}

// After returns the Seq that the next page starts after.
func (p *Pager) After() int64 { return p.f.AfterSeq }

// SetAfter makes the next page start after seq.
func (p *Pager) SetAfter(seq int64) { p.f.AfterSeq = seq }

// Next returns the next page and moves past it. An empty page means that
// no more events match now; later calls return events appended since.
func (p *Pager) Next(ctx context.Context) ([]store.AuditEvent, error) {
	evs, err := p.src.ListAudit(ctx, p.f)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	p.f.AfterSeq = evs[len(evs)-1].Seq
	p.resize(evs)
	return evs, nil
}

// resize sets the next page's size from this page's bytes per event.
func (p *Pager) resize(evs []store.AuditEvent) {
	size := 0
	for _, ev := range evs {
		size += eventBytes(ev)
	}
	per := max(size/len(evs), 1)
	p.f.Limit = min(max(p.budget/per, minPage), p.max)
}

// eventBytes estimates the memory of one event by its variable parts.
func eventBytes(ev store.AuditEvent) int {
	return 512 + len(ev.Request) + len(ev.Response) + len(ev.Error) + len(ev.UserAgent)
}

// pageSize is how many events the next page asks for.
func (p *Pager) pageSize() int { return p.f.Limit }
