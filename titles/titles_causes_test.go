package titles

import (
	"strings"
	"testing"
)

// TestTitleCauses holds one named case per cause of the misses on real
// postings: parentheses, role and rank words, domain vocabulary, typos of
// decisive words, stray numbers, generic titles. Each case failed before
// the matcher learned the cause.
func TestTitleCauses(t *testing.T) {
	m := defaultMatcher(t)
	tests := []struct {
		cause, in, family, level string
	}{
		// Parentheses are analyzed: their words are cues ...
		{"paren cue", "Systems Engineer (Security)", "security-engineer", "unspecified"},
		{"paren cue mid-title", "Senior Enterprise (Security) Architect", "security-architect", "senior"},
		{"paren cue consultant", "Senior Consultant (Cybersecurity)", "security-consultant", "senior"},
		{"paren cue after slash", "SOFTWARE ENGINEER/ (SAP SECURITY/GRC)", "security-engineer", "unspecified"},
		{"paren cue bracket", "Engineer [Information Security]", "security-engineer", "unspecified"},
		// ... and exclusions, which block only without an IT word outside.
		{"paren exclusion outweighed", "Applied Cybersecurity Engineer (Center for Securing the Homeland)", "security-engineer", "unspecified"},
		{"paren exclusion", "Security Manager (Physical)", "", "unspecified"},
		{"paren codes removed", "Security Architect (Job ID 88213)", "security-architect", "unspecified"},
		{"paren places removed", "Security Engineer [Remote, US]", "security-engineer", "unspecified"},
		{"paren SOC code is no SOC job", "APPLICATION ENGINEER (SOC 17-2199.10)", "", "unspecified"},
		{"paren clearance is no cue", "Network Engineer (Security Clearance Required)", "", "unspecified"},
		// Role words head a title; rank words do not.
		{"lead heads", "Security Lead", "security-manager", "lead"},
		{"lead heads info sec", "Information Security Lead", "security-manager", "lead"},
		{"team lead heads", "Security Operations Team Lead", "security-manager", "lead"},
		{"lead is a level beside a role", "Lead Security Analyst", "security-analyst", "lead"},
		{"red team lead", "Red Team Lead", "penetration-tester", "lead"},
		{"associate heads", "Information Security Associate", "security-analyst", "entry"},
		{"researcher", "Security Researcher", "security-analyst", "unspecified"},
		{"threat intel researcher", "Threat Intelligence Researcher", "security-analyst", "unspecified"},
		{"specialist", "Security Specialist", "security-analyst", "unspecified"},
		{"domain alone", "Cyber Security", "security-analyst", "unspecified"},
		{"intern", "Cybersecurity Intern", "security-analyst", "intern"},
		{"AVP is a rank", "AVP, Cyber Intelligence Analyst", "security-analyst", "unspecified"},
		{"VP is a rank beside a role", "VP, Security Architect", "security-architect", "unspecified"},
		{"VP heads without a role", "VP of Security", "security-director", "unspecified"},
		{"VP and a typo of chief", "VP, CHEIF SECURITY OFFICER", "ciso", "unspecified"},
		{"product manager", "Product Manager, Security", "", "unspecified"},
		{"staff product manager", "Staff Product Manager, Data Security", "", "lead"},
		{"technical program manager", "Technical Program Manager – Security", "", "unspecified"},
		{"security program manager", "Security Program Manager", "security-manager", "unspecified"},
		{"program manager of security", "Program Manager, Information Security", "security-manager", "unspecified"},
		{"product security manager", "Product Security Manager", "security-manager", "unspecified"},
		{"identity alone is no cue", "Lead Software Engineer, Backend for Identity", "", "lead"},
		{"identity and access", "Identity and Access Management Engineer", "security-engineer", "unspecified"},
		// Domain vocabulary.
		{"digital forensics", "Digital Forensic Analyst", "security-analyst", "unspecified"},
		{"computer forensics", "Computer Forensic Software Engineer", "security-engineer", "unspecified"},
		{"forensic accountant", "Forensic Accountant", "", "unspecified"},
		{"cyberark", "CyberArk Engineer", "security-engineer", "unspecified"},
		{"sailpoint", "SailPoint Developer", "security-engineer", "unspecified"},
		{"okta", "Okta Administrator", "security-administrator", "unspecified"},
		{"pam", "Privileged Access Management Engineer", "security-engineer", "unspecified"},
		{"splunk", "Splunk Engineer", "security-engineer", "unspecified"},
		{"qradar", "QRadar Analyst", "security-analyst", "unspecified"},
		{"crowdstrike", "CrowdStrike Falcon Administrator", "security-administrator", "unspecified"},
		{"sentinel", "Microsoft Sentinel Engineer", "security-engineer", "unspecified"},
		{"edr", "EDR Engineer", "security-engineer", "unspecified"},
		{"grc", "SAP GRC Consultant", "security-consultant", "unspecified"},
		{"attack surface", "Attack Surface Analyst", "security-analyst", "unspecified"},
		// Typos of decisive words, bounded.
		{"typo chief", "Cheif Information Security Officer", "ciso", "unspecified"},
		{"typo security", "Secuirty Engineer", "security-engineer", "unspecified"},
		{"typo analyst", "Security Anaylst", "security-analyst", "unspecified"},
		{"typo architect", "Security Archtect", "security-architect", "unspecified"},
		{"typo manager", "Security Manger", "security-manager", "unspecified"},
		{"typo engineer", "Security Enginer", "security-engineer", "unspecified"},
		{"typo social security", "Social Secuirty Specialist", "", "unspecified"},
		{"typo homeland", "Homeland Secuirty Analyst", "", "unspecified"},
		{"typo guard", "Security Gaurd", "", "unspecified"},
		{"typo physical", "Physcial Security Manager", "", "unspecified"},
		{"typo securities", "Securites Analyst", "", "unspecified"},
		{"policy is no typo of police", "Security Policy Analyst", "security-analyst", "unspecified"},
		{"directory is no typo of director", "Active Directory Security Engineer", "security-engineer", "unspecified"},
		{"managed is no typo of manager", "Managed Security Services Engineer", "security-engineer", "unspecified"},
		{"radar is no typo of qradar", "RADAR SYSTEMS ENGINEER", "", "unspecified"},
		{"typo security upper case", "DEVOPS / SECIRITY ENGINEER", "security-engineer", "unspecified"},
		// Stray numbers never become levels.
		{"requisition and days", "Cloud Cyber Security Engineer (678392) // 3 days on-site", "security-engineer", "unspecified"},
		{"days in office", "Security Analyst 2 - 5 days onsite", "security-analyst", "mid"},
		{"tier", "Tier 3 SOC Analyst", "security-analyst", "senior"},
		{"tier in parentheses", "SOC Analyst (Tier 2) - Night Shift", "security-analyst", "mid"},
		// Level: one ladder, unspecified when nothing says.
		{"no level word", "Security Engineer", "security-engineer", "unspecified"},
		{"executive", "Executive Director, Information Security", "security-director", "executive"},
		{"account executive is no level", "Account Executive", "", "unspecified"},
		// Generic titles stay unmatched or low.
		{"bare analyst", "Analyst", "", "unspecified"},
		{"bare officer", "Security Officer", "", "unspecified"},
		{"bare security", "Security", "", "unspecified"},
	}
	for _, tc := range tests {
		t.Run(tc.cause, func(t *testing.T) {
			got := m.Match(tc.in)
			if got.Family != tc.family || got.Seniority != tc.level {
				_, steps := m.Explain(tc.in)
				t.Errorf("Match(%q) = %s/%s (%s %.2f), want %q/%s\n%v", tc.in, got.Family, got.Seniority, got.Method, got.Confidence, tc.family, tc.level, steps)
			}
		})
	}
}

// TestTitleConfidenceCalibrated: matches that rest on weak evidence stay
// in the review band (under 0.8), so `titles review` lists them.
func TestTitleConfidenceCalibrated(t *testing.T) {
	m := defaultMatcher(t)
	for _, in := range []string{"Security Specialist", "Cyber Security", "Cloud Security", "Security Lead", "VP, CHEIF SECURITY OFFICER"} {
		if got := m.Match(in); got.Family == "" || got.Confidence >= 0.8 {
			t.Errorf("Match(%q) = %s at %.2f, want a match under 0.8", in, got.Family, got.Confidence)
		}
	}
	for _, in := range []string{"Security Engineer", "Information Security Analyst", "Lead Security Analyst", "CISO"} {
		if got := m.Match(in); got.Confidence < 0.85 {
			t.Errorf("Match(%q) = %s at %.2f, want at least 0.85", in, got.Family, got.Confidence)
		}
	}
}

// TestTitleAliasShared: an alias several families list says little, and a
// single generic word never reaches the threshold, under any taxonomy.
func TestTitleAliasShared(t *testing.T) {
	tax := &Taxonomy{Version: "t", Threshold: 0.6,
		Classes: map[string][]string{"role": {"analyst"}},
		Families: []Family{
			{ID: "a", Name: "Buyers", Aliases: []string{"Analyst", "Data Analyst"}},
			{ID: "b", Name: "Statisticians", Aliases: []string{"Data Analyst"}},
			{ID: "c", Name: "Scientists", Aliases: []string{"Data Analyst"}},
			{ID: "d", Name: "Nurses", Aliases: []string{"Staff Nurse"}},
		}}
	m := NewMatcher(tax)
	for in, want := range map[string]string{"Analyst": "", "Data Analyst": "", "Staff Nurse": "d", "Buyers": "a"} {
		if got := m.Match(in); got.Family != want {
			t.Errorf("Match(%q) = %q at %.2f, want %q", in, got.Family, got.Confidence, want)
		}
	}
	_, steps := m.Explain("Data Analyst")
	if !strings.Contains(stepText(steps), "alias of 3 families") {
		t.Errorf("explain does not say the alias is shared: %v", steps)
	}
}

// TestTitleExplainHeads: explain names the role, the rank and the level
// words, and the words in parentheses.
func TestTitleExplainHeads(t *testing.T) {
	m := defaultMatcher(t)
	_, steps := m.Explain("AVP, Sr. Cyber Intelligence Analyst (Threat)")
	text := stepText(steps)
	for _, want := range []string{"role: analyst", "rank: vp (a rank, not a role)", "level words: senior", `"threat": cues`} {
		if !strings.Contains(text, want) {
			t.Errorf("explain lacks %q:\n%s", want, text)
		}
	}
}

func stepText(steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(s.Stage + ": " + s.Detail + "\n")
	}
	return b.String()
}

// TestEditKind checks editKind against the obvious slow definition: apply
// every single deletion, insertion, substitution and swap to want.
func TestEditKind(t *testing.T) {
	words := []string{"chief", "security", "manager", "analyst", "guard", "aa", "abc"}
	letters := "abcehimrsuy"
	for _, want := range words {
		slow := map[string]int{}
		for i := 0; i < len(want); i++ {
			slow[want[:i]+want[i+1:]] = editDeletion
			if i+1 < len(want) && want[i] != want[i+1] {
				slow[want[:i]+string(want[i+1])+string(want[i])+want[i+2:]] = editTransposition
			}
		}
		for i := 0; i <= len(want); i++ {
			for _, c := range letters {
				slow[want[:i]+string(c)+want[i:]] = editInsertion
				if i < len(want) && byte(c) != want[i] {
					if _, ok := slow[want[:i]+string(c)+want[i+1:]]; !ok {
						slow[want[:i]+string(c)+want[i+1:]] = editSubstitution
					}
				}
			}
		}
		for typed, kind := range slow {
			if got := editKind(typed, want); got != kind && !(got != editNone && kind != editNone) {
				t.Errorf("editKind(%q, %q) = %d, want %d", typed, want, got, kind)
			}
		}
		for _, far := range []string{want + "zz", "zz" + want, strings.ToUpper(want), want} {
			if _, ok := slow[far]; !ok && editKind(far, want) != editNone {
				t.Errorf("editKind(%q, %q) = %d, want none", far, want, editKind(far, want))
			}
		}
	}
}
