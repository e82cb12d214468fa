package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSSOURL(t *testing.T) {
	for target, want := range map[string]string{
		"":                 "/login/sso",
		"/":                "/login/sso",
		"/consent?a=b&c=d": "/login/sso?return_to=%2Fconsent%3Fa%3Db%26c%3Dd",
	} {
		if got := ssoURL(target); got != want {
			t.Errorf("ssoURL(%q) = %q, want %q", target, got, want)
		}
	}
}

func TestReadFlowRefusesBadCookies(t *testing.T) {
	e := newEnv(t, "https://sb.example.com")
	now := time.Now()
	enc := func(f ssoFlow) string {
		raw, _ := json.Marshal(f)
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	good := ssoFlow{State: "s", Nonce: "n", Verifier: "v", ReturnTo: "/consent?x=1", Expires: now.Add(time.Minute).Unix()}
	tests := map[string]struct {
		value string
		ok    bool
	}{
		"good":            {enc(good), true},
		"no cookie":       {"", false},
		"not base64":      {"%%%", false},
		"not json":        {base64.RawURLEncoding.EncodeToString([]byte("{")), false},
		"expired":         {enc(ssoFlow{State: "s", ReturnTo: "/", Expires: now.Add(-time.Second).Unix()}), false},
		"foreign return":  {enc(ssoFlow{State: "s", ReturnTo: "//evil.example", Expires: now.Add(time.Minute).Unix()}), false},
		"absolute return": {enc(ssoFlow{State: "s", ReturnTo: "https://evil.example/", Expires: now.Add(time.Minute).Unix()}), false},
	}
	for name, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/login/sso/callback", nil)
		if tt.value != "" {
			r.AddCookie(&http.Cookie{Name: e.h.cookie.sso, Value: tt.value})
		}
		got := e.h.readFlow(r)
		if (got != ssoFlow{}) != tt.ok {
			t.Errorf("%s: readFlow = %+v, want ok=%v", name, got, tt.ok)
		}
	}
	if e.h.cookie.sso != "__Host-sb_sso" {
		t.Errorf("flow cookie over https is %q, want the __Host- prefix", e.h.cookie.sso)
	}
}

func TestSSORoutesWithoutSSO(t *testing.T) {
	e := newEnv(t, "http://127.0.0.1:8080")
	for _, path := range []string{"/login/sso", "/login/sso/callback?state=x&code=y"} {
		if w := e.serve("GET", path, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s without SSO: %d, want 404", path, w.Code)
		}
	}
	if w := e.serve("GET", "/login", nil); strings.Contains(w.Body.String(), "/login/sso") {
		t.Error("the sign-in page links to SSO, which is off")
	}
}
