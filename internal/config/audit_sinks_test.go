package config

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const sinksDoc = `{"audit": {"sinks": [
	{"name": "trail", "type": "file", "path": "audit/audit.jsonl", "max_bytes": 2048, "keep": 3},
	{"name": "splunk", "type": "webhook", "url": "https://splunk.example:8088/services/collector/event",
	 "token": "hec-s3cret", "max_events": 200, "max_wait": "2s"},
	{"name": "logs", "type": "stdout"}
]}}`

func TestAuditSinksFromFile(t *testing.T) {
	c := Default()
	if err := parseFile(&c, []byte(sinksDoc)); err != nil {
		t.Fatal(err)
	}
	want := AuditSinks{
		{Name: "trail", Type: SinkFile, Path: "audit/audit.jsonl", MaxBytes: 2048, Keep: 3},
		{Name: "splunk", Type: SinkWebhook, URL: "https://splunk.example:8088/services/collector/event",
			Token: "hec-s3cret", MaxEvents: 200, MaxWait: Duration{2 * time.Second}},
		{Name: "logs", Type: SinkStdout},
	}
	if d := cmp.Diff(want, c.Audit.Sinks); d != "" {
		t.Errorf("sinks (-want +got):\n%s", d)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid sinks: %v", err)
	}
	out, err := c.Show()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hec-s3cret") || !strings.Contains(string(out), `"token": "[redacted]"`) {
		t.Errorf("config show does not redact the token:\n%s", out)
	}
	if s := c.Audit.Sinks.String() + c.String(); strings.Contains(s, "hec-s3cret") {
		t.Errorf("String leaks the token: %s", s)
	}
	if c.Audit.Sinks[1].Token.Reveal() != "hec-s3cret" {
		t.Error("Show changed the token")
	}
}

func TestAuditSinksFromEnvAndFlag(t *testing.T) {
	c, err := Load(LoadArgs{Env: []string{`SWITCHBOARD_AUDIT_SINKS=[{"name":"logs","type":"stdout"}]`}})
	if err != nil || len(c.Audit.Sinks) != 1 || c.Audit.Sinks[0].Name != "logs" {
		t.Errorf("from env: %+v, %v", c.Audit.Sinks, err)
	}
	_, err = Load(LoadArgs{Env: []string{`SWITCHBOARD_AUDIT_SINKS=[{"name":"x","type":"stdout","bogus":1}]`}})
	if err == nil || !strings.Contains(err.Error(), "SWITCHBOARD_AUDIT_SINKS: audit.sinks: [0].bogus: unknown key") {
		t.Errorf("bad env: %v", err)
	}
}

func TestAuditSinksDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"not a list", `{"audit": {"sinks": {"name": "x"}}}`, []string{"audit.sinks: must be an array of sink objects"}},
		{"every bad key", `{"audit": {"sinks": [{"name": "a", "type": "file", "pth": "x", "keep": "3"},
			{"name": 7, "max_wait": 5}]}}`, []string{
			"audit.sinks: [0].keep: must be a whole number; [0].pth: unknown key; ",
			"[1].name: must be a string", `[1].max_wait: must be a duration such as "60s"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := defaults()
			err := parseFile(&c, []byte(tc.doc))
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestAuditSinksValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		sink AuditSink
		want []string // each must appear; none = valid
	}{
		{"file", AuditSink{Name: "f", Type: "file", Path: "a.jsonl"}, nil},
		{"webhook on loopback http", AuditSink{Name: "w", Type: "webhook", URL: "http://127.0.0.1:8088/x"}, nil},
		{"no name, no type", AuditSink{}, []string{"audit.sinks[0].name: required", "audit.sinks[0].type: must be one of file, webhook, stdout"}},
		{"bad name", AuditSink{Name: "My Sink", Type: "stdout"}, []string{"audit.sinks[0].name: must be 1-63 lower-case"}},
		{"file needs path", AuditSink{Name: "f", Type: "file", MaxBytes: 10, Keep: -1},
			[]string{"audit.sinks[0].path: required for a file sink", "audit.sinks[0].max_bytes: must be at least 1024", "audit.sinks[0].keep: must be from 1 to 1000"}},
		{"webhook needs url", AuditSink{Name: "w", Type: "webhook"}, []string{"audit.sinks[0].url: required for a webhook sink"}},
		{"plain http", AuditSink{Name: "w", Type: "webhook", URL: "http://splunk.example/x"}, []string{"audit.sinks[0].url: must be an https:// URL"}},
		{"credentials in url", AuditSink{Name: "w", Type: "webhook", URL: "https://u:p@splunk.example/x"}, []string{"audit.sinks[0].url: must be an https:// URL"}},
		{"keys of another type", AuditSink{Name: "s", Type: "stdout", Path: "x", URL: "https://x", Token: "t", Keep: 2},
			[]string{"audit.sinks[0].path: only for file sinks", "audit.sinks[0].url: only for webhook sinks", "audit.sinks[0].token: only for webhook sinks", "audit.sinks[0].keep: only for file sinks"}},
		{"batch limits", AuditSink{Name: "s", Type: "stdout", MaxEvents: 5000, MaxWait: Duration{time.Hour}},
			[]string{"audit.sinks[0].max_events: must be from 1 to 1000", "audit.sinks[0].max_wait: must be from 0s to 1m0s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Audit.Sinks = AuditSinks{tc.sink}
			err := c.Validate()
			if len(tc.want) == 0 && err != nil {
				t.Fatalf("valid sink: %v", err)
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestAuditSinksDuplicateNames(t *testing.T) {
	c := Default()
	c.Audit.Sinks = AuditSinks{{Name: "a", Type: "stdout"}, {Name: "b", Type: "stdout"}, {Name: "a", Type: "stdout"}}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), `audit.sinks[2].name: "a" is used by audit.sinks[0] too`) {
		t.Errorf("err = %v", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 1 {
		t.Errorf("want exactly one problem, got %v", err)
	}
}

func TestAuditSinksJSONRoundTrip(t *testing.T) {
	in := AuditSinks{{Name: "w", Type: "webhook", URL: "https://x/y", MaxWait: Duration{time.Second}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out AuditSinks
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}
