package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Audit sink types.
const (
	SinkFile    = "file"
	SinkWebhook = "webhook"
	SinkStdout  = "stdout"
)

var sinkTypes = []string{SinkFile, SinkWebhook, SinkStdout}

// Limits of an audit sink, checked by Validate.
const (
	MinSinkFileBytes = 1 * KiB
	MaxSinkKeep      = 1000
	MaxSinkEvents    = 1000
	MaxSinkWait      = time.Minute
)

// AuditSink is one destination that the audit trail is streamed to, at
// least once, from a cursor kept in the database (so renaming a sink
// starts it over). Zero values take the type's defaults.
type AuditSink struct {
	Name string `json:"name"`
	Type string `json:"type"` // file | webhook | stdout

	// file: JSON lines, rotated by size. A relative path is inside data_dir.
	Path     string `json:"path,omitzero"`
	MaxBytes int64  `json:"max_bytes,omitzero"` // rotate before this size; default 100 MiB
	Keep     int64  `json:"keep,omitzero"`      // rotated files kept; default 5

	// webhook: Splunk HEC events POSTed over https.
	URL   string `json:"url,omitzero"`
	Token Secret `json:"token,omitzero"` // sent as "Authorization: Splunk <token>"

	// Any type: events per delivery (default 100) and how long a partial
	// batch waits for more (default 1s for webhooks, 0 otherwise).
	MaxEvents int64    `json:"max_events,omitzero"`
	MaxWait   Duration `json:"max_wait,omitzero"`
}

// AuditSinks is the audit.sinks list. Its JSON form is strict: unknown
// keys and values of the wrong type are errors that name the key.
type AuditSinks []AuditSink

// sinkKeys maps each JSON key of an AuditSink to its field.
var sinkKeys = map[string]func(s *AuditSink) any{
	"name": func(s *AuditSink) any { return &s.Name }, "type": func(s *AuditSink) any { return &s.Type },
	"path": func(s *AuditSink) any { return &s.Path }, "max_bytes": func(s *AuditSink) any { return &s.MaxBytes },
	"keep": func(s *AuditSink) any { return &s.Keep }, "url": func(s *AuditSink) any { return &s.URL },
	"token":      func(s *AuditSink) any { return &s.Token },
	"max_events": func(s *AuditSink) any { return &s.MaxEvents },
	"max_wait":   func(s *AuditSink) any { return &s.MaxWait },
}

// UnmarshalJSON decodes a JSON array of sink objects, reporting every
// unknown key and bad value on one line as "[i].key: problem; …".
func (s *AuditSinks) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var raws []map[string]json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return errors.New(`must be an array of sink objects, e.g. [{"name": "trail", "type": "file", "path": "audit.jsonl"}]`)
	}
	out := make(AuditSinks, len(raws))
	var errs []string
	for i, obj := range raws {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := decodeSinkKey(&out[i], k, obj[k]); err != nil {
				errs = append(errs, fmt.Sprintf("[%d].%s: %v", i, k, err))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	*s = out
	return nil
}

func decodeSinkKey(s *AuditSink, key string, raw json.RawMessage) error {
	ptr, ok := sinkKeys[key]
	if !ok {
		return errors.New("unknown key")
	}
	p := ptr(s)
	if err := json.Unmarshal(raw, p); err != nil {
		switch p.(type) {
		case *int64:
			return errNumber
		case *Duration:
			return errDuration
		}
		return errors.New("must be a string")
	}
	return nil
}

// String renders the list as JSON, with tokens redacted.
func (s AuditSinks) String() string {
	if len(s) == 0 {
		return "[]"
	}
	b, _ := json.Marshal([]AuditSink(s))
	return string(b)
}

var sinkNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// validate reports every problem of every sink, each prefixed with its
// path, e.g. "audit.sinks[1].url: …".
func (s AuditSinks) validate() []error {
	var errs []error
	seen := map[string]int{}
	for i, sk := range s {
		check := func(bad bool, key, msg string) {
			if bad {
				errs = append(errs, fmt.Errorf("audit.sinks[%d].%s: %s", i, key, msg))
			}
		}
		prev, dup := seen[sk.Name]
		check(sk.Name == "", "name", "required: it names the sink's delivery cursor")
		check(sk.Name != "" && !sinkNameRE.MatchString(sk.Name), "name", "must be 1-63 lower-case letters, digits, _ or -")
		check(sk.Name != "" && dup, "name", fmt.Sprintf("%q is used by audit.sinks[%d] too", sk.Name, prev))
		seen[sk.Name] = i
		check(!slices.Contains(sinkTypes, sk.Type), "type", "must be one of "+strings.Join(sinkTypes, ", "))
		check(sk.MaxEvents < 0 || sk.MaxEvents > MaxSinkEvents, "max_events", fmt.Sprintf("must be from 1 to %d", MaxSinkEvents))
		check(sk.MaxWait.Duration < 0 || sk.MaxWait.Duration > MaxSinkWait, "max_wait", fmt.Sprintf("must be from 0s to %v", MaxSinkWait))
		sk.validateType(check)
	}
	return errs
}

// validateType checks the keys that depend on the sink's type.
func (sk AuditSink) validateType(check func(bad bool, key, msg string)) {
	file, hook := sk.Type == SinkFile, sk.Type == SinkWebhook
	check(file && sk.Path == "", "path", "required for a file sink")
	check(file && sk.MaxBytes != 0 && sk.MaxBytes < MinSinkFileBytes, "max_bytes", fmt.Sprintf("must be at least %d", MinSinkFileBytes))
	check(file && (sk.Keep < 0 || sk.Keep > MaxSinkKeep), "keep", fmt.Sprintf("must be from 1 to %d", MaxSinkKeep))
	check(hook && sk.URL == "", "url", "required for a webhook sink")
	check(hook && sk.URL != "" && !validSinkURL(sk.URL), "url",
		"must be an https:// URL without credentials (http:// only for a loopback host)")
	known := slices.Contains(sinkTypes, sk.Type)
	check(known && !file && sk.Path != "", "path", "only for file sinks")
	check(known && !file && sk.MaxBytes != 0, "max_bytes", "only for file sinks")
	check(known && !file && sk.Keep != 0, "keep", "only for file sinks")
	check(known && !hook && sk.URL != "", "url", "only for webhook sinks")
	check(known && !hook && sk.Token != "", "token", "only for webhook sinks")
}

// validSinkURL accepts https, or http to a loopback host (tests, local
// relays). It mirrors sink.CheckWebhookURL; config imports nothing
// internal.
func validSinkURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback())
}
