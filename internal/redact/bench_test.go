package redact

import (
	"strings"
	"testing"
)

func allOn(tb testing.TB) *Redactor {
	tb.Helper()
	r, err := New(Options{Secrets: true, PII: true})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkJSON is the figure to watch: a ~1 MB mixed tool-output document
// with every detector on.
func BenchmarkJSON(b *testing.B) {
	r := allOn(b)
	doc := mixedDoc(1 << 20)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.JSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONClean is the same document shape with nothing to redact.
func BenchmarkJSONClean(b *testing.B) {
	r := allOn(b)
	doc, _, err := r.JSON(mixedDoc(1 << 20))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.JSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	r := allOn(b)
	s := strings.Repeat("The deployment of service 42 finished at 12:30 with status ok. ", 1000) +
		"Contact ops@example.com or 10.0.0.1."
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		r.String(s)
	}
}

func BenchmarkDisabled(b *testing.B) {
	var r *Redactor
	doc := mixedDoc(1 << 16)
	b.ReportAllocs()
	for b.Loop() {
		r.JSON(doc)
	}
}
