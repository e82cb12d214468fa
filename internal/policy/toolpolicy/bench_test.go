package toolpolicy

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// BenchmarkDecide50 measures the policy cost of one tools/call with 50
// rules, none of which matches before the last: glob checks, CEL
// evaluation and decoding the arguments. It reports the p50 in µs.
func BenchmarkDecide50(b *testing.B) {
	var rules []store.ToolRule
	for i := range 48 {
		switch i % 3 {
		case 0:
			rules = append(rules, rule(fmt.Sprint("g", i), EffectDeny, `principal.groups.exists(g, g == "contractors")`, fmt.Sprintf("svc%d__*", i)))
		case 1:
			rules = append(rules, rule(fmt.Sprint("a", i), EffectDeny, fmt.Sprintf(`args.sql.startsWith("DROP %d")`, i)))
		default:
			rules = append(rules, rule(fmt.Sprint("p", i), EffectDeny, fmt.Sprintf(`principal.role == "role%d" && tool == "db__query"`, i)))
		}
	}
	rules = append(rules, rule("sel", EffectAllow, `args.sql.startsWith("SELECT")`, "db__query"), rule("last", EffectDeny, "", "db__query"))
	s := mustCompile(b, rules...)
	raw := json.RawMessage(`{"sql":"SELECT * FROM t WHERE id = 1","limit":10}`)
	p := Principal{ID: "usr_1", Email: "a@example.com", Type: "user", Role: "member", Groups: []string{"staff", "eng"}}
	samples := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		in := Input{Principal: p, Endpoint: "dev", Tool: "db__query", Server: "db", UpstreamTool: "query"}
		if s.NeedsArgs() {
			in.Args = DecodeArgs(raw)
		}
		d := s.Decide(&in)
		samples = append(samples, time.Since(start))
		if !d.Allow || d.Rule.ID != "sel" {
			b.Fatalf("decision %+v", d)
		}
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds())/1e3, "p99-µs")
}
