package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const auditColumns = `seq, id, at, code, request_id, actor_type, actor_id, actor_email, token_id,
	client_name, client_version, client_ip, user_agent, trace_id, session_id, endpoint, server, tool, method, outcome, error,
	request, response, redactions, duration_us, prev_hash, hash`

// auditColumnCount is the number of columns in auditColumns.
const auditColumnCount = 27

// auditRowsPerInsert bounds the rows of one multi-row INSERT, well below
// the bind limits of SQLite (32766) and PostgreSQL (65535).
const auditRowsPerInsert = 100

// AppendAudit inserts events in one transaction. The first Seq must be
// the head's plus one (1 on an empty trail) and the others must follow it
// without gaps; otherwise it returns store.ErrConflict and writes nothing.
func (s *Store) AppendAudit(ctx context.Context, events []store.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	first := events[0].Seq
	for i, ev := range events {
		if ev.Seq != first+int64(i) {
			return fmt.Errorf("append audit: seq %d at position %d, want %d: %w", ev.Seq, i, first+int64(i), store.ErrConflict)
		}
	}
	headStmt, err := s.prepare(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_events`)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	var inserts []*sql.Stmt
	for chunk := range slices.Chunk(events, auditRowsPerInsert) {
		st, err := s.prepare(ctx, insertAuditQuery(len(chunk)))
		if err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
		inserts = append(inserts, st)
	}
	err = s.update(ctx, func(c conn) error {
		var head int64
		if err := inTx(ctx, c, headStmt).QueryRowContext(ctx).Scan(&head); err != nil {
			return err
		}
		if first != head+1 {
			return fmt.Errorf("seq %d does not follow head %d: %w", first, head, store.ErrConflict)
		}
		i := 0
		for chunk := range slices.Chunk(events, auditRowsPerInsert) {
			if err := s.insertAudit(ctx, inTx(ctx, c, inserts[i]), chunk); err != nil {
				return err
			}
			i++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// auditChainLock is the PostgreSQL advisory lock key that serializes
// appends to the audit chain across replicas ("sbaudit" in ASCII).
const auditChainLock int64 = 0x7362617564697400

// AppendAuditChain appends events linked onto the head read inside the
// same transaction, so that writers on several replicas never race for
// the next Seq. SQLite needs no lock: its writes are serialized already.
func (s *Store) AppendAuditChain(ctx context.Context, events []store.AuditEvent, link func(int64, []byte, []store.AuditEvent)) error {
	if len(events) == 0 {
		return nil
	}
	headStmt, err := s.prepare(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	var inserts []*sql.Stmt
	for chunk := range slices.Chunk(events, auditRowsPerInsert) {
		st, err := s.prepare(ctx, insertAuditQuery(len(chunk)))
		if err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
		inserts = append(inserts, st)
	}
	err = s.updateLocked(ctx, func(c conn) error {
		if s.d.Flavor == Postgres {
			if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, auditChainLock); err != nil {
				return err
			}
		}
		var head int64
		var hash []byte
		switch err := inTx(ctx, c, headStmt).QueryRowContext(ctx).Scan(&head, &hash); {
		case errors.Is(err, sql.ErrNoRows):
			head, hash = 0, nil
		case err != nil:
			return err
		}
		link(head, hash, events)
		for i, chunk := 0, 0; i < len(events); i, chunk = i+auditRowsPerInsert, chunk+1 {
			if err := s.insertAudit(ctx, inTx(ctx, c, inserts[chunk]), events[i:min(i+auditRowsPerInsert, len(events))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// insertAudit inserts events with one multi-row INSERT prepared by
// insertAuditQuery(len(events)).
func (s *Store) insertAudit(ctx context.Context, st *sql.Stmt, events []store.AuditEvent) error {
	args := make([]any, 0, len(events)*auditColumnCount)
	for _, ev := range events {
		args = append(args, auditArgs(ev)...)
	}
	_, err := st.ExecContext(ctx, args...)
	return s.insertErr(err)
}

// insertAuditQuery is the INSERT of n events.
func insertAuditQuery(n int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_events (` + auditColumns + `) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j := range auditColumnCount {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('$')
			q.WriteString(strconv.Itoa(i*auditColumnCount + j + 1))
		}
		q.WriteByte(')')
	}
	return q.String()
}

// AuditHead returns the event with the highest Seq, or store.ErrNotFound
// on an empty trail.
func (s *Store) AuditHead(ctx context.Context) (store.AuditEvent, error) {
	ev, err := scanAudit(s.reader().queryRow(ctx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq DESC LIMIT 1`))
	if err != nil {
		return store.AuditEvent{}, fmt.Errorf("audit head: %w", rowErr(err))
	}
	return ev, nil
}

// GetAudit returns the event with the given Seq.
func (s *Store) GetAudit(ctx context.Context, seq int64) (store.AuditEvent, error) {
	ev, err := scanAudit(s.reader().queryRow(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq = $1`, seq))
	if err != nil {
		return store.AuditEvent{}, fmt.Errorf("get audit %d: %w", seq, rowErr(err))
	}
	return ev, nil
}

func auditArgs(ev store.AuditEvent) []any {
	return []any{ev.Seq, ev.ID, unixNano(ev.Time), ev.Code, ev.RequestID, ev.ActorType, ev.ActorID,
		ev.ActorEmail, ev.TokenID, ev.ClientName, ev.ClientVersion, ev.ClientIP, ev.UserAgent, ev.TraceID, ev.SessionID, ev.Endpoint, ev.Server,
		ev.Tool, ev.Method, ev.Outcome, ev.Error, nullJSON(ev.Request), nullJSON(ev.Response), ev.Redactions,
		ev.DurationUS, nullBytes(ev.PrevHash), nullBytes(ev.Hash)}
}

func scanAudit(r scanner) (store.AuditEvent, error) {
	var ev store.AuditEvent
	err := r.Scan(&ev.Seq, &ev.ID, timeCol{&ev.Time}, &ev.Code, &ev.RequestID, &ev.ActorType, &ev.ActorID,
		&ev.ActorEmail, &ev.TokenID, &ev.ClientName, &ev.ClientVersion, &ev.ClientIP, &ev.UserAgent, &ev.TraceID, &ev.SessionID, &ev.Endpoint, &ev.Server,
		&ev.Tool, &ev.Method, &ev.Outcome, &ev.Error, jsonCol{&ev.Request}, jsonCol{&ev.Response}, &ev.Redactions,
		&ev.DurationUS, bytesCol{&ev.PrevHash}, bytesCol{&ev.Hash})
	return ev, err
}
