package telemetry

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMetricsServesSinkLag(t *testing.T) {
	m := NewMetrics()
	m.SetAuditSinkLag("splunk", 42)
	m.SetAuditSinkLag("trail", 0)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"# TYPE switchboard_audit_sink_lag_events gauge",
		`switchboard_audit_sink_lag_events{sink="splunk"} 42`,
		`switchboard_audit_sink_lag_events{sink="trail"} 0`,
		"go_goroutines ",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%.2000s", want, body)
		}
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
}
