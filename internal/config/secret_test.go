package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("hunter2")
	var outs []string
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, struct{ K Secret }{s}))
	}
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("m", "k", s)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "k", s)
	j, _ := json.Marshal(struct{ K Secret }{s})
	outs = append(outs, logs.String(), string(j))
	for _, o := range outs {
		if strings.Contains(o, "hunter2") || strings.Contains(o, fmt.Sprintf("%x", "hunter2")) {
			t.Errorf("leaked: %s", o)
		}
	}
	if s.Reveal() != "hunter2" || Secret("").String() != "" || s.String() != "[redacted]" {
		t.Error("Reveal/String")
	}
}
