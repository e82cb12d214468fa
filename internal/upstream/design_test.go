package upstream

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient"
)

// TestDesignDocTimings keeps DESIGN.md honest: every timing it names is
// written as "`name` (value)" with the value the code uses.
func TestDesignDocTimings(t *testing.T) {
	b, err := os.ReadFile("DESIGN.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for name, d := range map[string]time.Duration{
		"refreshMargin": refreshMargin, "leaseTTL": leaseTTL, "leasePoll": leasePoll,
		"refreshTimeout": refreshTimeout, "saveTimeout": saveTimeout, "flowTTL": flowTTL,
		"oauthclient.DefaultTimeout": oauthclient.DefaultTimeout, "DefaultRecheck": DefaultRecheck,
		"refreshBackoff": refreshBackoff,
	} {
		if want := fmt.Sprintf("`%s` (%s", name, human(d)); !strings.Contains(doc, want) {
			t.Errorf("DESIGN.md does not say %s)", want)
		}
	}
}

// human writes d the way DESIGN.md does: "50 ms", "60 s", "10 min".
func human(d time.Duration) string {
	switch {
	case d >= 5*time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	default:
		return fmt.Sprintf("%d ms", d/time.Millisecond)
	}
}
