package gateway

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// BenchmarkToolPolicy50 measures step 3 of tools/call as the gateway runs
// it: the caller's groups named, the arguments decoded, 50 compiled rules
// of which the 49th decides (allow). It reports the p50 in µs.
func BenchmarkToolPolicy50(b *testing.B) {
	var rules []store.ToolRule
	for i := range 48 {
		r := store.ToolRule{ID: fmt.Sprint("r", i), Position: i + 1, Effect: "deny", Enabled: true}
		switch i % 3 {
		case 0:
			r.Tools, r.Condition = []string{fmt.Sprintf("svc%d__*", i)}, `principal.groups.exists(g, g == "contractors")`
		case 1:
			r.Condition = fmt.Sprintf(`args.sql.startsWith("DROP %d")`, i)
		default:
			r.Condition = fmt.Sprintf(`principal.role == "role%d" && tool == "db__query"`, i)
		}
		rules = append(rules, r)
	}
	rules = append(rules,
		store.ToolRule{ID: "sel", Position: 49, Effect: "allow", Tools: []string{"db__query"}, Condition: `args.sql.startsWith("SELECT")`, Enabled: true},
		store.ToolRule{ID: "rest", Position: 50, Effect: "deny", Tools: []string{"db__query"}, Enabled: true})
	set, err := toolpolicy.Compile(rules)
	if err != nil {
		b.Fatal(err)
	}
	g := &Gateway{cfg: Config{Logger: slog.New(slog.DiscardHandler), Now: time.Now}}
	rt := &endpointRT{}
	rt.ep.Store(&store.Endpoint{ID: "ep_1", Name: "dev"})
	rt.rules.Store(set)
	rt.groupNames.Store(&map[string]string{"grp_1": "staff", "grp_2": "eng"})
	p := identity.Principal{Type: "user", ID: "usr_1", Email: "a@example.com", Role: "member", Groups: []string{"grp_1", "grp_2"}}
	req := &mcp.CallToolRequest{
		Params: &mcp.CallToolParamsRaw{Name: "db__query", Arguments: json.RawMessage(`{"sql":"SELECT * FROM t WHERE id = 1","limit":10}`)},
		Extra:  &mcp.RequestExtra{TokenInfo: &auth.TokenInfo{Extra: map[string]any{principalExtra: p}}},
	}
	r := route{server: store.Server{Name: "db"}, tool: store.Tool{Name: "query"}}
	ev := store.AuditEvent{Endpoint: "dev"}
	samples := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		_, denied := g.applyToolPolicy(b.Context(), rt, req, ev, "db__query", r)
		samples = append(samples, time.Since(start))
		if denied {
			b.Fatal("denied")
		}
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds())/1e3, "p50-µs")
}
