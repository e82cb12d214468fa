package redact

import (
	"reflect"
	"strings"
	"testing"
)

// redactCase is one row of a detector table: in redacts to want.
type redactCase struct {
	name, in, want string
}

// runCases checks each case with a Redactor built from o, and that
// redacting the output again changes nothing.
func runCases(t *testing.T, o Options, cases []redactCase) {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := r.String(tc.in)
			if got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if again, counts := r.String(got); again != got || counts != nil {
				t.Errorf("not idempotent: %q then %q (%v)", got, again, counts)
			}
		})
	}
}

var (
	piiOnly     = Options{PII: true}
	secretsOnly = Options{Secrets: true}
)

func TestNilAndEmpty(t *testing.T) {
	empty, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Redactor{"nil": nil, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			if r.Enabled() {
				t.Error("Enabled() = true")
			}
			in := "bob@example.com password=x"
			if got, counts := r.String(in); got != in || counts != nil {
				t.Errorf("String = %q, %v", got, counts)
			}
			doc := []byte(`{not json`)
			out, counts, err := r.JSON(doc)
			if err != nil || counts != nil || &out[0] != &doc[0] {
				t.Errorf("JSON = %q, %v, %v; want the input unchecked", out, counts, err)
			}
			allocs := testing.AllocsPerRun(100, func() {
				r.String(in)
				r.JSON(doc)
			})
			if allocs != 0 {
				t.Errorf("%v allocations per no-op call", allocs)
			}
		})
	}
}

func TestGroups(t *testing.T) {
	const in = "bob@example.com password=hunter2 EMP-123456"
	rule := []Rule{{Name: "employee", Pattern: `EMP-\d{6}`}}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"pii", Options{PII: true}, "[REDACTED_EMAIL] password=hunter2 EMP-123456"},
		{"secrets", Options{Secrets: true}, "bob@example.com password=[REDACTED_SECRET] EMP-123456"},
		{"rules only", Options{Rules: rule}, "bob@example.com password=hunter2 [REDACTED_EMPLOYEE]"},
		{"all", Options{PII: true, Secrets: true, Rules: rule}, "[REDACTED_EMAIL] password=[REDACTED_SECRET] [REDACTED_EMPLOYEE]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Enabled() {
				t.Error("Enabled() = false")
			}
			if got, _ := r.String(in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	r := allOn(t)
	in := "a@example.com, b@example.com; ip 10.0.0.1; AKIAIOSFODNN7EXAMPLE; c@example.org"
	got, counts := r.String(in)
	want := []Count{{KindAWSAccessKey, 1}, {KindEmail, 3}, {KindIPv4, 1}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	if strings.Contains(got, "example") {
		t.Errorf("output still holds a value: %q", got)
	}
	if out, counts := r.String("nothing to see here"); out != "nothing to see here" || counts != nil {
		t.Errorf("clean text: %q, %v", out, counts)
	}
}

// TestOverlaps checks that overlapping findings become one marker, named
// by the finding that starts first (or, on a tie, the more specific one).
func TestOverlaps(t *testing.T) {
	runCases(t, Options{PII: true, Secrets: true}, []redactCase{
		{"jwt beats secret", "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "token=[REDACTED_JWT]"},
		{"secret value holding an email", "password=bob@example.com", "password=[REDACTED_SECRET]"},
		{"ipv6 with ipv4 tail", "::ffff:192.0.2.128", "[REDACTED_IPV6]"},
		{"adjacent findings stay apart", "10.0.0.1/bob@example.com", "[REDACTED_IPV4]/[REDACTED_EMAIL]"},
	})
}

func TestConcurrentUse(t *testing.T) {
	r := allOn(t)
	doc := mixedDoc(64 << 10)
	want, _, err := r.JSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []byte)
	for range 4 {
		go func() {
			out, _, _ := r.JSON(doc)
			done <- out
		}()
	}
	for range 4 {
		if got := <-done; string(got) != string(want) {
			t.Error("concurrent JSON call gave a different result")
		}
	}
}

func TestDetectorKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range append(append([]detector{}, secretDetectors...), piiDetectors...) {
		if seen[d.kind] || ruleKind(d.kind) != d.kind {
			t.Errorf("kind %q is repeated or not of the form [A-Z0-9_]+", d.kind)
		}
		seen[d.kind] = true
	}
	if len(seen) != 14 {
		t.Errorf("%d built-in kinds, want 14", len(seen))
	}
}
