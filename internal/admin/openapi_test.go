package admin

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/policy"
)

// publicRoutes are the routes that need no token: the document, and the
// CLI sign-ins that hand one out.
var publicRoutes = map[string]bool{
	"GET /api/v1/openapi.json": true,
	"POST /api/v1/login":       true,
	"POST /api/v1/cli/token":   true,
}

// TestOpenAPIMatchesRoutes keeps openapi.json and the route table in step,
// and checks that every route declares a permission.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	a := &API{}
	for _, rt := range a.routes() {
		if rt.perm == "" {
			t.Errorf("route %s declares no permission", rt.pattern)
		}
		if rt.perm == policy.Public && !publicRoutes[rt.pattern] {
			t.Errorf("route %s is public; only the OpenAPI document and the CLI sign-ins may be", rt.pattern)
		}
		if !documented[rt.pattern] {
			t.Errorf("route %s is missing from openapi.json", rt.pattern)
		}
		delete(documented, rt.pattern)
	}
	for op := range documented {
		t.Errorf("openapi.json documents %s, which has no route", op)
	}
}
