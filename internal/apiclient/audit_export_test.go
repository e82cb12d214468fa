package apiclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func TestExportAuditStreams(t *testing.T) {
	var query url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		if r.URL.Path != exportPath || r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, "wrong", 400)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		io.WriteString(w, "{\"seq\":1}\n")
		w.(http.Flusher).Flush()
		io.WriteString(w, "{\"seq\":2}\n")
	}))
	defer srv.Close()
	// A timeout that would fail any request: exports must not be bound by it.
	c := New(srv.URL, testToken, WithTimeout(time.Nanosecond))
	body, err := c.ExportAudit(t.Context(), AuditFilter{Tool: "t", Text: "needle", Cursor: "9", After: 3, Limit: 5}, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil || string(b) != "{\"seq\":1}\n{\"seq\":2}\n" {
		t.Errorf("body %q, %v", b, err)
	}
	if query.Encode() != "format=jsonl&q=needle&tool=t" {
		t.Errorf("query %s", query.Encode())
	}
}

func TestExportAuditError(t *testing.T) {
	srv, _ := fakeAPI(t)
	_, err := New(srv.URL, testToken).ExportAudit(t.Context(), AuditFilter{}, "xml")
	if StatusCode(err) != http.StatusNotFound {
		t.Errorf("err = %v", err)
	}
}

func TestAuditFilterTextAndAfter(t *testing.T) {
	if got := (AuditFilter{Text: "x y", After: 5}).Values().Encode(); got != "after=5&q=x+y" {
		t.Errorf("got %s", got)
	}
}
