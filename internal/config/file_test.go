package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFile(t *testing.T) {
	c := defaults()
	err := parseFile(&c, []byte(`{
		"addr": "0.0.0.0:80",
		"log": {"level": "debug"},
		"audit": {"max_payload_bytes": 4096, "fail_closed": false},
		"gateway": {"call_timeout": "1m30s", "disable_localhost_protection": true}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:80" || c.Log.Level != "debug" || c.Log.Format != "text" ||
		c.Audit.MaxPayloadBytes != 4096 || c.Audit.FailClosed ||
		c.Gateway.CallTimeout.Duration != 90*time.Second || !c.Gateway.DisableLocalhostProtection {
		t.Errorf("after file: %+v", c)
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown top key", `{"adr": "x"}`, []string{"adr: unknown key"}},
		{"unknown nested key", `{"log": {"lvl": "debug"}}`, []string{"log.lvl: unknown key"}},
		{"wrong case", `{"Addr": "x"}`, []string{"Addr: unknown key"}},
		{"all problems", `{"x": 1, "log": {"y": 2}, "audit": {"fail_closed": "yes"}}`, []string{
			"x: unknown key", "log.y: unknown key", "audit.fail_closed: must be true or false"}},
		{"secret in file", `{"master_key": "abc"}`, []string{"master_key: not allowed in the config file"}},
		{"bare number duration", `{"gateway": {"call_timeout": 60}}`, []string{"gateway.call_timeout: must be a duration"}},
		{"bad duration", `{"gateway": {"call_timeout": "soon"}}`, []string{"gateway.call_timeout: must be a duration"}},
		{"fraction", `{"audit": {"max_payload_bytes": 1.5}}`, []string{"audit.max_payload_bytes: must be a whole number"}},
		{"number as string", `{"addr": 8080}`, []string{"addr: must be a string"}},
		{"section not object", `{"log": "debug"}`, []string{"log: must be an object"}},
		{"syntax", "{\n  \"addr\": \"x\",\n}", []string{"line 3, column 2"}},
		{"trailing data", `{} {}`, []string{"unexpected data"}},
		{"array", `[]`, []string{"cannot unmarshal"}},
		{"null", `null`, []string{"want a JSON object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaults()
			assertMessages(t, parseFile(&c, []byte(tt.doc)), tt.want)
		})
	}
}

func TestParseFileEmptyAndNull(t *testing.T) {
	for _, doc := range []string{"", " \n", "{}", `{"log": {}, "gateway": {"call_timeout": null}}`} {
		c := defaults()
		if err := parseFile(&c, []byte(doc)); err != nil {
			t.Errorf("parseFile(%q): %v", doc, err)
		}
		if c.Gateway.CallTimeout.Duration != time.Minute {
			t.Errorf("parseFile(%q) changed call_timeout", doc)
		}
	}
}

func TestLoadFileNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.json")
	if err := os.WriteFile(path, []byte(`{"nope": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := defaults()
	err := loadFile(&c, path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nope: unknown key") {
		t.Fatalf("err = %v", err)
	}
	if err := loadFile(&c, filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing config file is not an error")
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte(`{"addr":"127.0.0.1:1","log":{"level":"debug"},"gateway":{"call_timeout":"5s"}}`))
	f.Add([]byte(`{"audit":{"max_payload_bytes":1e99,"fail_closed":null}}`))
	f.Add([]byte(`{"log":[1,2],"x":{}}`))
	f.Add([]byte("{\"master_key\":\"\\u0000\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := defaults()
		if err := parseFile(&c, data); err != nil {
			return
		}
		_ = c.Validate()
		_, _ = c.Show()
	})
}
