package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit/sink"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/telemetry"
)

// defaultWebhookWait is how long a webhook's partial batch waits for more
// events unless audit.sinks[].max_wait says otherwise.
const defaultWebhookWait = time.Second

// startSinks opens the sinks of audit.sinks and starts delivering the
// trail to them until ctx ends or the Runner is closed. With none
// configured it returns nil: a nil Runner's Notify and Close do nothing.
func startSinks(ctx context.Context, cfg config.Config, st store.Store, m *telemetry.Metrics, logger *slog.Logger) (*sink.Runner, error) {
	if len(cfg.Audit.Sinks) == 0 {
		return nil, nil
	}
	var specs []sink.Spec
	closeAll := func() {
		for _, sp := range specs {
			sp.Sink.Close()
		}
	}
	for _, sc := range cfg.Audit.Sinks {
		sp, err := openSink(cfg.DataDir, sc)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("audit.sinks %s: %w", sc.Name, err)
		}
		specs = append(specs, sp)
	}
	r, err := sink.Start(ctx, sink.Config{Store: st, Sinks: specs, Logger: logger, Lag: m.SetAuditSinkLag})
	if err != nil {
		closeAll()
		return nil, err
	}
	return r, nil
}

// openSink builds one sink from its validated config.
func openSink(dataDir string, sc config.AuditSink) (sink.Spec, error) {
	sp := sink.Spec{Name: sc.Name, MaxEvents: int(sc.MaxEvents), MaxWait: sc.MaxWait.Duration}
	var err error
	switch sc.Type {
	case config.SinkFile:
		path := sc.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(dataDir, path)
		}
		sp.Sink, err = sink.NewFile(sink.FileConfig{Path: path, MaxBytes: sc.MaxBytes, Keep: int(sc.Keep)})
	case config.SinkWebhook:
		if sp.MaxWait == 0 {
			sp.MaxWait = defaultWebhookWait
		}
		sp.Sink, err = sink.NewWebhook(sink.WebhookConfig{URL: sc.URL, Token: sc.Token.Reveal()})
	case config.SinkStdout:
		sp.Sink = sink.NewLines(os.Stdout)
	default:
		err = fmt.Errorf("unknown type %q", sc.Type)
	}
	return sp, err
}
