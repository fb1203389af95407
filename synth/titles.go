package synth

import (
	"math/rand/v2"
	"strings"
	"sync"
)

// seniority is the title-derived level (SPEC §5.1).
type seniority uint8

const (
	senIntern seniority = iota
	senJunior
	senMid
	senSenior
	senLead
	senPrincipal
)

// payMult is the pay multiplier of each seniority relative to mid.
var payMult = [...]float64{
	senIntern:    0.52,
	senJunior:    0.78,
	senMid:       1.00,
	senSenior:    1.22,
	senLead:      1.35,
	senPrincipal: 1.50,
}

// employerGroup selects the employer list a family draws from.
type employerGroup uint8

const (
	groupTech employerGroup = iota
	groupFinance
	groupPhysical
)

type soc struct {
	code, title string
}

// family is one job family of the vocabulary: security families of the
// default taxonomy and the non-security families and confusers beside them.
type family struct {
	id       string
	security bool
	// bases are canonical spellings, most common first.
	bases []string
	// socs are the SOC 2018 occupations filed for the family, most common first.
	socs []soc
	// median is the 2024 median annual pay in USD at mid seniority.
	median float64
	// levels says whether seniority words (Senior, II, Lead...) occur.
	levels bool
	group  employerGroup
	// weightLCA and weightSurvey are the family's share of rows (percent).
	weightLCA, weightSurvey float64
}

var (
	socISManager   = soc{"11-3021", "Computer and Information Systems Managers"}
	socInfoSec     = soc{"15-1212", "Information Security Analysts"}
	socSoftware    = soc{"15-1252", "Software Developers"}
	socSysAnalyst  = soc{"15-1211", "Computer Systems Analysts"}
	socNetArch     = soc{"15-1241", "Computer Network Architects"}
	socSysAdmin    = soc{"15-1244", "Network and Computer Systems Administrators"}
	socCompOther   = soc{"15-1299", "Computer Occupations, All Other"}
	socDataSci     = soc{"15-2051", "Data Scientists"}
	socFinAnalyst  = soc{"13-2051", "Financial and Investment Analysts"}
	socAuditor     = soc{"13-2011", "Accountants and Auditors"}
	socMgmtAnalyst = soc{"13-1111", "Management Analysts"}
	socFinManager  = soc{"11-3031", "Financial Managers"}
	socSecSales    = soc{"41-3031", "Securities, Commodities, and Financial Services Sales Agents"}
	socGuard       = soc{"33-9032", "Security Guards"}
	socSecSuperv   = soc{"33-1091", "First-Line Supervisors of Security Workers"}
	socMgrOther    = soc{"11-9199", "Managers, All Other"}
	socScreener    = soc{"33-9093", "Transportation Security Screeners"}
	socEligibility = soc{"43-4061", "Eligibility Interviewers, Government Programs"}
	socSafety      = soc{"19-5011", "Occupational Health and Safety Specialists"}
)

var families = []family{
	{id: "security-manager", security: true, levels: true, median: 150000, weightLCA: 9, weightSurvey: 10,
		socs: []soc{socISManager, socInfoSec},
		bases: []string{"Information Security Manager", "IT Security Manager", "Cyber Security Manager", "Security Manager",
			"Information Systems Security Manager", "ISSM", "Security Program Manager", "Cybersecurity Manager",
			"Security Compliance Manager", "Security Risk Manager", "Security GRC Manager", "Application Security Manager",
			"Network Security Manager", "Cloud Security Manager", "Product Security Manager", "Security Engineering Manager",
			"SOC Manager", "Systems Security Manager"}},
	{id: "security-director", security: true, median: 195000, weightLCA: 3, weightSurvey: 4,
		socs: []soc{socISManager},
		bases: []string{"Director of Information Security", "Director, Information Security", "Director of Security",
			"Head of Information Security", "Director of Cybersecurity", "Head of Cyber Security", "Head of Security",
			"Information Security Director", "VP of Security", "Vice President, Information Security"}},
	{id: "ciso", security: true, median: 240000, weightLCA: 1.5, weightSurvey: 2,
		socs: []soc{socISManager},
		bases: []string{"Chief Information Security Officer", "CISO", "Deputy CISO",
			"Chief Information Security Officer (CISO)", "Deputy Chief Information Security Officer"}},
	{id: "security-analyst", security: true, levels: true, median: 105000, weightLCA: 14, weightSurvey: 20,
		socs: []soc{socInfoSec, socSysAnalyst},
		bases: []string{"Information Security Analyst", "Cyber Security Analyst", "Security Analyst", "IT Security Analyst",
			"SOC Analyst", "Cybersecurity Analyst", "Threat Intelligence Analyst", "Vulnerability Analyst",
			"Incident Response Analyst", "Security Operations Center Analyst", "Threat Hunter", "Security GRC Analyst",
			"Information Systems Security Officer", "ISSO"}},
	{id: "security-engineer", security: true, levels: true, median: 140000, weightLCA: 14, weightSurvey: 22,
		socs: []soc{socInfoSec, socSoftware, socCompOther},
		bases: []string{"Security Engineer", "Information Security Engineer", "Cyber Security Engineer", "Cloud Security Engineer",
			"Application Security Engineer", "Network Security Engineer", "Product Security Engineer", "DevSecOps Engineer",
			"Detection Engineer", "IAM Engineer", "Security Software Engineer", "Identity and Access Management Engineer"}},
	{id: "security-architect", security: true, levels: true, median: 165000, weightLCA: 6, weightSurvey: 8,
		socs: []soc{socNetArch, socInfoSec},
		bases: []string{"Security Architect", "Cyber Security Architect", "Information Security Architect", "Cloud Security Architect",
			"Enterprise Security Architect", "Application Security Architect", "IAM Architect"}},
	{id: "security-administrator", security: true, levels: true, median: 95000, weightLCA: 3, weightSurvey: 4,
		socs: []soc{socSysAdmin, socInfoSec},
		bases: []string{"Security Administrator", "Firewall Administrator", "SAP Security Administrator", "IAM Administrator",
			"Information Security Administrator", "Network Security Administrator"}},
	{id: "security-consultant", security: true, levels: true, median: 120000, weightLCA: 4.5, weightSurvey: 8,
		socs: []soc{socInfoSec, socCompOther},
		bases: []string{"Security Consultant", "Cyber Security Consultant", "Information Security Consultant", "IT Security Consultant",
			"SAP Security Consultant", "Cybersecurity Advisor"}},
	{id: "penetration-tester", security: true, levels: true, median: 118000, weightLCA: 2.5, weightSurvey: 5,
		socs:  []soc{socInfoSec},
		bases: []string{"Penetration Tester", "Ethical Hacker", "Red Team Operator", "Pen Tester", "Pentester"}},
	{id: "security-auditor", security: true, levels: true, median: 100000, weightLCA: 2.5, weightSurvey: 4,
		socs:  []soc{socInfoSec, socAuditor},
		bases: []string{"IT Security Auditor", "Information Security Auditor", "Security Control Assessor", "Cyber Security Auditor"}},

	// Not security.
	{id: "software-developer", levels: true, median: 130000, weightLCA: 15, weightSurvey: 4,
		socs: []soc{socSoftware},
		bases: []string{"Software Engineer", "Software Developer", "Application Developer", "Java Developer",
			"Full Stack Developer", "Backend Engineer", "Software Development Engineer"}},
	{id: "systems-analyst", levels: true, median: 100000, weightLCA: 6, weightSurvey: 1,
		socs:  []soc{socSysAnalyst},
		bases: []string{"Systems Analyst", "Programmer Analyst", "Business Systems Analyst", "IT Analyst", "Computer Systems Analyst"}},
	{id: "data-scientist", levels: true, median: 130000, weightLCA: 4, weightSurvey: 2,
		socs:  []soc{socDataSci},
		bases: []string{"Data Scientist", "Machine Learning Scientist", "Data Science Analyst"}},
	{id: "it-manager", levels: true, median: 160000, weightLCA: 3, weightSurvey: 1,
		socs:  []soc{socISManager},
		bases: []string{"IT Manager", "Engineering Manager", "IT Project Manager", "Manager, Software Development", "Technical Program Manager"}},
	{id: "financial-analyst", levels: true, median: 90000, group: groupFinance, weightLCA: 2.5, weightSurvey: 0.5,
		socs:  []soc{socFinAnalyst},
		bases: []string{"Financial Analyst", "FP&A Analyst", "Investment Analyst"}},

	// Confusers: "security" in the name, never in a security family.
	{id: "securities-analyst", levels: true, median: 95000, group: groupFinance, weightLCA: 2, weightSurvey: 1,
		socs:  []soc{socFinAnalyst},
		bases: []string{"Securities Analyst", "Securities Research Analyst", "Fixed Income Securities Analyst"}},
	{id: "securities-trader", levels: true, median: 110000, group: groupFinance, weightLCA: 0.8, weightSurvey: 0.25,
		socs:  []soc{socSecSales},
		bases: []string{"Securities Trader", "Securities Sales Trader"}},
	{id: "securities-operations-manager", levels: true, median: 120000, group: groupFinance, weightLCA: 1, weightSurvey: 0.25,
		socs:  []soc{socFinManager},
		bases: []string{"Securities Operations Manager", "Securities Lending Manager"}},
	{id: "security-guard", levels: true, median: 38000, group: groupPhysical, weightLCA: 1.5, weightSurvey: 1,
		socs:  []soc{socGuard},
		bases: []string{"Security Guard", "Security Officer", "Armed Security Guard", "Unarmed Security Officer"}},
	{id: "loss-prevention-manager", median: 62000, group: groupPhysical, weightLCA: 1, weightSurvey: 0.5,
		socs:  []soc{socSecSuperv},
		bases: []string{"Loss Prevention Manager", "Asset Protection Manager"}},
	{id: "physical-security-manager", median: 85000, group: groupPhysical, weightLCA: 1, weightSurvey: 1,
		socs:  []soc{socMgrOther, socSecSuperv},
		bases: []string{"Physical Security Manager", "Physical Security Supervisor"}},
	{id: "transportation-security-officer", median: 45000, group: groupPhysical, weightLCA: 0.4, weightSurvey: 0,
		socs:  []soc{socScreener},
		bases: []string{"Transportation Security Officer"}},
	{id: "social-security-claims", median: 52000, group: groupPhysical, weightLCA: 0.8, weightSurvey: 0.25,
		socs:  []soc{socEligibility},
		bases: []string{"Social Security Claims Representative", "Social Security Claims Specialist"}},
	{id: "safety-manager", median: 90000, group: groupPhysical, weightLCA: 0.8, weightSurvey: 0.5,
		socs:  []soc{socSafety, socMgrOther},
		bases: []string{"Safety Manager", "EHS Manager", "Health and Safety Manager"}},
	{id: "homeland-security-program", median: 95000, group: groupTech, weightLCA: 0.2, weightSurvey: 0,
		socs:  []soc{socMgmtAnalyst},
		bases: []string{"Homeland Security Program Analyst", "Homeland Security Specialist"}},
}

// phraseAbbr are multi-word abbreviations real filers use.
var phraseAbbr = []struct {
	from string
	to   []string
}{
	{"Chief Information Security Officer", []string{"CISO"}},
	{"Information Systems Security Manager", []string{"ISSM"}},
	{"Information Systems Security Officer", []string{"ISSO"}},
	{"Security Operations Center", []string{"SOC"}},
	{"Identity and Access Management", []string{"IAM"}},
	{"Information Security", []string{"InfoSec", "Info Sec", "Information Sec", "Info Security"}},
	{"Cyber Security", []string{"Cybersecurity", "Cyber", "CyberSecurity"}},
	{"Cybersecurity", []string{"Cyber Security", "Cyber"}},
	{"Information Technology", []string{"IT"}},
	{"Vice President", []string{"VP"}},
	{"Penetration", []string{"Pen"}},
}

// wordAbbr are single-word abbreviations.
var wordAbbr = map[string][]string{
	"Manager":       {"Mgr", "Mngr", "Mgr."},
	"Information":   {"Info"},
	"Engineer":      {"Engr", "Eng"},
	"Director":      {"Dir", "Dir."},
	"Administrator": {"Admin"},
	"Operations":    {"Ops"},
	"Development":   {"Dev"},
	"Technology":    {"Tech"},
	"Systems":       {"Sys"},
	"Security":      {"Sec"}, // security families only
}

// roleNouns can move to the front: "Manager, Information Security".
var roleNouns = map[string]bool{
	"Manager": true, "Mgr": true, "Mngr": true, "Director": true, "Analyst": true, "Engineer": true,
	"Engr": true, "Architect": true, "Administrator": true, "Admin": true, "Consultant": true,
	"Auditor": true, "Officer": true, "Specialist": true,
}

type levelWord struct {
	text   string
	suffix bool
	level  seniority
}

var levelWords = []levelWord{
	{"Senior", false, senSenior}, {"Sr", false, senSenior}, {"Sr.", false, senSenior}, {"Senior", false, senSenior},
	{"Lead", false, senLead}, {"Principal", false, senPrincipal}, {"Staff", false, senLead},
	{"Junior", false, senJunior}, {"Jr", false, senJunior}, {"Jr.", false, senJunior}, {"Associate", false, senJunior},
	{"Entry Level", false, senJunior},
	{"I", true, senJunior}, {"II", true, senMid}, {"III", true, senSenior}, {"IV", true, senLead},
	{"- Level 2", true, senMid}, {"Level 3", true, senSenior}, {"Intern", true, senIntern},
}

var locations = []string{
	" - Remote", " (Remote)", " - Hybrid", " - New York, NY", " - San Francisco, CA", " - Austin, TX",
	" - Arlington, VA", " - Seattle, WA", " - Chicago, IL", " (Atlanta, GA)", " - Jersey City, NJ",
	" - Washington, DC", " - Boston, MA",
}

// noise sets how often each kind of real-world noise appears in a vocabulary.
type noise struct {
	size    int     // distinct title strings in the vocabulary, roughly
	upper   float64 // ALL CAPS
	lower   float64 // all lower case
	level   float64 // a seniority word
	phrase  float64 // each applicable phrase abbreviation
	word    float64 // each applicable word abbreviation
	swap    float64 // "Manager, Information Security"
	typo    float64 // one letter dropped or swapped
	req     float64 // requisition number
	loc     float64 // location
	upperAs bool    // also seed the ALL CAPS canonical spellings
}

var (
	lcaNoise = noise{size: 3000, upper: 0.45, lower: 0.02, level: 0.55, phrase: 0.30, word: 0.12, swap: 0.12,
		typo: 0.04, req: 0.08, loc: 0.07, upperAs: true}
	surveyNoise = noise{size: 900, upper: 0.02, lower: 0.01, level: 0.25, phrase: 0.15, word: 0.04, swap: 0.05,
		typo: 0.02, req: 0.01, loc: 0.02}
)

// titleVariant is one distinct title string of a vocabulary.
type titleVariant struct {
	text string
	csv  []byte // text as a CSV field
	fam  uint8
	sen  seniority
}

// vocabulary is the weighted set of title strings a profile draws from.
type vocabulary struct {
	titles []titleVariant
	pick   picker
}

var (
	lcaVocabOnce, surveyVocabOnce sync.Once
	lcaVocab, surveyVocab         *vocabulary
)

func lcaVocabulary() *vocabulary {
	lcaVocabOnce.Do(func() {
		lcaVocab = buildVocabulary(lcaNoise, func(f *family) float64 { return f.weightLCA }, 1)
	})
	return lcaVocab
}

func surveyVocabulary() *vocabulary {
	surveyVocabOnce.Do(func() {
		surveyVocab = buildVocabulary(surveyNoise, func(f *family) float64 { return f.weightSurvey }, 2)
	})
	return surveyVocab
}

// buildVocabulary derives a fixed vocabulary (independent of Options.Seed,
// like the real title population a file is sampled from). Within a family,
// titles are ranked canonical spellings first and weighted Zipf-like, so a
// few spellings dominate and a long tail of noisy ones follows.
func buildVocabulary(nz noise, weightOf func(*family) float64, stream uint64) *vocabulary {
	r := rand.New(rand.NewPCG(0x7061796261_6e64, stream))
	var total float64
	for i := range families {
		total += weightOf(&families[i])
	}
	v := &vocabulary{}
	var weights []float64
	for fi := range families {
		f := &families[fi]
		fw := weightOf(f)
		if fw == 0 {
			continue
		}
		target := 12 + int(float64(nz.size)*fw/total)
		seen := make(map[string]bool, target)
		var fam []titleVariant
		add := func(text string, sen seniority) {
			if text == "" || seen[text] {
				return
			}
			seen[text] = true
			fam = append(fam, titleVariant{text: text, csv: csvField(text), fam: uint8(fi), sen: sen})
		}
		for _, b := range f.bases {
			add(b, senMid)
			if nz.upperAs {
				add(strings.ToUpper(b), senMid)
			}
		}
		for tries := 0; len(fam) < target && tries < 60*target; tries++ {
			add(noisyTitle(r, f, nz))
		}
		zw := zipfWeights(len(fam), 2, 1.0)
		var zs float64
		for _, w := range zw {
			zs += w
		}
		for i := range fam {
			weights = append(weights, fw*zw[i]/zs)
		}
		v.titles = append(v.titles, fam...)
	}
	v.pick = newPicker(weights)
	return v
}

// noisyTitle returns one spelling of a title of family f.
func noisyTitle(r *rand.Rand, f *family, nz noise) (string, seniority) {
	bw := zipfWeights(len(f.bases), 1, 1.0)
	t := f.bases[newPicker(bw).pick(r)]
	for _, p := range phraseAbbr {
		if strings.Contains(t, p.from) && r.Float64() < nz.phrase {
			t = strings.Replace(t, p.from, p.to[r.IntN(len(p.to))], 1)
		}
	}
	words := strings.Fields(t)
	for i, w := range words {
		alts, ok := wordAbbr[w]
		if !ok || (w == "Security" && !f.security) {
			continue
		}
		if r.Float64() < nz.word {
			words[i] = alts[r.IntN(len(alts))]
		}
	}
	if n := len(words); n >= 3 && roleNouns[words[n-1]] && !strings.HasSuffix(words[n-2], ",") &&
		words[0] != "Director" && words[0] != "Head" && r.Float64() < nz.swap {
		sep := ","
		if r.IntN(4) == 0 {
			sep = " -"
		}
		words = append([]string{words[n-1] + sep}, words[:n-1]...)
	}
	sen := senMid
	if f.levels && r.Float64() < nz.level {
		lw := levelWords[r.IntN(len(levelWords))]
		if lw.level <= senJunior && strings.Contains(t, "Manager") {
			lw = levelWords[0] // no junior managers or manager interns
		}
		sen = lw.level
		if lw.suffix {
			words = append(words, lw.text)
		} else {
			words = append([]string{lw.text}, words...)
		}
	}
	t = strings.Join(words, " ")
	switch x := r.Float64(); {
	case x < nz.upper:
		t = strings.ToUpper(t)
	case x < nz.upper+nz.lower:
		t = strings.ToLower(t)
	}
	if r.Float64() < nz.typo {
		t = typo(r, t)
	}
	if r.Float64() < nz.req {
		t += requisition(r)
	}
	if r.Float64() < nz.loc {
		t += locations[r.IntN(len(locations))]
	}
	return t, sen
}

// typo drops one letter of a long word or swaps two neighbours.
func typo(r *rand.Rand, t string) string {
	words := strings.Fields(t)
	var long []int
	for i, w := range words {
		if len(w) >= 6 {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return t
	}
	wi := long[r.IntN(len(long))]
	w := []byte(words[wi])
	p := 1 + r.IntN(len(w)-2)
	if r.IntN(2) == 0 {
		w = append(w[:p], w[p+1:]...)
	} else {
		w[p], w[p+1] = w[p+1], w[p]
	}
	words[wi] = string(w)
	return strings.Join(words, " ")
}

// requisition returns a requisition-number suffix as employers write them.
func requisition(r *rand.Rand) string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	var b []byte
	switch r.IntN(4) {
	case 0: // " - KBGFJG23970-17"
		b = append(b, " - "...)
		for range 6 {
			b = append(b, letters[r.IntN(len(letters))])
		}
		b = appendPadded(b, int64(r.IntN(100000)), 5)
		b = append(b, '-')
		b = appendPadded(b, int64(15+r.IntN(11)), 2)
	case 1: // " (001722)"
		b = append(b, " ("...)
		b = appendPadded(b, int64(r.IntN(1000000)), 6)
		b = append(b, ')')
	case 2: // " - Req #40311"
		b = append(b, " - Req #"...)
		b = appendPadded(b, int64(r.IntN(100000)), 5)
	default: // " R0123456"
		b = append(b, " R"...)
		b = appendPadded(b, int64(r.IntN(10000000)), 7)
	}
	return string(b)
}
