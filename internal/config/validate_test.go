package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" = valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"all interfaces", func(c *Config) { c.Addr = ":8080" }, ""},
		{"port zero", func(c *Config) { c.Addr = "127.0.0.1:0" }, ""},
		{"no port", func(c *Config) { c.Addr = "127.0.0.1" }, "addr: must be host:port"},
		{"port too big", func(c *Config) { c.Addr = "127.0.0.1:70000" }, "addr: must be host:port"},
		{"named port", func(c *Config) { c.Addr = "127.0.0.1:http" }, "addr: must be host:port"},
		{"no data dir", func(c *Config) { c.DataDir = "" }, "data_dir: required"},
		{"postgres", func(c *Config) { c.DatabaseURL = "postgres://u:p@db:5432/sb?sslmode=disable" }, ""},
		{"postgresql", func(c *Config) { c.DatabaseURL = "postgresql://db/sb" }, ""},
		{"mysql", func(c *Config) { c.DatabaseURL = "mysql://db/sb" }, "database_url: must be a postgres://"},
		{"no key source", func(c *Config) { c.MasterKeyFile = "" }, "master_key_file: required unless"},
		{"env key only", func(c *Config) { c.MasterKeyFile, c.MasterKey = "", "k" }, ""},
		{"https public url with path", func(c *Config) { c.PublicURL = "https://x.example.com/sb" }, ""},
		{"public url relative", func(c *Config) { c.PublicURL = "/sb" }, "public_url: must be an absolute"},
		{"public url query", func(c *Config) { c.PublicURL = "https://x/?a=b" }, "public_url: must be an absolute"},
		{"public url ftp", func(c *Config) { c.PublicURL = "ftp://x" }, "public_url: must be an absolute"},
		{"log level", func(c *Config) { c.Log.Level = "INFO" }, "log.level: must be one of debug, info, warn, error"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format: must be one of text, json"},
		{"payload small", func(c *Config) { c.Audit.MaxPayloadBytes = 1023 }, "audit.max_payload_bytes: must be at least 1024"},
		{"checkpoints off", func(c *Config) { c.Audit.CheckpointEvery, c.Audit.CheckpointInterval = 0, Duration{} }, ""},
		{"checkpoint every negative", func(c *Config) { c.Audit.CheckpointEvery = -1 }, "audit.checkpoint_every: must be 0"},
		{"checkpoint interval tiny", func(c *Config) { c.Audit.CheckpointInterval = Duration{time.Millisecond} }, "audit.checkpoint_interval: must be 0"},
		{"retention negative", func(c *Config) { c.Audit.RetentionDays = -1 }, "audit.retention_days: must be 0"},
		{"timeout small", func(c *Config) { c.Gateway.CallTimeout = Duration{time.Millisecond} }, "gateway.call_timeout: must be at least 1s"},
		{"response small", func(c *Config) { c.Gateway.MaxResponseBytes = -1 }, "gateway.max_response_bytes: must be at least 1024"},
		{"access ttl long", func(c *Config) { c.OAuth.AccessTokenTTL = Duration{48 * time.Hour} }, "oauth.access_token_ttl: must be between 1m and 24h"},
		{"client ttl short", func(c *Config) { c.OAuth.ClientTTL = Duration{time.Minute} }, "oauth.client_ttl: must be at least 1h"},
		{"extra duration", func(c *Config) { c.OAuth.ExtraDuration = Duration{-time.Hour} }, "oauth.extra_duration: must be 0"},
		{"extra duration ok", func(c *Config) { c.OAuth.ExtraDuration = Duration{180 * 24 * time.Hour} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEverything(t *testing.T) {
	c := Config{Gateway: GatewayConfig{CallTimeout: Duration{-time.Second}}}
	err := c.Validate()
	for _, path := range []string{"addr", "data_dir", "master_key_file", "public_url", "log.level", "log.format",
		"audit.max_payload_bytes", "gateway.call_timeout", "gateway.max_response_bytes",
		"oauth.access_token_ttl", "oauth.client_ttl"} {
		if !strings.Contains(err.Error(), "\n"+path+": ") && !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("no problem reported for %s in:\n%v", path, err)
		}
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok || len(joined.Unwrap()) != 11 {
		t.Errorf("want 11 joined errors, got %v", err)
	}
	if errors.Unwrap(err) != nil {
		t.Error("joined error unexpectedly has a single Unwrap")
	}
}

func TestValidateIsPure(t *testing.T) {
	c := Default()
	c.Log.Level = "nope"
	before := c
	_ = c.Validate()
	if !reflect.DeepEqual(c, before) {
		t.Error("Validate changed the config")
	}
}
