package telemetry

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	tests := []struct {
		level, format string
		debugOn       bool
		json          bool
	}{
		{"info", "text", false, false},
		{"debug", "json", true, true},
		{"WARN", "JSON", false, true},
		{"error", "text", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.level+"/"+tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := NewLogger(&buf, tt.level, tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Enabled(t.Context(), slog.LevelDebug); got != tt.debugOn {
				t.Errorf("debug enabled = %v", got)
			}
			l.Error("boom", "k", "v")
			if isJSON := json.Valid(bytes.TrimSpace(buf.Bytes())); isJSON != tt.json {
				t.Errorf("json output = %v: %s", isJSON, buf.String())
			}
		})
	}
}

func TestNewLoggerRejects(t *testing.T) {
	for _, in := range [][2]string{{"verbose", "text"}, {"info", "xml"}, {"", ""}} {
		if _, err := NewLogger(&bytes.Buffer{}, in[0], in[1]); err == nil {
			t.Errorf("NewLogger(%q, %q): no error", in[0], in[1])
		}
	}
}

func TestLoggerDropsSensitiveKeys(t *testing.T) {
	var buf bytes.Buffer
	l, err := NewLogger(&buf, "debug", "json")
	if err != nil {
		t.Fatal(err)
	}
	l.Info("oops", "Authorization", "Bearer sbt_leak1", slog.Group("req", "password", "leak2", "cookie", "leak3"),
		"refresh_token", "leak4", "token_id", "tok_123")
	out := buf.String()
	if strings.Contains(out, "leak") {
		t.Errorf("sensitive value logged: %s", out)
	}
	if !strings.Contains(out, "tok_123") {
		t.Errorf("ordinary attribute dropped: %s", out)
	}
}
