package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// tailPage is how many events one poll of audit tail reads at most; a
// full page is followed at once by the next.
const tailPage = 1000

type auditTailOpts struct {
	auditFilters
	lines    int
	interval time.Duration
	json     bool
}

func auditTailCmd() *command {
	return &command{
		name:    "tail",
		aliases: []string{"follow"},
		summary: "Print new audit events as they are recorded, until interrupted",
		args:    "[filters] [flags]",
		long:    "It shows the last --lines events that match, then polls for newer ones. Stop it with Ctrl-C.",
		example: "switchboard audit tail\n" +
			"switchboard audit tail --endpoint dev --outcome denied\n" +
			"switchboard audit tail --text password --json | jq .",
		setup: func(fs *flag.FlagSet) action {
			o := &auditTailOpts{}
			o.define(fs)
			fs.IntVar(&o.lines, "lines", 10, "show the last `N` matching events first")
			fs.DurationVar(&o.interval, "interval", time.Second, "poll every `DURATION`")
			fs.BoolVar(&o.json, "json", false, "print one JSON object per line")
			return o.run
		},
	}
}

func (o *auditTailOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if err := o.parse(s.now()); err != nil {
		return err
	}
	if o.lines < 0 || o.lines > tailPage {
		return usageErrorf("--lines must be from 0 to %d", tailPage)
	}
	if o.interval <= 0 {
		return usageErrorf("--interval must be positive, such as 1s")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	p := &tailPrinter{w: s.io.Out, json: o.json}
	cursor, err := o.start(ctx, c, p)
	if err != nil {
		return err
	}
	return o.follow(ctx, c, p, cursor, s.io.Err)
}

// start prints the last matching events and returns the Seq to follow
// from: the newest event of the whole trail, so that filters that match
// nothing do not rescan old events.
func (o *auditTailOpts) start(ctx context.Context, c *apiclient.Client, p *tailPrinter) (int64, error) {
	head, err := c.ListAudit(ctx, apiclient.AuditFilter{Limit: 1})
	if err != nil {
		return 0, err
	}
	var cursor int64
	if len(head.Events) > 0 {
		cursor = head.Events[0].Seq
	}
	if o.lines == 0 {
		return cursor, nil
	}
	f := o.f
	f.Limit = o.lines
	last, err := c.ListAudit(ctx, f)
	if err != nil {
		return 0, err
	}
	slices.Reverse(last.Events)
	if err := p.print(last.Events); err != nil {
		return 0, err
	}
	if n := len(last.Events); n > 0 {
		cursor = max(cursor, last.Events[n-1].Seq)
	}
	return cursor, nil
}

// follow polls for events after cursor until ctx ends. Network trouble
// and server errors are reported and retried; an answer that says the
// request itself is wrong (4xx) ends the tail.
func (o *auditTailOpts) follow(ctx context.Context, c *apiclient.Client, p *tailPrinter, cursor int64, errw io.Writer) error {
	t := time.NewTicker(o.interval)
	defer t.Stop()
	f := o.f
	f.Limit = tailPage
	for {
		f.After = cursor
		page, err := c.ListAudit(ctx, f)
		switch {
		case ctx.Err() != nil:
			return nil // Ctrl-C is how a tail ends
		case err != nil && apiclient.StatusCode(err)/100 == 4:
			return err
		case err != nil:
			fmt.Fprintf(errw, "warning: %v; retrying\n", err)
		default:
			if err := p.print(page.Events); err != nil {
				return err
			}
			if n := len(page.Events); n > 0 {
				cursor = page.Events[n-1].Seq
			}
			if len(page.Events) == tailPage {
				continue // more are waiting
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// tailPrinter writes events one line each, as a stream: no table, since
// the column widths of later lines are unknown.
type tailPrinter struct {
	w      io.Writer
	json   bool
	header bool
}

func (p *tailPrinter) print(events []api.AuditEvent) error {
	for _, e := range events {
		if err := p.line(e); err != nil {
			return err
		}
	}
	return nil
}

func (p *tailPrinter) line(e api.AuditEvent) error {
	if p.json {
		b, err := json.Marshal(e)
		if err != nil {
			return errorf("encode json: %w", err)
		}
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	}
	if !p.header {
		p.header = true
		fmt.Fprintln(p.w, "SEQ  TIME  CODE  ACTOR  ENDPOINT  TOOL  OUTCOME  DURATION")
	}
	cells := []string{strconv.FormatInt(e.Seq, 10), fmtTime(e.Time), e.Code, actor(e), e.Endpoint,
		joinNonEmpty("/", e.Server, e.Tool), e.Outcome, fmtMicros(e.DurationUS)}
	for i, c := range cells {
		if cells[i] = cell(c); cells[i] == "" {
			cells[i] = "-"
		}
	}
	_, err := fmt.Fprintln(p.w, strings.Join(cells, "  "))
	return err
}
