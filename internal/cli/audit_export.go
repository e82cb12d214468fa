package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type auditExportOpts struct {
	auditFilters
	format, output string
}

func auditExportCmd() *command {
	return &command{
		name:    "export",
		summary: "Export audit events as JSON lines or CSV, oldest first",
		args:    "[filters] [flags]",
		long: "The export streams: it starts at once and holds little memory, however long the trail.\n" +
			"With --output the file appears only when the export is complete (mode 0600).",
		example: "switchboard audit export > trail.jsonl\n" +
			"switchboard audit export --format csv --since 7d --output last-week.csv\n" +
			"switchboard audit export --endpoint dev --text 'api_key' --output findings.jsonl",
		setup: func(fs *flag.FlagSet) action {
			o := &auditExportOpts{}
			o.define(fs)
			fs.StringVar(&o.format, "format", "", "`FORMAT`: jsonl or csv (default: from the --output extension, else jsonl)")
			fs.StringVar(&o.output, "output", "", "write to `FILE` instead of standard output")
			return o.run
		},
	}
}

func (o *auditExportOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if err := o.parse(s.now()); err != nil {
		return err
	}
	if o.format == "" {
		o.format = "jsonl"
		if strings.EqualFold(filepath.Ext(o.output), ".csv") {
			o.format = "csv"
		}
	}
	if o.format != "jsonl" && o.format != "csv" {
		return usageErrorf("--format must be jsonl or csv")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	body, err := c.ExportAudit(ctx, o.f, o.format)
	if err != nil {
		return err
	}
	defer body.Close()
	if o.output == "" {
		if _, err := io.Copy(s.io.Out, body); err != nil {
			return errorf("export stopped part way: %w", err)
		}
		return nil
	}
	n, err := writeFileAtomic(o.output, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.io.Err, "Exported %s to %s.\n", fmtBytes(n), o.output)
	return nil
}

// writeFileAtomic copies r into a temporary file beside path and renames
// it into place once r is read to the end, so a failed export leaves no
// partial file.
func writeFileAtomic(path string, r io.Reader) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return 0, errorf("create %s: %w", path, err)
	}
	n, err := io.Copy(f, r)
	if err != nil {
		err = errorf("export stopped part way; nothing written to %s: %w", path, err)
	} else if err = f.Sync(); err != nil {
		err = errorf("write %s: %w", path, err)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = errorf("write %s: %w", path, cerr)
	}
	if err == nil {
		if err = os.Rename(f.Name(), path); err != nil {
			err = errorf("write %s: %w", path, err)
		}
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return n, err
}

// fmtBytes renders a size for people: 512 B, 3.4 MiB.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
