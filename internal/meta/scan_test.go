package meta

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// scanRoots are the directories, relative to the module root, whose Go
// packages the meta tests check.
var scanRoots = []string{"internal", "cmd"}

// goPackage is one directory of Go files, as far as the meta tests need it.
type goPackage struct {
	rel   string // slash path relative to the module root, e.g. "internal/store"
	name  string // package name of the non-test files ("" if there are none)
	files []goFile
}

type goFile struct {
	rel     string // slash path relative to the module root
	test    bool   // a _test.go file
	gen     bool   // carries a "Code generated … DO NOT EDIT." comment
	lines   int
	doc     bool // has a package doc comment
	docText string
	imports []goImport
}

type goImport struct {
	path string
	pos  string // file:line
}

// scanModule parses the Go files under the scan roots of the module at root.
// It returns the module path and the packages, sorted by path. Directories
// named testdata or node_modules, or starting with "." or "_", are skipped,
// as the go command skips them.
func scanModule(root string) (module string, pkgs []*goPackage, err error) {
	module, err = modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", nil, err
	}
	byDir := map[string]*goPackage{}
	fset := token.NewFileSet()
	for _, top := range scanRoots {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == filepath.Join(root, top) {
					return fs.SkipDir // this root does not exist yet
				}
				return err
			}
			if d.IsDir() {
				if n := d.Name(); p != filepath.Join(root, top) && skipDir(n) {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") {
				return nil
			}
			f, err := parseGoFile(fset, root, p)
			if err != nil {
				return err
			}
			dir := path.Dir(f.rel)
			pkg := byDir[dir]
			if pkg == nil {
				pkg = &goPackage{rel: dir}
				byDir[dir] = pkg
			}
			pkg.files = append(pkg.files, f.goFile)
			if !f.test && pkg.name == "" {
				pkg.name = f.pkgName
			}
			return nil
		})
		if err != nil {
			return "", nil, err
		}
	}
	for _, p := range byDir {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].rel < pkgs[j].rel })
	return module, pkgs, nil
}

func skipDir(name string) bool {
	return name == "testdata" || name == "node_modules" ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

type parsedFile struct {
	goFile
	pkgName string
}

// parseGoFile reads the package clause, doc comment and imports of one file.
func parseGoFile(fset *token.FileSet, root, p string) (parsedFile, error) {
	src, err := os.ReadFile(p)
	if err != nil {
		return parsedFile{}, err
	}
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return parsedFile{}, err
	}
	rel = filepath.ToSlash(rel)
	af, err := parser.ParseFile(fset, rel, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return parsedFile{}, err
	}
	f := parsedFile{pkgName: af.Name.Name, goFile: goFile{
		rel:   rel,
		test:  strings.HasSuffix(rel, "_test.go"),
		gen:   ast.IsGenerated(af),
		lines: countLines(src),
		doc:   af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "",
	}}
	if f.doc {
		f.docText = af.Doc.Text()
	}
	for _, imp := range af.Imports {
		ip, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return parsedFile{}, err
		}
		pos := fset.Position(imp.Pos())
		f.imports = append(f.imports, goImport{path: ip, pos: fmt.Sprintf("%s:%d", rel, pos.Line)})
	}
	return f, nil
}

func countLines(src []byte) int {
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	return n
}

// modulePath reads the module line of a go.mod file.
func modulePath(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok {
			if m := strings.Trim(strings.TrimSpace(rest), `"`); m != "" {
				return m, nil
			}
		}
	}
	return "", fmt.Errorf("%s: no module line", gomod)
}
