package e2e

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// Audit event codes and outcomes, as the API spells them.
const (
	codeInitialize = "mcp.initialize"
	codeCallStart  = "mcp.tool.call.started"
	codeCall       = "mcp.tool.call"
	codeDenied     = "mcp.tool.denied"
)

// checkAudit reads the trail of the calls useTools made with the CLI.
func (e *env) checkAudit(t *testing.T) {
	var all api.AuditList
	e.cli.json(t, &all, "audit", "list", "--endpoint", endpoint, "--all-pages", "--json")
	if len(all.Events) == 0 {
		t.Fatal("audit list --endpoint team: no events")
	}

	t.Run("initialize", func(t *testing.T) {
		ev := findEvent(all.Events, func(ev api.AuditEvent) bool { return ev.Code == codeInitialize })
		if ev == nil {
			t.Fatal("no mcp.initialize event")
		}
		e.checkActor(t, *ev)
	})
	for _, c := range e.calls {
		t.Run(c.exposed+" "+c.outcome, func(t *testing.T) {
			if c.outcome == "denied" {
				e.checkDenied(t, all.Events, c)
			} else {
				e.checkCall(t, all.Events, c)
			}
		})
	}
	t.Run("--tool echo", func(t *testing.T) { e.checkToolFilter(t) })
	t.Run("audit show", func(t *testing.T) { e.checkShow(t, all.Events) })
}

func findEvent(events []api.AuditEvent, match func(api.AuditEvent) bool) *api.AuditEvent {
	for i := range events {
		if match(events[i]) {
			return &events[i]
		}
	}
	return nil
}

// sameJSON reports whether raw decodes to the same value as v.
func sameJSON(t *testing.T, raw json.RawMessage, v any) bool {
	var got any
	if err := json.Unmarshal(raw, &got); err != nil {
		return false
	}
	return cmp.Equal(got, asJSONValue(t, v))
}

// checkActor checks who and what an MCP event names.
func (e *env) checkActor(t *testing.T, ev api.AuditEvent) {
	t.Helper()
	if ev.ActorType != "user" || ev.ActorEmail != adminEmail || ev.ActorID == "" || ev.TokenID != e.tokenID {
		t.Errorf("seq %d: actor %q %q %q token %q; want user %s with token %s",
			ev.Seq, ev.ActorType, ev.ActorEmail, ev.ActorID, ev.TokenID, adminEmail, e.tokenID)
	}
	if ev.ClientName != clientName || ev.ClientVersion != clientVersion {
		t.Errorf("seq %d: client %q %q, want %s %s", ev.Seq, ev.ClientName, ev.ClientVersion, clientName, clientVersion)
	}
	if ev.Endpoint != endpoint || ev.SessionID == "" || ev.RequestID == "" || ev.Hash == "" || ev.Seq <= 0 {
		t.Errorf("seq %d: endpoint %q session %q request %q hash %q; want all set",
			ev.Seq, ev.Endpoint, ev.SessionID, ev.RequestID, ev.Hash)
	}
}

// checkCall finds the mcp.tool.call record of c, with its start record.
func (e *env) checkCall(t *testing.T, events []api.AuditEvent, c madeCall) {
	ev := findEvent(events, func(ev api.AuditEvent) bool {
		return ev.Code == codeCall && ev.Server == c.server && ev.Tool == c.tool && sameJSON(t, ev.Request, c.args)
	})
	if ev == nil {
		t.Fatalf("no %s event for %s/%s with request %v", codeCall, c.server, c.tool, c.args)
	}
	e.checkActor(t, *ev)
	if ev.Outcome != c.outcome || ev.Method != "tools/call" || ev.DurationUS <= 0 {
		t.Errorf("outcome %q method %q duration %dµs; want %q, tools/call, > 0", ev.Outcome, ev.Method, ev.DurationUS, c.outcome)
	}
	if !sameJSON(t, ev.Response, c.result) {
		t.Errorf("audited response differs from what the client got:\naudit:  %s\nclient: %s", ev.Response, mustJSON(t, c.result))
	}
	start := findEvent(events, func(s api.AuditEvent) bool { return s.Code == codeCallStart && s.RequestID == ev.RequestID })
	if start == nil {
		t.Errorf("no %s event with request ID %s", codeCallStart, ev.RequestID)
	} else if start.Seq >= ev.Seq || !sameJSON(t, start.Request, c.args) {
		t.Errorf("start event seq %d request %s; want before seq %d with the same request", start.Seq, start.Request, ev.Seq)
	}
}

// checkDenied finds the refusal of a disabled tool, and checks the
// upstream was not called.
func (e *env) checkDenied(t *testing.T, events []api.AuditEvent, c madeCall) {
	ev := findEvent(events, func(ev api.AuditEvent) bool {
		return ev.Code == codeDenied && strings.Contains(ev.Tool, c.tool) && sameJSON(t, ev.Request, c.args)
	})
	if ev == nil {
		t.Fatalf("no %s event for %s with request %v", codeDenied, c.exposed, c.args)
	}
	e.checkActor(t, *ev)
	if ev.Outcome != "denied" || ev.Error == "" {
		t.Errorf("outcome %q error %q, want denied with a reason", ev.Outcome, ev.Error)
	}
	if started := findEvent(events, func(s api.AuditEvent) bool {
		return (s.Code == codeCallStart || s.Code == codeCall) && s.Tool == c.tool && s.Server == c.server
	}); started != nil {
		t.Errorf("the disabled tool was forwarded: seq %d %s", started.Seq, started.Code)
	}
}

// checkToolFilter checks `audit list --tool echo` returns the echo calls
// of all four servers and nothing else.
func (e *env) checkToolFilter(t *testing.T) {
	var list api.AuditList
	e.cli.json(t, &list, "audit", "list", "--tool", "echo", "--all-pages", "--json")
	servers := map[string]bool{}
	for _, ev := range list.Events {
		if ev.Tool != "echo" {
			t.Errorf("--tool echo returned seq %d for tool %q", ev.Seq, ev.Tool)
		}
		if ev.Code == codeCall {
			servers[ev.Server] = true
		}
	}
	want := map[string]bool{"everything": true, "legacy": true, "gosrv": true, "hdr": true}
	if diff := cmp.Diff(want, servers); diff != "" {
		t.Errorf("servers of the mcp.tool.call events of --tool echo (-want +got):\n%s", diff)
	}
}

// checkShow checks `audit show SEQ` for the gosrv echo call.
func (e *env) checkShow(t *testing.T, events []api.AuditEvent) {
	ev := findEvent(events, func(ev api.AuditEvent) bool {
		return ev.Code == codeCall && ev.Server == "gosrv" && ev.Tool == "echo"
	})
	if ev == nil {
		t.Fatal("no gosrv echo call event")
	}
	seq := strconv.FormatInt(ev.Seq, 10)
	var shown api.AuditEvent
	e.cli.json(t, &shown, "audit", "show", seq, "--json")
	if diff := cmp.Diff(*ev, shown, compactJSON); diff != "" {
		t.Errorf("audit show %s --json differs from audit list (-list +show):\n%s", seq, diff)
	}
	out := e.cli.ok(t, "audit", "show", seq)
	for _, want := range []string{
		seq, codeCall, adminEmail, e.tokenID, clientName + " " + clientVersion, endpoint, "gosrv", "echo",
		"Request:", `"text": "structured hello"`, "Response:", `"structuredContent"`, `"length": 16`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("audit show %s lacks %q:\n%s", seq, want, out)
		}
	}
}

// compactJSON compares JSON documents without regard to their layout: the
// CLI indents the raw request and response inside its --json output.
var compactJSON = cmp.Transformer("compact", func(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
})

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
