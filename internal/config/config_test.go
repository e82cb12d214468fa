package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefault(t *testing.T) {
	want := Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "./switchboard-data",
		MasterKeyFile: filepath.Join("switchboard-data", "master.key"),
		PublicURL:     "http://127.0.0.1:8080",
		Log:           LogConfig{Level: "info", Format: "text"},
		Audit:         AuditConfig{MaxPayloadBytes: 1 << 20, FailClosed: true, CheckpointEvery: 1000, CheckpointInterval: Duration{time.Minute}},
		Gateway:       GatewayConfig{CallTimeout: Duration{60 * time.Second}, MaxResponseBytes: 4 << 20},
		SSO:           SSOConfig{Scopes: List{"openid", "email", "profile"}, DefaultRole: "member"},
		OAuth:         OAuthConfig{AccessTokenTTL: Duration{time.Hour}, ClientTTL: Duration{720 * time.Hour}},
	}
	got := Default()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Default() mismatch (-want +got):\n%s", diff)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	if p := got.DatabasePath(); p != filepath.Join("switchboard-data", "switchboard.db") {
		t.Errorf("DatabasePath = %q", p)
	}
}

func TestBrowsableAddr(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		":8080":          "localhost:8080",
		"0.0.0.0:80":     "localhost:80",
		"[::]:443":       "localhost:443",
		"[::1]:9":        "[::1]:9",
		"bad":            "bad",
	}
	for in, want := range tests {
		if got := browsableAddr(in); got != want {
			t.Errorf("browsableAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDatabasePathWithURL(t *testing.T) {
	c := Default()
	c.DatabaseURL = "postgres://db/sb"
	if p := c.DatabasePath(); p != "" {
		t.Errorf("DatabasePath with a URL = %q, want empty", p)
	}
}
