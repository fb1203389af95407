package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// importLayers are payband's packages from the bottom up
// (docs/architecture.md, "Packages and imports"): a package imports only
// packages of lower layers, so imports point one way and a package can be
// read and tested with what is below it.
var importLayers = [][]string{
	{"data", "warehouse", "synth", "internal/fsatomic", "internal/numfmt", "internal/offheap", "internal/strictyaml"},
	{"titles", "pay", "outdir"},
	{"taxonomy/onet", "ingest", "bands"},
	{"report", "clickhouse"},
	{"pipeline"},
	{"cmd/payband", "bench/duckdbload", "bench/sqlpath"},
}

// TestImportsPointDown: every package's non-test files import only
// payband packages of a lower layer, and every package has a layer.
func TestImportsPointDown(t *testing.T) {
	layer := map[string]int{}
	for i, ps := range importLayers {
		for _, p := range ps {
			layer[p] = i
		}
	}
	root := filepath.Join("..", "..")
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			if dep, ok := strings.CutPrefix(p, "payband/"); ok {
				imports[pkg][dep] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < len(layer) {
		t.Fatalf("found %d packages, the layers name %d: the walk missed some", len(imports), len(layer))
	}
	var pkgs []string
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		l, ok := layer[p]
		if !ok {
			t.Errorf("package %s has no layer: add it to importLayers and docs/architecture.md", p)
			continue
		}
		for dep := range imports[p] {
			if dl, ok := layer[dep]; ok && dl >= l {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down", p, l, dep, dl)
			}
		}
	}
}
