package admin

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/audit/sink"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxTextQuery bounds the ?q= text search.
const maxTextQuery = 1000

// exportBuffer is the write buffer between the encoder and the response;
// it is flushed after every page.
const exportBuffer = 64 << 10

// auditFilter reads the filters that listing and exporting share: actor,
// endpoint, server, tool, code, outcome, request_id, q (text in the
// request, response or error), since and until.
func auditFilter(q url.Values) (store.AuditFilter, error) {
	f := store.AuditFilter{
		ActorID: q.Get("actor"), Endpoint: q.Get("endpoint"), Server: q.Get("server"),
		Tool: q.Get("tool"), Code: q.Get("code"), Outcome: q.Get("outcome"), RequestID: q.Get("request_id"),
		Text: q.Get("q"),
	}
	if strings.Contains(f.ActorID, "@") { // an e-mail address, not an ID
		f.ActorID, f.ActorEmail = "", strings.ToLower(f.ActorID)
	}
	if len(f.Text) > maxTextQuery {
		return f, invalid("q", "must be at most %d bytes", maxTextQuery)
	}
	var err error
	if f.Since, err = queryTime(q.Get("since"), "since"); err != nil {
		return f, err
	}
	if f.Until, err = queryTime(q.Get("until"), "until"); err != nil {
		return f, err
	}
	return f, nil
}

// parseAfter reads ?after=SEQ: the events after SEQ, oldest first, which
// is how `audit tail` follows the trail.
func parseAfter(q url.Values, f *store.AuditFilter) error {
	s := q.Get("after")
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return invalid("after", "must be an event sequence number, 0 or more")
	}
	if f.BeforeSeq > 0 {
		return invalid("after", "cannot be combined with cursor: after reads forward, cursor backward")
	}
	f.AfterSeq, f.Ascending = n, true
	return nil
}

// exportFormat writes events in one file format.
type exportFormat struct {
	contentType string
	start       func(*bufio.Writer) eventWriter
}

// eventWriter encodes one event; flush ends a page.
type eventWriter interface {
	write(ev store.AuditEvent) error
	flush() error
}

var exportFormats = map[string]exportFormat{
	"jsonl": {"application/x-ndjson", func(b *bufio.Writer) eventWriter { return jsonlWriter{b} }},
	"csv":   {"text/csv; charset=utf-8", newCSVWriter},
}

// exportAudit streams every event that the filters select, oldest first,
// as JSON lines or CSV, up to the event that records the export. It reads bounded pages (sink.Pager) and flushes
// each to the client, so memory stays flat however long the trail is. A
// failure after the first byte aborts the response, so the client sees a
// broken transfer rather than a file that looks complete.
func (a *API) exportAudit(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		return err
	}
	name := q.Get("format")
	if name == "" {
		name = "jsonl"
	}
	format, ok := exportFormats[name]
	if !ok {
		return invalid("format", "must be jsonl or csv")
	}
	if f.BeforeSeq, err = a.recordExport(r.Context(), p, name, q, f); err != nil {
		return err
	}
	pager := sink.NewPager(a.cfg.Store, f, 0, 0)
	page, err := pager.Next(r.Context()) // a failure here is still a JSON error
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", format.contentType)
	h.Set("Content-Disposition", `attachment; filename="switchboard-audit-`+a.cfg.Now().UTC().Format("20060102T150405Z")+"."+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := a.streamPages(r.Context(), w, format, pager, page); err != nil {
		a.cfg.Logger.WarnContext(r.Context(), "audit export aborted", "err", err)
		panic(http.ErrAbortHandler) // net/http resets the stream without logging a panic
	}
	return nil
}

// streamPages writes page and every page after it, flushing each.
func (a *API) streamPages(ctx context.Context, w http.ResponseWriter, format exportFormat, pager *sink.Pager, page []store.AuditEvent) error {
	bw := bufio.NewWriterSize(w, exportBuffer)
	ew := format.start(bw)
	rc := http.NewResponseController(w)
	for len(page) > 0 {
		for _, ev := range page {
			if err := ew.write(ev); err != nil {
				return err
			}
		}
		if err := errors.Join(ew.flush(), bw.Flush(), rc.Flush()); err != nil {
			return err
		}
		var err error
		if page, err = pager.Next(ctx); err != nil {
			return err
		}
	}
	return nil
}

// recordExport audits who exported what: the trail is the most sensitive
// thing the API hands out in bulk. The event's request holds the format
// and the filters as given. It returns the event's Seq: the export covers
// the trail up to it, a snapshot that a busy gateway cannot stretch.
func (a *API) recordExport(ctx context.Context, p identity.Principal, format string, q url.Values, f store.AuditFilter) (int64, error) {
	filters := map[string]string{}
	for k, v := range q {
		if k != "format" && len(v) > 0 && v[0] != "" {
			filters[k] = v[0]
		}
	}
	req, _ := json.Marshal(map[string]any{"format": format, "filters": filters})
	ev, err := a.cfg.Audit.Record(ctx, store.AuditEvent{
		Code: audit.CodeAuditExported, RequestID: identity.NewID("req"), ActorType: audit.ActorUser,
		ActorID: p.ID, ActorEmail: p.Email, TokenID: p.TokenID, Outcome: audit.OutcomeOK,
		Server: f.Server, Endpoint: f.Endpoint, Request: req,
	})
	return ev.Seq, err
}

type jsonlWriter struct{ b *bufio.Writer }

func (j jsonlWriter) write(ev store.AuditEvent) error {
	line, err := sink.Encode(ev)
	if err != nil {
		return err
	}
	j.b.Write(line)
	return j.b.WriteByte('\n')
}

func (j jsonlWriter) flush() error { return nil }

// csvColumns is the header row of a CSV export. request and response hold
// the stored JSON documents as text.
var csvColumns = []string{
	"seq", "id", "time", "code", "request_id", "actor_type", "actor_id", "actor_email", "token_id",
	"client_name", "client_version", "client_ip", "user_agent", "trace_id", "session_id",
	"endpoint", "server", "tool", "method", "outcome", "error", "duration_us", "request", "response", "hash",
}

type csvWriter struct {
	c   *csv.Writer
	row []string
}

func newCSVWriter(b *bufio.Writer) eventWriter {
	c := csv.NewWriter(b)
	_ = c.Write(csvColumns) // errors surface at flush
	return &csvWriter{c: c, row: make([]string, len(csvColumns))}
}

func (c *csvWriter) write(ev store.AuditEvent) error {
	copy(c.row, []string{
		strconv.FormatInt(ev.Seq, 10), ev.ID, ev.Time.UTC().Format(time.RFC3339Nano), ev.Code, ev.RequestID,
		ev.ActorType, ev.ActorID, ev.ActorEmail, ev.TokenID, ev.ClientName, ev.ClientVersion, ev.ClientIP,
		ev.UserAgent, ev.TraceID, ev.SessionID, ev.Endpoint, ev.Server, ev.Tool, ev.Method, ev.Outcome,
		ev.Error, strconv.FormatInt(ev.DurationUS, 10), jsonText(ev.Request), jsonText(ev.Response),
		hex.EncodeToString(ev.Hash),
	})
	return c.c.Write(c.row)
}

func (c *csvWriter) flush() error {
	c.c.Flush()
	return c.c.Error()
}

// jsonText is a stored document as CSV text; "" when absent.
func jsonText(m json.RawMessage) string {
	if len(m) == 0 {
		return ""
	}
	return string(m)
}
