package config

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateSSO(t *testing.T) {
	on := func(c *Config) {
		c.SSO.IssuerURL, c.SSO.ClientID = "https://idp.example.com", "switchboard"
	}
	tests := []struct {
		name   string
		change func(c *Config)
		want   []string // every message expected; nil = valid
	}{
		{"off", func(c *Config) {}, nil},
		{"on", on, nil},
		{"loopback http issuer", func(c *Config) { on(c); c.SSO.IssuerURL = "http://127.0.0.1:5556/dex" }, nil},
		{"jit with domains", func(c *Config) {
			on(c)
			c.SSO.JIT, c.SSO.AllowedDomains, c.SSO.GroupsClaim = true, List{"example.com", "corp.example.org"}, "groups"
		}, nil},
		{"settings without issuer", func(c *Config) {
			c.SSO.ClientID, c.SSO.ClientSecret, c.SSO.JIT, c.SSO.GroupsClaim = "x", "s", true, "groups"
			c.SSO.AllowedDomains = List{"example.com"}
		}, []string{"sso.client_id: set sso.issuer_url", "sso.client_secret: set sso.issuer_url",
			"sso.jit: set sso.issuer_url", "sso.allowed_domains: set sso.issuer_url", "sso.groups_claim: set sso.issuer_url"}},
		{"plain http issuer", func(c *Config) { on(c); c.SSO.IssuerURL = "http://idp.example.com" }, []string{"sso.issuer_url: must be an absolute https://"}},
		{"issuer with query", func(c *Config) { on(c); c.SSO.IssuerURL = "https://idp.example.com/?x=1" }, []string{"sso.issuer_url:"}},
		{"relative issuer", func(c *Config) { on(c); c.SSO.IssuerURL = "idp.example.com" }, []string{"sso.issuer_url:"}},
		{"no client id", func(c *Config) { on(c); c.SSO.ClientID = " " }, []string{"sso.client_id: required"}},
		{"no openid scope", func(c *Config) { on(c); c.SSO.Scopes = List{"email"} }, []string{`sso.scopes: must include "openid"`}},
		{"bad scope", func(c *Config) { on(c); c.SSO.Scopes = List{"openid", `a"b`} }, []string{`sso.scopes: "a\"b" is not a valid scope`}},
		{"domains without jit", func(c *Config) { on(c); c.SSO.AllowedDomains = List{"example.com"} }, []string{"sso.allowed_domains: applies only"}},
		{"bad domain", func(c *Config) { on(c); c.SSO.JIT, c.SSO.AllowedDomains = true, List{"@Example.com"} }, []string{`sso.allowed_domains: "@Example.com"`}},
		{"bad claim", func(c *Config) { on(c); c.SSO.GroupsClaim = "my groups" }, []string{"sso.groups_claim: must be a claim name"}},
		{"bad role", func(c *Config) { on(c); c.SSO.DefaultRole = "Root Users" }, []string{"sso.default_role: must be one of admin, editor, auditor, member, or the name of a custom role"}},
		{"custom role name", func(c *Config) { on(c); c.SSO.DefaultRole = "team-a-viewer" }, nil},
		{"everything at once", func(c *Config) {
			c.SSO = SSOConfig{IssuerURL: "ftp://x", Scopes: List{"email"}, DefaultRole: "", GroupsClaim: "a b"}
		}, []string{"sso.issuer_url:", "sso.client_id:", "sso.scopes:", "sso.groups_claim:", "sso.default_role:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestSSOLayers(t *testing.T) {
	file := `{"sso": {"issuer_url": "https://idp.example.com", "client_id": "sb", "scopes": ["openid", "groups"], "jit": true}}`
	var c Config = defaults()
	if err := parseFile(&c, []byte(file)); err != nil {
		t.Fatal(err)
	}
	err := applyEnv(&c, []string{"SWITCHBOARD_SSO_CLIENT_SECRET=s3cr3t-value", "SWITCHBOARD_SSO_ALLOWED_DOMAINS=example.com, example.org"})
	if err != nil {
		t.Fatal(err)
	}
	want := SSOConfig{IssuerURL: "https://idp.example.com", ClientID: "sb", ClientSecret: "s3cr3t-value",
		Scopes: List{"openid", "groups"}, JIT: true, AllowedDomains: List{"example.com", "example.org"}, DefaultRole: "member"}
	if d := cmp.Diff(want, c.SSO); d != "" {
		t.Errorf("sso (-want +got):\n%s", d)
	}
	out, err := c.Show()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "s3cr3t") || !strings.Contains(string(out), `"client_secret": "[redacted]"`) {
		t.Errorf("config show does not redact the client secret:\n%s", out)
	}
	var shown struct {
		SSO struct {
			Scopes []string `json:"scopes"`
		} `json:"sso"`
	}
	if err := json.Unmarshal(out, &shown); err != nil || len(shown.SSO.Scopes) != 2 {
		t.Errorf("scopes shown as %v (%v)", shown.SSO.Scopes, err)
	}
}

func TestSSOSecretNotInFile(t *testing.T) {
	c := defaults()
	err := parseFile(&c, []byte(`{"sso": {"client_secret": "x", "scopes": "openid"}}`))
	for _, w := range []string{"sso.client_secret: not allowed in the config file; set SWITCHBOARD_SSO_CLIENT_SECRET",
		"sso.scopes: must be an array of strings"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want %q", err, w)
		}
	}
	if errors.Is(err, nil) || strings.Contains(err.Error(), "master_key_file") {
		t.Errorf("err = %v mentions master_key_file", err)
	}
}
