package apiclient

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

const testToken = "sbt_secret-token-value"

// recorded is what the fake API saw of one request.
type recorded struct {
	method, path, rawQuery string
	auth, contentType      string
	body                   []byte
}

// fakeAPI serves a few routes of /api/v1 and records the last request.
func fakeAPI(t *testing.T) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api/v1/servers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, api.List[api.Server]{Items: []api.Server{{Name: "github", ToolCount: 3}}})
	})
	mux.HandleFunc("POST /api/v1/servers", func(w http.ResponseWriter, r *http.Request) {
		var req api.CreateServerRequest
		if err := json.Unmarshal(rec.body, &req); err != nil {
			writeJSON(w, 400, api.Error{Err: api.ErrorBody{Code: api.CodeBadRequest, Message: err.Error()}})
			return
		}
		if !strings.HasPrefix(req.URL, "http") {
			writeJSON(w, 400, api.Error{Err: api.ErrorBody{Code: api.CodeInvalidField, Message: "must be an http(s) URL", Field: "url"}})
			return
		}
		writeJSON(w, 201, api.CreateServerResponse{Server: api.Server{Name: req.Name}, Sync: &api.SyncResult{Added: []string{"a"}}})
	})
	mux.HandleFunc("GET /api/v1/servers/{name}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, api.Error{Err: api.ErrorBody{Code: api.CodeNotFound, Message: "no server " + r.PathValue("name")}})
	})
	mux.HandleFunc("DELETE /api/v1/servers/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /api/v1/audit", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, api.AuditList{Events: []api.AuditEvent{{Seq: 7}}, NextCursor: "c2"})
	})
	mux.HandleFunc("GET /api/v1/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "upstream connect error\x1b[31m\nmore")
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/api/v1/me", http.StatusFound)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*rec = recorded{
			method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
			auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"), body: b,
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func TestAuthHeaderAndDecoding(t *testing.T) {
	srv, rec := fakeAPI(t)
	c := New(srv.URL+"/", testToken)
	servers, err := c.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 1 || servers[0].Name != "github" || servers[0].ToolCount != 3 {
		t.Errorf("servers = %+v", servers)
	}
	if rec.auth != "Bearer "+testToken {
		t.Errorf("Authorization = %q", rec.auth)
	}
	if rec.path != "/api/v1/servers" {
		t.Errorf("path = %q (trailing slash of the base URL not trimmed?)", rec.path)
	}
}

func TestCreateSendsJSONBody(t *testing.T) {
	srv, rec := fakeAPI(t)
	c := New(srv.URL, testToken)
	resp, err := c.CreateServer(t.Context(), api.CreateServerRequest{Name: "gh", URL: "https://x", Secret: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Server.Name != "gh" || resp.Sync == nil || len(resp.Sync.Added) != 1 {
		t.Errorf("response = %+v", resp)
	}
	if rec.method != http.MethodPost || rec.contentType != "application/json" {
		t.Errorf("method %q content type %q", rec.method, rec.contentType)
	}
	var got api.CreateServerRequest
	if err := json.Unmarshal(rec.body, &got); err != nil || got.Secret != "s3" || got.URL != "https://x" {
		t.Errorf("body = %s (%v)", rec.body, err)
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	srv, _ := fakeAPI(t)
	c := New(srv.URL, testToken)

	_, err := c.CreateServer(t.Context(), api.CreateServerRequest{Name: "gh", URL: "ftp://x"})
	ae, ok := errors.AsType[*api.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not an *api.Error", err, err)
	}
	if ae.Err.Code != api.CodeInvalidField || ae.Err.Field != "url" {
		t.Errorf("api error = %+v", ae.Err)
	}
	if got, want := err.Error(), "url: must be an http(s) URL"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if StatusCode(err) != http.StatusBadRequest {
		t.Errorf("status = %d", StatusCode(err))
	}

	_, err = c.GetServer(t.Context(), "a b/c")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "no server a b/c") {
		t.Errorf("GetServer error = %v", err)
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	srv, rec := fakeAPI(t)
	c := New(srv.URL, testToken)
	_, _ = c.GetServer(t.Context(), "a b/c")
	if rec.path != "/api/v1/servers/a%20b%2Fc" {
		t.Errorf("path = %q", rec.path)
	}
}

func TestNoContent(t *testing.T) {
	srv, rec := fakeAPI(t)
	if err := New(srv.URL, testToken).DeleteServer(t.Context(), "gh"); err != nil {
		t.Fatal(err)
	}
	if rec.method != http.MethodDelete || rec.path != "/api/v1/servers/gh" {
		t.Errorf("saw %s %s", rec.method, rec.path)
	}
}

func TestNonAPIErrorBody(t *testing.T) {
	srv, _ := fakeAPI(t)
	_, err := New(srv.URL, testToken).ListUsers(t.Context())
	ae, ok := errors.AsType[*api.Error](err)
	if !ok || StatusCode(err) != http.StatusBadGateway || ae.Err.Code != api.CodeInternal {
		t.Fatalf("error = %v (%T), status %d", err, err, StatusCode(err))
	}
	msg := err.Error()
	if !strings.Contains(msg, "502") || !strings.Contains(msg, "upstream connect error") {
		t.Errorf("message = %q", msg)
	}
	if strings.ContainsAny(msg, "\x1b\n") {
		t.Errorf("message keeps control characters: %q", msg)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	srv, _ := fakeAPI(t)
	_, err := New(srv.URL, testToken).Me(t.Context())
	if StatusCode(err) != http.StatusFound || !strings.Contains(err.Error(), "elsewhere.example") {
		t.Fatalf("error = %v, status %d", err, StatusCode(err))
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // connection refused from here on

	for _, tok := range []string{testToken, testToken + "\n"} {
		_, err := New(addr, tok).ListServers(t.Context())
		if err == nil {
			t.Fatal("want an error")
		}
		if strings.Contains(err.Error(), "secret-token-value") {
			t.Errorf("error leaks the token: %v", err)
		}
		if !strings.Contains(err.Error(), "/api/v1/servers") {
			t.Errorf("error does not name the route: %v", err)
		}
	}
}

func TestNotJSONAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>hello</html>")
	}))
	t.Cleanup(srv.Close)
	_, err := New(srv.URL, testToken).ListServers(t.Context())
	if err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("error = %v", err)
	}
}

func TestTimeoutOption(t *testing.T) {
	if c := New("http://x", "t"); c.http.Timeout != DefaultTimeout {
		t.Errorf("default timeout %v", c.http.Timeout)
	}
	if c := New("http://x", "t", WithTimeout(time.Second)); c.http.Timeout != time.Second {
		t.Errorf("timeout %v", c.http.Timeout)
	}
	own := &http.Client{}
	if c := New("http://x", "t", WithHTTPClient(own), WithTimeout(time.Second)); c.http != own || own.Timeout != 0 {
		t.Error("WithTimeout changed the caller's client")
	}
}
