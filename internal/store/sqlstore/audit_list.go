package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Page sizes of ListAudit.
const (
	DefaultAuditLimit = 100
	MaxAuditLimit     = 1000
)

// ListAudit returns the events that f selects, highest Seq first (lowest
// first with f.Ascending). Since is
// inclusive and Until exclusive; BeforeSeq, when set, returns only events
// with a lower Seq, so passing the last Seq of a page fetches the next one.
// Limit defaults to DefaultAuditLimit and is capped at MaxAuditLimit.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	where, args := auditWhere(f)
	where, args = s.withText(where, args, f.Text)
	order := ` ORDER BY seq DESC`
	if f.Ascending {
		order = ` ORDER BY seq ASC`
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events` + where + order + ` LIMIT ` + strconv.Itoa(auditLimit(f.Limit))
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	evs, err := collect(rows, scanAudit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return evs, nil
}

func auditLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultAuditLimit
	case n > MaxAuditLimit:
		return MaxAuditLimit
	default:
		return n
	}
}

// auditWhere builds the WHERE clause of f, with $N binds.
func auditWhere(f store.AuditFilter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	for _, eq := range []struct{ col, v string }{
		{"actor_id", f.ActorID}, {"actor_email", f.ActorEmail}, {"endpoint", f.Endpoint}, {"server", f.Server}, {"tool", f.Tool},
		{"code", f.Code}, {"outcome", f.Outcome}, {"request_id", f.RequestID},
	} {
		if eq.v != "" {
			add(eq.col+" =", eq.v)
		}
	}
	if !f.Since.IsZero() {
		add("at >=", unixNano(f.Since))
	}
	if !f.Until.IsZero() {
		add("at <", unixNano(f.Until))
	}
	if f.BeforeSeq > 0 {
		add("seq <", f.BeforeSeq)
	}
	if f.AfterSeq > 0 {
		add("seq >", f.AfterSeq)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}
