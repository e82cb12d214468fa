package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestServiceAccountCreateList(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "service-account", "create", "ci", "--description", "GitHub Actions")
	if r.code != 0 || !strings.Contains(r.out, "sa_new") || !strings.Contains(r.out, "endpoint grant ENDPOINT --service-account ci") {
		t.Fatalf("exit %d: %s %s", r.code, r.out, r.err)
	}
	var body api.CreateServiceAccountRequest
	_ = json.Unmarshal(h.api.last(t).Body, &body)
	if body != (api.CreateServiceAccountRequest{Name: "ci", Description: "GitHub Actions"}) {
		t.Errorf("body = %+v", body)
	}
	r = h.run(t, "", "service-account", "list")
	if r.code != 0 || !strings.Contains(r.out, "ci") || !strings.Contains(r.out, "dev") || strings.Contains(r.out, "old") {
		t.Errorf("list: exit %d:\n%s", r.code, r.out)
	}
}

func TestTokenCreateServiceAccount(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "token", "create", "--service-account", "ci", "--endpoint", "dev", "--expires", "720h")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	last := h.api.last(t)
	var body api.CreateServiceAccountTokenRequest
	_ = json.Unmarshal(last.Body, &body)
	if last.Path != "/api/v1/service-accounts/ci/tokens" || body != (api.CreateServiceAccountTokenRequest{Endpoint: "dev", ExpiresIn: "720h0m0s"}) &&
		body != (api.CreateServiceAccountTokenRequest{Endpoint: "dev", ExpiresIn: "720h"}) {
		t.Errorf("request %s %+v", last.Path, body)
	}
	if strings.TrimSpace(r.out) != "sbt_sa_SECRET" {
		t.Errorf("stdout = %q, want the token alone", r.out)
	}
	for _, args := range [][]string{
		{"token", "create", "--service-account", "ci", "--expires", "720h"},
		{"token", "create", "--service-account", "ci", "--endpoint", "dev"},
	} {
		if r := h.run(t, "", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, %q", args, r.code, r.err)
		}
	}
}

func TestEndpointGrantServiceAccount(t *testing.T) {
	h := newHarness(t)
	if r := h.run(t, "", "endpoint", "grant", "dev", "--service-account", "ci"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var body api.GrantEndpointRequest
	_ = json.Unmarshal(h.api.last(t).Body, &body)
	if !reflect.DeepEqual(body, api.GrantEndpointRequest{ServiceAccount: "ci"}) {
		t.Errorf("body = %+v", body)
	}
	if r := h.run(t, "", "endpoint", "grant", "dev", "--service-account", "ci", "--group", "g"); r.code != ExitUsage {
		t.Errorf("two principals: exit %d", r.code)
	}
}

func TestTokenRevokeServiceAccount(t *testing.T) {
	h := newHarness(t)
	if r := h.run(t, "", "token", "revoke", "--service-account", "ci", "tok_1"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if last := h.api.last(t); last.Method != "DELETE" || last.Path != "/api/v1/service-accounts/ci/tokens/tok_1" {
		t.Errorf("request %s %s", last.Method, last.Path)
	}
}
