package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

// fuzzRedactor has every group on plus a rule whose matches overlap the
// built-in detectors and the markers themselves.
func fuzzRedactor(tb testing.TB) *Redactor {
	tb.Helper()
	r, err := New(Options{Secrets: true, PII: true, Rules: []Rule{
		{Name: "ticket", Pattern: `TICKET-\d+`},
		{Name: "redacted", Pattern: `RED[A-Z]*`},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

var fuzzSeeds = []string{
	`{"a":"bob@example.com","password":"hunter2","n":[1,2.5e3,true,null]}`,
	`{"text":"call +1 (415) 555-2671 or 4111 1111 1111 1111, ip 10.0.0.1 fe80::1"}`,
	`["AKIAIOSFODNN7EXAMPLE","ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","TICKET-12","\u0040x.com"]`,
	`{"Authorization":"Bearer eyJhbGciOiJub25lIn0.eyJhIjoxfQ.","k":"DE89 3704 0044 0532 0130 00"}`,
	`"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"`,
	`{"s":"123-45-6789 [REDACTED_EMAIL] REDACTED token=[REDACTED_SECRET]x"}`,
	`{"a":"\ud800 x@y.zz \u0000 \"q\""}`,
	`{"a":`, `[1,]`, `"\q"`, ``,
}

func FuzzJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	r := fuzzRedactor(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, counts, err := r.JSON(doc)
		if valid := json.Valid(doc); valid != (err == nil) {
			t.Fatalf("json.Valid = %v but JSON error = %v", valid, err)
		}
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output is not valid JSON: %q", out)
		}
		if counts == nil && string(out) != string(doc) {
			t.Fatalf("changed without counts: %q", out)
		}
		assertSameShape(t, doc, out)
		again, counts2, err := r.JSON(out)
		if err != nil || string(again) != string(out) || counts2 != nil {
			t.Fatalf("not idempotent:\n%q\n%q\n%v %v", out, again, counts2, err)
		}
	})
}

func FuzzString(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"password=x [REDACTED_X]y", "a@b.cc4111111111111111", "+44 20 7946 0958 5"} {
		f.Add(s)
	}
	r := fuzzRedactor(f)
	f.Fuzz(func(t *testing.T, s string) {
		out, counts := r.String(s)
		n := 0
		for _, c := range counts {
			if c.N <= 0 {
				t.Fatalf("count %v", c)
			}
			n += c.N
		}
		if got := strings.Count(out, markerPrefix) - strings.Count(s, markerPrefix); n > 0 && got > n {
			t.Fatalf("%d new markers for %d counted findings", got, n)
		}
		if again, counts := r.String(out); again != out || counts != nil {
			t.Fatalf("not idempotent:\n%q\n%q\n%q\n%v", s, out, again, counts)
		}
	})
}
