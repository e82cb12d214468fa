package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics owns the process's Prometheus registry: the Go runtime and
// process collectors and Switchboard's own metrics. It is a registry of
// its own rather than the global default, so tests and embedders get a
// clean one each time.
type Metrics struct {
	reg     *prometheus.Registry
	sinkLag *prometheus.GaugeVec
}

// NewMetrics builds the registry with every Switchboard metric.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sinkLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "switchboard_audit_sink_lag_events",
			Help: "Audit events not yet delivered by the sink: the trail's head sequence number minus the sink's cursor.",
		}, []string{"sink"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.sinkLag,
	)
	return m
}

// SetAuditSinkLag records how many events the named sink has yet to
// deliver. It is safe for concurrent use.
func (m *Metrics) SetAuditSinkLag(sink string, lag int64) {
	m.sinkLag.WithLabelValues(sink).Set(float64(lag))
}

// Registerer lets other packages add their collectors.
func (m *Metrics) Registerer() prometheus.Registerer { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
