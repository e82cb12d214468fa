package telemetry

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestLogRequestsNeverLogsSecrets sends credentials in every place a
// client can put them and checks the debug log holds none of them.
func TestLogRequestsNeverLogsSecrets(t *testing.T) {
	secrets := []string{"sbt_supersecret", "sessioncookie123", "proxypass", "querycode999", "bodysecret", "respcookie"}
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var logs bytes.Buffer
			logger, err := NewLogger(&logs, "debug", format)
			if err != nil {
				t.Fatal(err)
			}
			h := AssignRequestID(LogRequests(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				http.SetCookie(w, &http.Cookie{Name: "s", Value: "respcookie"})
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte("ok"))
			})))
			req := httptest.NewRequest("POST", "/oauth/token?code=querycode999&state=x", strings.NewReader("bodysecret"))
			req.Header.Set("Authorization", "Bearer sbt_supersecret")
			req.Header.Set("Proxy-Authorization", "Basic proxypass")
			req.AddCookie(&http.Cookie{Name: "__Host-sb", Value: "sessioncookie123"})
			req.Header.Set("User-Agent", "test-agent")
			h.ServeHTTP(httptest.NewRecorder(), req)

			out := logs.String()
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("log contains %q:\n%s", s, out)
				}
			}
			for _, s := range []string{"/oauth/token", "201", "test-agent", "Authorization", "request_id"} {
				if !strings.Contains(out, s) {
					t.Errorf("log lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestLogRequestsFields(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		logger, _ := NewLogger(&logs, "info", "json")
		h := LogRequests(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(1500 * time.Millisecond) // fake time under synctest
			_, _ = w.Write([]byte("hello"))
		}))
		req := httptest.NewRequest("GET", "/mcp/dev?x=1", nil)
		req = req.WithContext(ContextWithRequestID(req.Context(), "rid-1"))
		h.ServeHTTP(httptest.NewRecorder(), req)

		var line map[string]any
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("%v: %s", err, logs.String())
		}
		want := map[string]any{"msg": "http request", "method": "GET", "path": "/mcp/dev", "status": 200.0,
			"bytes": 5.0, "request_id": "rid-1", "duration": float64(1500 * time.Millisecond)}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("%s = %v, want %v", k, line[k], v)
			}
		}
		if _, ok := line["headers"]; ok {
			t.Error("headers logged at info level")
		}
	})
}

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
	}{
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, 200},
		{"explicit", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, 404},
		{"twice", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502); w.WriteHeader(200) }, 502},
		{"early hints first", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(103); w.WriteHeader(204) }, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw := &statusWriter{ResponseWriter: httptest.NewRecorder()}
			tt.handler(sw, httptest.NewRequest("GET", "/", nil))
			if sw.statusOr200() != tt.status {
				t.Errorf("status = %d, want %d", sw.statusOr200(), tt.status)
			}
		})
	}
}

func TestLogRequestsKeepsFlush(t *testing.T) {
	logger, _ := NewLogger(io.Discard, "info", "text")
	rec := httptest.NewRecorder()
	LogRequests(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush()
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
	})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.Flushed {
		t.Error("flush did not reach the underlying writer")
	}
}
