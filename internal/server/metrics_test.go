package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestGuardMetrics: without a token only loopback clients scrape; with
// one, exactly that bearer token, from anywhere.
func TestGuardMetrics(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("metrics")) })
	for _, tc := range []struct {
		name, token, remote, auth string
		want                      int
	}{
		{"no token, loopback v4", "", "127.0.0.1:5000", "", 200},
		{"no token, loopback v6", "", "[::1]:5000", "", 200},
		{"no token, remote", "", "192.0.2.7:5000", "", 403},
		{"token, right", "m3tr1cs", "192.0.2.7:5000", "Bearer m3tr1cs", 200},
		{"token, wrong", "m3tr1cs", "192.0.2.7:5000", "Bearer nope", 401},
		{"token, missing, even on loopback", "m3tr1cs", "127.0.0.1:5000", "", 401},
		{"token, other scheme", "m3tr1cs", "127.0.0.1:5000", "Basic m3tr1cs", 401},
	} {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = tc.remote
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		guardMetrics(ok, tc.token).ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.want)
		}
	}
}
