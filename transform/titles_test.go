package transform

import (
	"fmt"
	"strings"
	"testing"
)

func defaultMatcher(t testing.TB) *Matcher {
	t.Helper()
	tax, err := DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	return NewMatcher(tax)
}

func TestMatch(t *testing.T) {
	m := defaultMatcher(t)
	tests := []struct {
		name, in, family, seniority, method string // method "" = any matching method
	}{
		{"abbreviated senior manager with remote", "Sr. InfoSec Mgr - Remote", "security-manager", "senior", ""},
		{"ISSM acronym", "ISSM", "security-manager", "mid", ""},
		{"IT security manager", "IT Security Manager", "security-manager", "mid", ""},
		{"bare security manager is IT", "Security Manager", "security-manager", "mid", MethodExact},
		{"inverted word order", "Manager, Information Security", "security-manager", "mid", ""},
		{"word order does not matter", "Information Security Manager", "security-manager", "mid", ""},
		{"manager of application security", "Manager, IT Application Security", "security-manager", "mid", MethodRule},
		{"abbreviated senior manager cyber", "Sr Mgr Cybersecurity", "security-manager", "senior", ""},
		{"upper case cyber analyst", "SR. CYBER SECURITY ANALYST", "security-analyst", "senior", ""},
		{"requisition code", "Information Security Analysts - KBGFJG23970-17", "security-analyst", "mid", ""},
		{"numeric codes", "Security Engineer (001722) 9988935", "security-engineer", "mid", ""},
		{"location segment", "Cloud Security Engineer - Austin, TX", "security-engineer", "mid", ""},
		{"roman level", "Information Security Analyst III", "security-analyst", "senior", ""},
		{"L level", "SOC Analyst L1", "security-analyst", "junior", ""},
		{"level word", "Exploitation Analyst Level 3", "security-analyst", "senior", ""},
		{"staff is lead", "Staff Security Engineer", "security-engineer", "lead", ""},
		{"principal", "Principal Security Architect", "security-architect", "principal", ""},
		{"entry level", "Entry-Level Cyber Security Analyst", "security-analyst", "junior", ""},
		{"intern", "Information Security Intern", "", "intern", MethodNone},
		{"engineering manager is a manager", "Security Engineering Manager", "security-manager", "mid", ""},
		{"SOC manager", "SOC Manager", "security-manager", "mid", ""},
		{"director is a family", "Director of Information Security", "security-director", "mid", ""},
		{"head is a family", "Head of Cyber Security", "security-director", "mid", ""},
		{"vp is a family", "Vice President, Information Security", "security-director", "mid", ""},
		{"chief is a family", "Chief Information Security Officer (CISO)", "ciso", "mid", ""},
		{"deputy ciso", "Deputy CISO", "ciso", "mid", ""},
		{"pentester", "Sr. Penetration Tester", "penetration-tester", "senior", ""},
		{"red team", "Red Team Operator", "penetration-tester", "mid", ""},
		{"auditor", "IT Security Auditor", "security-auditor", "mid", ""},
		{"control assessor", "Security Control Assessor", "security-auditor", "mid", ""},
		{"consultant", "Cyber Security Consultant", "security-consultant", "mid", ""},
		{"firewall admin", "Firewall Admin", "security-administrator", "mid", ""},
		{"IAM engineer", "Identity and Access Management Engineer", "security-engineer", "mid", ""},
		{"typo", "Informaton Secuirty Manager", "security-manager", "mid", MethodFuzzy},
		{"unicode", "ＳＥＣＵＲＩＴＹ　ＭＡＮＡＧＥＲ", "security-manager", "mid", ""},
		{"diacritics and dash", "Ingénieur — Security Engineer", "security-engineer", "mid", ""},
		// Confusers: never a security family.
		{"securities operations", "Securities Operations Manager", "", "mid", MethodNone},
		{"guard supervisor", "Security Guard Supervisor", "", "mid", MethodNone},
		{"securities analyst", "Securities Analyst", "", "mid", MethodNone},
		{"security guard", "Security Guard", "", "mid", MethodNone},
		{"security officer is a guard", "Security Officer", "", "mid", MethodNone},
		{"loss prevention", "Loss Prevention Manager", "", "mid", MethodNone},
		{"physical security", "Physical Security Manager", "", "mid", MethodNone},
		{"physical in parentheses", "Security Manager (Physical)", "", "mid", MethodNone},
		{"social security", "Social Security Claims Specialist", "", "mid", MethodNone},
		{"homeland security", "Homeland Security Program Manager", "", "mid", MethodNone},
		{"safety", "Safety Manager", "", "mid", MethodNone},
		{"TSO", "Transportation Security Officer", "", "mid", MethodNone},
		{"regional physical", "Regional Security Manager", "", "mid", MethodNone},
		{"regional IT", "Regional Information Security Manager", "security-manager", "mid", ""},
		{"sales", "Security Sales Specialist", "", "mid", MethodNone},
		{"data scientist", "Data Scientist", "", "mid", MethodNone},
		{"software engineer", "Senior Software Engineer", "", "senior", MethodNone},
		{"CIO is not CISO", "Chief Information Officer", "", "mid", MethodNone},
		{"IT director is not security", "Director of IT", "", "mid", MethodNone},
		{"solar is not soar", "Solar Engineer", "", "mid", MethodNone},
		{"misspelt securities stays out", "Securites Operations Manager", "", "mid", MethodNone},
		{"detention is not detection", "Detention Officer", "", "mid", MethodNone},
		{"empty", "", "", "mid", MethodNone},
		{"only noise", " - Remote (123456)", "", "mid", MethodNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Match(tc.in)
			if got.Family != tc.family || got.Seniority != tc.seniority || (tc.method != "" && got.Method != tc.method) {
				t.Errorf("Match(%q) = %+v; want family %q seniority %q method %q", tc.in, got, tc.family, tc.seniority, tc.method)
			}
			if got.Input != tc.in {
				t.Errorf("Input = %q, want %q", got.Input, tc.in)
			}
			if got.Family == "" {
				if got.Title != "" || got.Method != MethodNone {
					t.Errorf("unmatched result carries title %q method %q", got.Title, got.Method)
				}
			} else {
				f, _ := m.Taxonomy().Family(got.Family)
				if got.Title != f.Name || got.Confidence < m.Taxonomy().Threshold || got.Confidence > 1 {
					t.Errorf("matched result %+v: want title %q and confidence in [threshold, 1]", got, f.Name)
				}
			}
		})
	}
}

func TestMatchMethods(t *testing.T) {
	m := defaultMatcher(t)
	for in, want := range map[string]string{
		"Security Manager":              MethodExact,
		"information security MANAGER":  MethodAlias,
		"Manager of Cloud Security Ops": MethodRule,
		"Secuirty Manger":               MethodFuzzy,
		"Chief Executive":               MethodNone,
	} {
		if got := m.Match(in); got.Method != want {
			t.Errorf("Match(%q).Method = %q (%+v), want %q", in, got.Method, got, want)
		}
	}
}

func TestMatchExplain(t *testing.T) {
	m := defaultMatcher(t)
	res, steps := m.Explain("Sr. InfoSec Mgr - Remote (REQ 12345)")
	if res != m.Match("Sr. InfoSec Mgr - Remote (REQ 12345)") {
		t.Fatalf("Explain and Match disagree: %+v", res)
	}
	stages := map[string]string{}
	for _, s := range steps {
		stages[s.Stage] += s.Detail + "; "
	}
	for _, want := range []string{"normalize", "parentheses", "location", "words", "seniority", "tokens", "alias", "result"} {
		if _, ok := stages[want]; !ok {
			t.Errorf("no %q step in %+v", want, steps)
		}
	}
	if !strings.Contains(stages["seniority"], "senior") || !strings.Contains(stages["result"], "security-manager") {
		t.Errorf("steps do not tell the story: %+v", steps)
	}
	_, steps = m.Explain("Security Guard Supervisor")
	found := false
	for _, s := range steps {
		if s.Stage == "exclusion" && strings.Contains(s.Detail, "guard") {
			found = true
		}
	}
	if !found {
		t.Errorf("exclusion not explained: %+v", steps)
	}
}

func TestMatchCache(t *testing.T) {
	m := defaultMatcher(t)
	c := NewCache(m)
	for i := 0; i < 3; i++ {
		for _, in := range []string{"Security Manager", "Data Scientist", "Sr. InfoSec Mgr"} {
			if got, want := c.Match(in), m.Match(in); got != want {
				t.Errorf("Cache.Match(%q) = %+v, want %+v", in, got, want)
			}
		}
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
}

func TestMatchConcurrent(t *testing.T) {
	m := defaultMatcher(t)
	titles := []string{"Security Manager", "SR. CYBER SECURITY ANALYST", "Securities Trader", "Secuirty Manger"}
	want := make([]Match, len(titles))
	for i, s := range titles {
		want[i] = m.Match(s)
	}
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			ok := true
			for n := 0; n < 200; n++ {
				for i, s := range titles {
					ok = ok && m.Match(s) == want[i]
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 8; g++ {
		if !<-done {
			t.Error("concurrent Match gave a different result")
		}
	}
}

func FuzzMatch(f *testing.F) {
	tax, err := DefaultTaxonomy()
	if err != nil {
		f.Fatal(err)
	}
	m := NewMatcher(tax)
	for _, fam := range tax.Families {
		f.Add(fam.Name)
		got := m.Match(fam.Name)
		if got.Family != fam.ID || got.Method != MethodExact || got.Confidence != 1 {
			f.Fatalf("canonical title %q matched %+v, want %s by exact", fam.Name, got, fam.ID)
		}
	}
	for _, s := range []string{"Sr. InfoSec Mgr - Remote", "Security Guard (Night) - 12345", "ＳＥＣ", "(((", "- - -", "I II III", "\xff\xfe", "Sr.-Level Co-op"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := m.Match(s)
		b, _ := m.Explain(s)
		if a != b || a != m.Match(s) {
			t.Fatalf("not deterministic for %q: %+v vs %+v", s, a, b)
		}
		if (a.Family == "") != (a.Method == MethodNone) || a.Confidence < 0 || a.Confidence > 1 {
			t.Fatalf("inconsistent result for %q: %+v", s, a)
		}
		if !validSeniority(a.Seniority) {
			t.Fatalf("seniority %q for %q", a.Seniority, s)
		}
	})
}

func ExampleMatcher_Match() {
	tax, err := DefaultTaxonomy()
	if err != nil {
		panic(err)
	}
	m := NewMatcher(tax)
	for _, title := range []string{"Sr. InfoSec Mgr - Remote", "Manager, Information Security", "Security Guard Supervisor"} {
		r := m.Match(title)
		fmt.Printf("%s: family=%q title=%q seniority=%s method=%s\n", r.Input, r.Family, r.Title, r.Seniority, r.Method)
	}
	// Output:
	// Sr. InfoSec Mgr - Remote: family="security-manager" title="Security Manager" seniority=senior method=alias
	// Manager, Information Security: family="security-manager" title="Security Manager" seniority=mid method=alias
	// Security Guard Supervisor: family="" title="" seniority=mid method=none
}

// benchTitles are distinct real-looking titles: Match is measured on
// titles it has not seen, as a Cache would hand them over.
func benchTitles(b *testing.B) []string {
	rows := readLabeled(b)
	out := make([]string, 0, len(rows)*4)
	for i, r := range rows {
		out = append(out, r.title, "Sr. "+r.title, r.title+" - Remote", fmt.Sprintf("%s (%06d)", r.title, i))
	}
	return out
}

func BenchmarkMatch(b *testing.B) {
	m := defaultMatcher(b)
	titles := benchTitles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Match(titles[i%len(titles)])
	}
}

func BenchmarkCacheHit(b *testing.B) {
	m := defaultMatcher(b)
	titles := benchTitles(b)
	c := NewCache(m)
	for _, s := range titles {
		c.Match(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Match(titles[i%len(titles)])
	}
}
