package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

func auditCmd() *command {
	return &command{
		name:    "audit",
		summary: "Search the audit trail",
		example: "switchboard audit list --endpoint dev --since 1h\nswitchboard audit show 1042",
		subs:    []*command{auditListCmd(), auditShowCmd(), auditVerifyCmd(), auditPublicKeyCmd(), auditExportCmd(), auditTailCmd()},
	}
}

type auditListOpts struct {
	f            apiclient.AuditFilter
	since, until string
	allPages     bool
	json         bool
}

func auditListCmd() *command {
	return &command{
		name:    "list",
		aliases: []string{"ls", "search"},
		summary: "List audit events, newest first",
		args:    "[filters] [flags]",
		example: "switchboard audit list\n" +
			"switchboard audit list --endpoint dev --tool search_issues --since 24h\n" +
			"switchboard audit list --outcome error --since 2025-06-01 --until 2025-06-02 --all-pages --json",
		setup: func(fs *flag.FlagSet) action {
			o := &auditListOpts{}
			fs.StringVar(&o.f.Actor, "actor", "", "only events by `ACTOR` (email or ID)")
			fs.StringVar(&o.f.Endpoint, "endpoint", "", "only events on `ENDPOINT`")
			fs.StringVar(&o.f.Server, "server", "", "only events on upstream `SERVER`")
			fs.StringVar(&o.f.Tool, "tool", "", "only events for `TOOL`")
			fs.StringVar(&o.f.Code, "code", "", "only events with event `CODE`")
			fs.StringVar(&o.f.Outcome, "outcome", "", "only events with `OUTCOME`, such as ok, error or denied")
			fs.StringVar(&o.f.RequestID, "request-id", "", "only events of the request with `ID`")
			fs.StringVar(&o.f.Text, "text", "", "only events whose request, response or error contains `TEXT` (ignoring case)")
			fs.StringVar(&o.since, "since", "", "only events at or after `TIME`: RFC 3339, a date, or a duration ago (1h, 7d)")
			fs.StringVar(&o.until, "until", "", "only events before `TIME`, in the same forms as --since")
			fs.IntVar(&o.f.Limit, "limit", 0, "at most `N` events per page (default: the server's page size)")
			fs.StringVar(&o.f.Cursor, "cursor", "", "continue at `CURSOR`, printed after a page")
			fs.BoolVar(&o.allPages, "all-pages", false, "follow the cursor to the last page")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON")
			return o.run
		},
	}
}

func (o *auditListOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	var err error
	if o.f.Since, err = parseWhen("since", o.since, s.now()); err != nil {
		return err
	}
	if o.f.Until, err = parseWhen("until", o.until, s.now()); err != nil {
		return err
	}
	if !o.f.Since.IsZero() && !o.f.Until.IsZero() && !o.f.Since.Before(o.f.Until) {
		return usageErrorf("--since must be before --until")
	}
	if o.f.Limit < 0 {
		return usageErrorf("--limit must be positive")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	list, err := o.fetch(ctx, c)
	if err != nil {
		return err
	}
	if o.json {
		list.Events = orEmpty(list.Events)
		return printJSON(s.io.Out, list)
	}
	if err := printAuditEvents(s.io.Out, list.Events); err != nil {
		return err
	}
	if list.NextCursor != "" {
		fmt.Fprintf(s.io.Err, "More events: add --cursor %s (or --all-pages).\n", list.NextCursor)
	}
	return nil
}

// fetch gets one page, or every page with --all-pages.
func (o *auditListOpts) fetch(ctx context.Context, c *apiclient.Client) (*api.AuditList, error) {
	page, err := c.ListAudit(ctx, o.f)
	if err != nil || !o.allPages {
		return page, err
	}
	all := &api.AuditList{Events: page.Events}
	seen := map[string]bool{o.f.Cursor: true}
	f := o.f
	for page.NextCursor != "" {
		if seen[page.NextCursor] {
			return nil, errorf("the server returned cursor %q twice; stopping", page.NextCursor)
		}
		seen[page.NextCursor] = true
		f.Cursor = page.NextCursor
		if page, err = c.ListAudit(ctx, f); err != nil {
			return nil, err
		}
		all.Events = append(all.Events, page.Events...)
	}
	return all, nil
}

func printAuditEvents(w io.Writer, events []api.AuditEvent) error {
	if len(events) == 0 {
		fmt.Fprintln(w, "No audit events match.")
		return nil
	}
	t := newTable(w, "SEQ", "TIME", "CODE", "ACTOR", "ENDPOINT", "TOOL", "OUTCOME", "DURATION")
	for _, e := range events {
		t.row(strconv.FormatInt(e.Seq, 10), fmtTime(e.Time), e.Code, actor(e), e.Endpoint,
			joinNonEmpty("/", e.Server, e.Tool), e.Outcome, fmtMicros(e.DurationUS))
	}
	return t.flush()
}

func actor(e api.AuditEvent) string {
	switch {
	case e.ActorEmail != "":
		return e.ActorEmail
	case e.ActorID != "":
		return e.ActorID
	}
	return e.ActorType
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func fmtMicros(us int64) string {
	if us <= 0 {
		return ""
	}
	d := time.Duration(us) * time.Microsecond
	if d >= time.Millisecond {
		d = d.Round(100 * time.Microsecond)
	}
	return d.String()
}

func auditShowCmd() *command {
	return &command{
		name:    "show",
		aliases: []string{"get"},
		summary: "Show one audit event with its full request and response",
		args:    "SEQ [flags]",
		example: "switchboard audit show 1042\nswitchboard audit show 1042 --json",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				arg, err := oneArg(args, "SEQ")
				if err != nil {
					return err
				}
				seq, err := strconv.ParseInt(arg, 10, 64)
				if err != nil || seq <= 0 {
					return usageErrorf("SEQ %q: want the event's sequence number, as in `switchboard audit list`", arg)
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				e, err := c.GetAuditEvent(ctx, seq)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, e)
				}
				return printAuditEvent(s.io.Out, e)
			}
		},
	}
}

func printAuditEvent(w io.Writer, e *api.AuditEvent) error {
	who := actor(*e)
	if e.ActorType != "" && who != e.ActorType {
		who += " (" + e.ActorType + ")"
	}
	if err := fields(w,
		"Seq", strconv.FormatInt(e.Seq, 10), "ID", e.ID, "Time", e.Time.Local().Format(time.RFC3339Nano),
		"Code", e.Code, "Outcome", e.Outcome, "Error", e.Error, "Actor", who, "Token", e.TokenID,
		"Client", joinNonEmpty(" ", e.ClientName, e.ClientVersion), "Session", e.SessionID,
		"Request ID", e.RequestID, "Endpoint", e.Endpoint, "Server", e.Server, "Tool", e.Tool,
		"Method", e.Method, "Duration", fmtMicros(e.DurationUS), "Hash", e.Hash,
	); err != nil {
		return err
	}
	printRaw(w, "Request", e.Request)
	printRaw(w, "Response", e.Response)
	return nil
}

// printRaw prints a JSON document indented under a heading. JSON escapes
// keep control characters out of the terminal; anything else is cleaned.
func printRaw(w io.Writer, heading string, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", heading)
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "  ", "  "); err != nil {
		fmt.Fprintf(w, "  %s\n", cell(string(raw)))
		return
	}
	fmt.Fprintf(w, "  %s\n", buf.String())
}
