package meta

import (
	"fmt"
	"strings"
)

// maxFileLines is where CONVENTIONS.md §2 says to split a file.
const maxFileLines = 800

// checkDocs reports packages without a package doc comment on one of their
// non-test files, and non-main docs that do not start "Package <name>".
func checkDocs(pkgs []*goPackage) []string {
	var problems []string
	for _, p := range pkgs {
		if p.name == "" {
			continue // test-only directory
		}
		var doc string
		found := false
		for _, f := range p.files {
			if !f.test && f.doc {
				found, doc = true, f.docText
				break
			}
		}
		switch {
		case !found:
			problems = append(problems, fmt.Sprintf("%s (package %s): no package doc comment; add a doc.go", p.rel, p.name))
		case p.name != "main" && !strings.HasPrefix(doc, "Package "+p.name+" "):
			problems = append(problems, fmt.Sprintf("%s: package doc should start %q", p.rel, "Package "+p.name+" "))
		}
	}
	return problems
}

// checkFileLength reports non-test, non-generated files longer than max lines.
func checkFileLength(pkgs []*goPackage, max int) []string {
	var problems []string
	for _, p := range pkgs {
		for _, f := range p.files {
			if !f.test && !f.gen && f.lines > max {
				problems = append(problems, fmt.Sprintf("%s:%d: %d lines, over %d: split it by concern", f.rel, f.lines, f.lines, max))
			}
		}
	}
	return problems
}

// checkDeps reports every import in a non-test file that a rule forbids.
// Test files are exempt: tests may wire packages together freely.
func checkDeps(module string, pkgs []*goPackage, rules []depRule) []string {
	var problems []string
	for _, p := range pkgs {
		for _, f := range p.files {
			if f.test {
				continue
			}
			for _, imp := range f.imports {
				to, ok := strings.CutPrefix(imp.path, module+"/")
				if !ok {
					continue // standard library or third party
				}
				for _, r := range rules {
					if r.forbids(p.rel, to) {
						problems = append(problems, fmt.Sprintf("%s: %s imports %s: %s", imp.pos, p.rel, to, r.reason))
					}
				}
			}
		}
	}
	return problems
}

// depRule forbids importers matching from (and not notFrom) to import
// internal packages matching to (and not notTo). A pattern is a slash path
// relative to the module root; "x/..." matches x and every package below it.
type depRule struct {
	from, notFrom []string
	to, notTo     []string
	reason        string
}

func (r depRule) forbids(from, to string) bool {
	return matchAny(r.from, from) && !matchAny(r.notFrom, from) &&
		matchAny(r.to, to) && !matchAny(r.notTo, to)
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if match(pat, p) {
			return true
		}
	}
	return false
}

func match(pattern, p string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}
