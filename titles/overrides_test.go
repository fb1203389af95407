package titles

import (
	"errors"
	"strings"
	"testing"
)

func TestParseOverrides(t *testing.T) {
	tax, err := DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	src := "\ufefftitle_raw,rows,family,title,level,confidence,method\n" +
		"Widget Wrangler,4,security-engineer,,Senior,,\n" +
		"\" Padded \",1,security-analyst,Threat Person,,,\n" +
		"Left Alone,9,,,,,\n" +
		"Not Security,2,none,,entry,,\n"
	o, err := ParseOverrides(strings.NewReader(src), "ov.csv", tax)
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (the row without a family is skipped)", o.Len())
	}
	m := NewMatcher(tax).WithOverrides(o)
	for in, want := range map[string]Match{
		"Widget Wrangler": {Family: "security-engineer", Title: "Security Engineer", Seniority: "senior", Confidence: 1, Method: MethodExact},
		" Padded ":        {Family: "security-analyst", Title: "Threat Person", Seniority: "unspecified", Confidence: 1, Method: MethodExact},
		"Not Security":    {Seniority: "entry", Method: MethodNone},
		"Left Alone":      {Seniority: "unspecified", Method: MethodNone},
		"Security Lead":   NewMatcher(tax).Match("Security Lead"),
	} {
		want.Input = in
		if got := m.Match(in); got != want {
			t.Errorf("Match(%q) = %+v, want %+v", in, got, want)
		}
	}
	if m.Fingerprint() == tax.Fingerprint() || NewMatcher(tax).Fingerprint() != tax.Fingerprint() {
		t.Error("overrides do not change the fingerprint, or a plain matcher's differs from its taxonomy's")
	}
	// Reordered rows and edited ignored columns are the same decisions.
	same := "family,title_raw,level,title\nnone,Not Security,entry,\nsecurity-analyst,\" Padded \",,Threat Person\nsecurity-engineer,Widget Wrangler,senior,\n"
	o2, err := ParseOverrides(strings.NewReader(same), "b.csv", tax)
	if err != nil {
		t.Fatal(err)
	}
	if o2.digest != o.digest {
		t.Error("the same decisions in another order give another digest")
	}

	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "ov.csv:1: empty file"},
		{"no family column", "title_raw,title\nA,B\n", `ov.csv:1: header has no "family" column`},
		{"unknown family", "title_raw,family\nA,security-manager\nB,security-wizard\n", `ov.csv:3: unknown family "security-wizard"`},
		{"bad level", "title_raw,family,level\nA,ciso,junior-ish\n", `ov.csv:2: level "junior-ish"`},
		{"empty title", "title_raw,family\n,ciso\n", "ov.csv:2: empty title_raw"},
		{"conflict", "title_raw,family\nA,ciso\nA,security-manager\n", `ov.csv:3: title "A" already overridden differently on line 2`},
		{"bad quote", "title_raw,family\n\"A,ciso\n", "ov.csv:2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOverrides(strings.NewReader(tc.src), "ov.csv", tax)
			var oe *OverridesError
			if err == nil || !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	_, err = ParseOverrides(strings.NewReader("title_raw,family\nB,nope\n"), "ov.csv", tax)
	if !errors.Is(err, ErrUnknownFamily) {
		t.Errorf("unknown family: %v is not ErrUnknownFamily", err)
	}
}

func FuzzParseOverrides(f *testing.F) {
	tax, err := DefaultTaxonomy()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("title_raw,family,title,level\nA,ciso,,senior\n")
	f.Add("title_raw,family\n\"a\"\"b\",none\n")
	f.Add("\ufefffamily,title_raw\n,\n")
	f.Fuzz(func(t *testing.T, src string) {
		o, err := ParseOverrides(strings.NewReader(src), "f.csv", tax)
		if err != nil {
			var oe *OverridesError
			if !errors.As(err, &oe) || oe.File != "f.csv" {
				t.Fatalf("error %v is no OverridesError", err)
			}
			return
		}
		m := NewMatcher(tax).WithOverrides(o)
		for raw, ov := range o.byRaw {
			got := m.Match(raw)
			if got.Family != ov.Family && !(ov.Family == FamilyNone && got.Family == "") {
				t.Fatalf("override %+v not applied: %+v", ov, got)
			}
		}
	})
}
