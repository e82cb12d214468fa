package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestShowRedacts(t *testing.T) {
	c := Default()
	c.MasterKey = "bWFzdGVyLWtleS1zZWNyZXQ="
	c.DatabaseURL = "postgres://sb:dbpassw0rd@db:5432/sb"
	out, err := c.Show()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got["master_key"] != "[redacted]" || got["database_url"] != "postgres://sb:xxxxx@db:5432/sb" {
		t.Errorf("show = %s", out)
	}
	if got["log"].(map[string]any)["level"] != "info" {
		t.Errorf("show lost nested fields: %s", out)
	}
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", c, "key", c.MasterKey)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", c, "key", c.MasterKey)
	raw, _ := json.Marshal(c)
	for _, s := range []string{string(out), string(raw), c.String(), fmt.Sprintf("%v %+v %s %#v", c, c, c, c), logs.String()} {
		if strings.Contains(s, "bWFzdGVy") || strings.Contains(s, "dbpassw0rd") {
			t.Errorf("secret leaked: %s", s)
		}
	}
	if c.MasterKey.Reveal() != "bWFzdGVyLWtleS1zZWNyZXQ=" {
		t.Error("Redacted changed the original")
	}
}

func TestShowUnsetSecret(t *testing.T) {
	out, err := Default().Show()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"master_key": ""`) {
		t.Errorf("unset master_key should show as empty: %s", out)
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"":                            "",
		"postgres://db/sb":            "postgres://db/sb",
		"postgres://u@db/sb":          "postgres://u@db/sb",
		"postgres://u:p@db/sb?x=1":    "postgres://u:xxxxx@db/sb?x=1",
		"postgres://u:p%zz@db/broken": "[redacted]",
	}
	for in, want := range tests {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
