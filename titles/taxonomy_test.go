package titles

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"payband/data"
)

func TestDefaultTaxonomy(t *testing.T) {
	tax, err := DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if tax.Version == "" || tax.Threshold <= 0 || tax.Threshold > 1 {
		t.Errorf("version %q threshold %v", tax.Version, tax.Threshold)
	}
	// SPEC §5.1: every family, with SOC 2018 codes.
	want := map[string]string{
		"security-manager": "11-3021", "security-director": "11-3021", "ciso": "11-3021",
		"security-analyst": "15-1212", "security-engineer": "15-1212", "security-architect": "15-1212",
		"security-administrator": "15-1212", "security-consultant": "15-1212",
		"penetration-tester": "15-1212", "security-auditor": "15-1212",
	}
	for id, soc := range want {
		f, ok := tax.Family(id)
		if !ok {
			t.Errorf("family %s missing", id)
			continue
		}
		if !f.Security || len(f.SOC) == 0 || f.SOC[0] != soc || f.Name == "" {
			t.Errorf("family %s = %+v, want security, SOC %s", id, f, soc)
		}
	}
	if _, ok := tax.Family("no-such-family"); ok {
		t.Error("Family(no-such-family) found")
	}
	again, _ := DefaultTaxonomy()
	if again != tax {
		t.Error("DefaultTaxonomy is parsed more than once")
	}
}

func TestTaxonomyRoundTrip(t *testing.T) {
	tax, err := DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tax.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ParseTaxonomy(&buf, "roundtrip.yaml")
	if err != nil {
		t.Fatalf("re-parse of WriteYAML output: %v", err)
	}
	if back.Fingerprint() != tax.Fingerprint() {
		t.Error("fingerprint changed across WriteYAML/ParseTaxonomy")
	}
	if len(tax.Fingerprint()) != 64 {
		t.Errorf("fingerprint %q is not sha256 hex", tax.Fingerprint())
	}
	back.Families[0].Aliases = append(back.Families[0].Aliases, "Keeper of Secrets")
	if back.Fingerprint() == tax.Fingerprint() {
		t.Error("fingerprint did not change with the taxonomy")
	}
}

// Strings that look like numbers or booleans must survive WriteYAML.
func TestTaxonomyRoundTripScalars(t *testing.T) {
	for _, v := range []string{`"1.0"`, `"2"`, `"yes"`, `"2026-01-02"`} {
		src := "version: " + v + "\nthreshold: 0.6\nfamilies:\n  - id: a\n    name: \"On\"\n    aliases: [\"no\", \"1\"]\n"
		tax, err := ParseTaxonomy(strings.NewReader(src), "x.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tax.WriteYAML(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ParseTaxonomy(&buf, "y.yaml")
		if err != nil || back.Fingerprint() != tax.Fingerprint() {
			t.Errorf("version %s: %v\n%s", v, err, buf.String())
		}
	}
}

func TestLoadTaxonomyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tax.yaml")
	if err := os.WriteFile(path, data.TaxonomyYAML, 0o644); err != nil {
		t.Fatal(err)
	}
	tax, err := LoadTaxonomyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := DefaultTaxonomy()
	if tax.Fingerprint() != def.Fingerprint() {
		t.Error("file and embedded taxonomy differ")
	}
	if _, err := LoadTaxonomyFile(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseTaxonomyMalformed(t *testing.T) {
	const head = "version: \"1\"\nthreshold: 0.6\nclasses:\n  cue: [security]\nfamilies:\n"
	tests := []struct {
		name, src string
		line      int
		reason    string
	}{
		{"syntax", "version: \"1\"\nthreshold: [0.6\n", 2, ""},
		{"unknown field", head + "  - id: a\n    name: A\n    colour: red\n", 8, "colour"},
		{"wrong type", "version: \"1\"\nthreshold: high\nfamilies:\n  - id: a\n    name: A\n", 2, ""},
		{"missing version", "threshold: 0.6\nfamilies:\n  - id: a\n    name: A\n", 0, "version is missing"},
		{"threshold range", "version: \"1\"\nthreshold: 1.5\nfamilies:\n  - id: a\n    name: A\n", 2, "threshold"},
		{"duplicate id", head + "  - id: a\n    name: A\n  - id: a\n    name: B\n", 8, "duplicate family id"},
		{"bad id", head + "  - id: Security Manager\n    name: A\n", 6, "family id"},
		{"no name", head + "  - id: a\n    soc: [\"11-3021\"]\n", 6, "has no name"},
		{"bad soc", head + "  - id: a\n    name: A\n    soc: [\"113021\"]\n", 8, "SOC code"},
		{"unknown class", head + "  - id: a\n    name: A\n    rules:\n      - all: [\"@nope\", manager]\n", 9, "unknown class"},
		{"bad seniority", "version: \"1\"\nthreshold: 0.6\nseniority:\n  boss: [boss]\nfamilies:\n  - id: a\n    name: A\n", 4, "unknown seniority"},
		{"no families", "version: \"1\"\nthreshold: 0.6\n", 0, "no families"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTaxonomy(strings.NewReader(tc.src), "bad.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			var te *TaxonomyError
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v is not a *TaxonomyError", err, err)
			}
			if te.File != "bad.yaml" || errors.Unwrap(err) == nil {
				t.Errorf("error %+v: want file bad.yaml and a wrapped reason", te)
			}
			if tc.line > 0 && te.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", te.Line, tc.line, err)
			}
			prefix := "bad.yaml:"
			if te.Line > 0 {
				prefix = "bad.yaml:" + strconv.Itoa(te.Line) + ": "
			}
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q: want prefix %q and reason %q", err, prefix, tc.reason)
			}
		})
	}
}
