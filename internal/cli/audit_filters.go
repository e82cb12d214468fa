package cli

import (
	"flag"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// auditFilters are the filter flags that audit export and tail take, the
// same as audit list's.
type auditFilters struct {
	f            apiclient.AuditFilter
	since, until string
}

func (o *auditFilters) define(fs *flag.FlagSet) {
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
}

// parse turns --since and --until into times.
func (o *auditFilters) parse(now time.Time) error {
	var err error
	if o.f.Since, err = parseWhen("since", o.since, now); err != nil {
		return err
	}
	if o.f.Until, err = parseWhen("until", o.until, now); err != nil {
		return err
	}
	if !o.f.Since.IsZero() && !o.f.Until.IsZero() && !o.f.Since.Before(o.f.Until) {
		return usageErrorf("--since must be before --until")
	}
	return nil
}
