package onet

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"payband/titles"
)

// titlesSharedData is ../shared/data beside the repository root, located from this
// source file so that it does not depend on the working directory.
func titlesSharedData(t testing.TB, name string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Skip("cannot locate the source directory")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available: %v", name, err)
	}
	return p
}

func TestImport(t *testing.T) {
	path := titlesSharedData(t, "onet_alternate_titles_2019soc.xlsx")
	base, err := titles.DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	before := base.Fingerprint()
	tax, err := Import(context.Background(), path, base)
	if err != nil {
		t.Fatal(err)
	}
	if base.Fingerprint() != before {
		t.Fatal("Import modified the base taxonomy")
	}
	if len(tax.Families) < len(base.Families)+800 {
		t.Fatalf("%d families, want one per O*NET occupation (~1000) plus the base ones", len(tax.Families))
	}
	for i, f := range base.Families {
		if tax.Families[i].ID != f.ID {
			t.Fatalf("base family %s not kept first", f.ID)
		}
	}
	nurses, ok := tax.Family("onet-29-1141.00")
	if !ok || nurses.Name != "Registered Nurses" || nurses.SOC[0] != "29-1141" || nurses.Security {
		t.Fatalf("onet-29-1141.00 = %+v", nurses)
	}
	m := titles.NewMatcher(tax)
	tests := []struct{ in, soc, family string }{
		{"Registered Nurse (RN)", "29-1141", ""},
		{"Staff RN", "29-1141", ""},
		{"Senior Registered Nurse - Remote", "29-1141", ""},
		{"Security Guard", "33-9032", ""},
		{"Unarmed Security Officer", "33-9032", ""},
		{"Securities Trader", "41-3031", ""},
		{"Loss Prevention Manager", "11-9199", ""},
		{"Physical Security Manager", "11-3013", ""},
		{"Transportation Security Officer (TSO)", "33-9093", ""},
		{"Data Scientist", "15-2051", ""},
		// Security titles stay in the security families.
		{"Information Security Manager", "11-3021", "security-manager"},
		{"Sr. InfoSec Mgr - Remote", "11-3021", "security-manager"},
		{"Security Manager", "11-3021", "security-manager"},
		{"Information Security Analyst", "15-1212", "security-analyst"},
		{"CISO", "11-3021", "ciso"},
		{"Penetration Tester", "15-1212", "penetration-tester"},
	}
	for _, tc := range tests {
		got := m.Match(tc.in)
		f, ok := tax.Family(got.Family)
		if !ok {
			t.Errorf("Match(%q) = %+v: unmatched", tc.in, got)
			continue
		}
		if (tc.family != "" && got.Family != tc.family) || f.SOC[0] != tc.soc {
			t.Errorf("Match(%q) = %s %q (SOC %v, %s), want SOC %s %s", tc.in, got.Family, got.Title, f.SOC, got.Method, tc.soc, tc.family)
		}
	}
	// Generic and shared alternate titles stay under the threshold: O*NET
	// lists "Analyst" under three occupations, "Data Analyst" under nine,
	// "Security Officer" under five (guards, bailiffs, screeners ...).
	for _, in := range []string{"Analyst", "Data Analyst", "Security Officer", "Senior Analyst", "Engineer", "Manager", "Consultant"} {
		if got := m.Match(in); got.Family != "" || got.Confidence >= tax.Threshold {
			t.Errorf("Match(%q) = %s at %.2f (%s), want unmatched under %.2f", in, got.Family, got.Confidence, got.Method, tax.Threshold)
		}
	}
	// The written taxonomy reads back the same.
	var buf bytes.Buffer
	if err := tax.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := titles.ParseTaxonomy(&buf, "onet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != tax.Fingerprint() {
		t.Error("imported taxonomy does not round-trip through YAML")
	}
}

func TestImportErrors(t *testing.T) {
	base, err := titles.DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(context.Background(), filepath.Join(t.TempDir(), "none.xlsx"), base); err == nil {
		t.Error("missing file: no error")
	}
	path := titlesSharedData(t, "onet_sample_of_reported_titles_2019soc.xlsx") // no "Alternate Title" column
	_, err = Import(context.Background(), path, base)
	if err == nil || !strings.Contains(err.Error(), "Alternate Title") {
		t.Errorf("wrong workbook: %v", err)
	}
	alt := titlesSharedData(t, "onet_alternate_titles_2019soc.xlsx")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, alt, base); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
}
