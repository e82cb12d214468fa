package audit

import (
	"bytes"
	"context"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxRenumber bounds how many deleted events the classifier looks past
// when it checks whether later events were renumbered to close a gap.
const maxRenumber = 1024

// checkEvent verifies that ev, stored at seq w.next, hashes to its Hash
// and links to w.prev. When it does not, it works out why:
//
//   - prev_hash links but the hash is wrong: the event was edited.
//   - the event hashes correctly after w.prev, but its prev_hash column
//     says otherwise: prev_hash was edited.
//   - ev links to an event stored later, or the true successor of w.prev
//     is stored later: the events were reordered.
//   - ev hashes correctly at a higher seq, or on its own prev_hash: the
//     events before it were deleted (and the rest renumbered).
//   - otherwise the event was edited.
func (w *walker) checkEvent(ctx context.Context, ev store.AuditEvent) error {
	seq := ev.Seq
	body, err := encodeBody(ev)
	if err != nil {
		return err
	}
	self := bytes.Equal(chainHash(ev.PrevHash, seq, body), ev.Hash)
	link := bytes.Equal(ev.PrevHash, w.prev)
	switch {
	case link && self:
		return nil
	case link:
		return w.fail(seq, ReasonEdited, "event %d no longer matches its hash: its contents or hash were changed", seq)
	case bytes.Equal(chainHash(w.prev, seq, body), ev.Hash):
		return w.fail(seq, ReasonEdited, "event %d's prev_hash was changed", seq)
	}
	later, err := w.findDisplaced(ctx, ev)
	if err != nil {
		return err
	}
	if later > 0 {
		return w.fail(seq, ReasonReordered, "event %d is out of chain order: its neighbour in the chain is stored at seq %d", seq, later)
	}
	if n := renumbered(ev, body); n > 0 {
		return w.fail(seq, ReasonDeleted, "%d event(s) from seq %d were deleted and the later events renumbered", n, seq)
	}
	if self {
		return w.fail(seq, ReasonDeleted, "event %d does not follow event %d: the event(s) between them were deleted", seq, seq-1)
	}
	return w.fail(seq, ReasonEdited, "event %d's contents and prev_hash were changed", seq)
}

// findDisplaced looks at the events after ev for the one ev links to, or
// for the one that links to w.prev (ev's rightful place). It returns its
// seq, or 0. It reads the rest of the trail a page at a time, and runs
// only once a walk has found a broken link.
func (w *walker) findDisplaced(ctx context.Context, ev store.AuditEvent) (int64, error) {
	after := ev.Seq
	for {
		page, err := w.st.ListAudit(ctx, store.AuditFilter{AfterSeq: after, Ascending: true, Limit: w.opts.PageSize})
		if err != nil || len(page) == 0 {
			return 0, err
		}
		for _, x := range page {
			if len(ev.PrevHash) > 0 && bytes.Equal(x.Hash, ev.PrevHash) || bytes.Equal(x.PrevHash, w.prev) {
				return x.Seq, nil
			}
		}
		after = page[len(page)-1].Seq
	}
}

// renumbered reports how many seqs ev moved down: the n for which ev
// hashes correctly at ev.Seq+n on its own prev_hash, up to maxRenumber.
func renumbered(ev store.AuditEvent, body []byte) int64 {
	for n := int64(1); n <= maxRenumber; n++ {
		if bytes.Equal(chainHash(ev.PrevHash, ev.Seq+n, body), ev.Hash) {
			return n
		}
	}
	return 0
}
