package titles

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Match is the normalization of one raw title.
type Match struct {
	Input  string `json:"input"`
	Title  string `json:"title"`  // canonical title of the family; "" when unmatched
	Family string `json:"family"` // family id; "" when unmatched
	// Seniority is the level the title's words state: intern, entry, mid,
	// senior, lead, principal, executive, or unspecified when they state
	// none (never "mid" by default).
	Seniority  string  `json:"seniority"`
	Confidence float64 `json:"confidence"`
	Method     string  `json:"method"` // exact, alias, rule, fuzzy or none
}

// Step is one thing the matcher did to a title, for a person to read.
type Step struct {
	Stage  string `json:"stage"`
	Detail string `json:"detail"`
}

// Match methods.
const (
	MethodExact = "exact"
	MethodAlias = "alias"
	MethodRule  = "rule"
	MethodFuzzy = "fuzzy"
	MethodNone  = "none"
)

const (
	confExact       = 1.0
	confAlias       = 0.95
	confRuleDefault = 0.85
	// Every word a rule leaves unexplained and the taxonomy does not know
	// costs a little confidence, down to confRuleFloor: rules are built to
	// generalize, so an odd extra word must not unmatch a title.
	confUnknownWord = 0.03
	confRuleFloor   = 0.7
	// A title matched only after a typo was corrected keeps this share of
	// the confidence of the stage that then matched.
	confTypoFactor = 0.85
	// Token-overlap matches score weighted Dice times this factor.
	confOverlapFactor = 0.9
	// A match that needed the words inside parentheses keeps this share of
	// its confidence: "Systems Engineer (Security)" is a security engineer,
	// a little less surely than "Security Systems Engineer".
	confParenFactor = 0.92
	// An alias shared by n families matches at confAlias/(1+confSharedStep*(n-1)):
	// O*NET lists "Data Analyst" under nine occupations, so it says little.
	confSharedStep = 0.35
	// A title that is one generic role word ("Analyst", "Manager") never
	// reaches more than this, whichever stage matched it.
	confGenericCap = 0.45
	// Typos of the words that decide a family (classes "role" and
	// "decisive", the exclusions) are corrected before matching from this
	// length.
	minDecisiveTypoLen = 5
	// Typos are corrected only between words of at least this length:
	// shorter ones are too often other real words ("solar" is not "soar").
	minTypoLen = 6
	maxTypoLen = 24
	// Longer titles are cut here: no real title is this long, and the
	// matcher's cost must stay bounded on garbage.
	maxTitleBytes = 512
)

// Matcher maps raw job titles to the families of a taxonomy. It is immutable
// after NewMatcher, so Match is safe for concurrent use.
type Matcher struct {
	tax       *Taxonomy
	threshold float64

	stop, noise, locations map[string]bool
	abbrev                 map[string][]string
	phrases                map[string][]phrase // by first word, longest first
	seniority              map[string]int      // word -> index in seniorityLevels
	levels                 map[string]int      // "iii", "l3", "3" -> index
	hard, soft             map[string][]excl   // by first word
	classes                map[string]map[string]bool
	cue, strong            map[string]bool
	role, rank             map[string]bool // head nouns; rank words (vp) that are no role
	decisive               map[string]bool // words whose typos are corrected up front: role, decisive, exclusions
	decisiveByLen          map[int][]string
	vocab                  map[string]bool // every word the taxonomy uses
	reserved               map[string]bool // words with a role of their own: never plural-folded

	// Per pass (0: security families, 1: the others) so that security
	// families take precedence over imported ones at every stage.
	exact, alias [2]map[string]int
	shared       [2]map[string]int // alias key -> number of families listing it
	rules        [2][]compiledRule
	entries      [2][]simEntry
	postings     [2]map[string][]int32
	idf          map[string]float64
	maxIDF       float64

	deletes map[string][]string // one-deletion variants of vocab words -> the words

	over *Overrides // applied before any stage; nil for none
	fp   string     // fingerprint with the overrides; "" = the taxonomy's
	fpc  *fpCache   // the taxonomy's fingerprint, computed once

	calls *atomic.Int64 // Calls
}

type fpCache struct {
	once sync.Once
	v    string
}

func (m *Matcher) taxFP() string {
	m.fpc.once.Do(func() { m.fpc.v = m.tax.Fingerprint() })
	return m.fpc.v
}

type phrase struct {
	words []string
	repl  []string
}

type excl struct {
	text  string
	words []string // all must be present
}

type compiledRule struct {
	fam      int
	groups   []ruleGroup // one alternative of every group must be present
	none     []ruleGroup // no alternative of any of these may be present
	conf     float64
	priority int
	text     string
}

// ruleGroup is one rule element: a few alternatives are scanned, a class
// is looked up.
type ruleGroup struct {
	alts []string
	set  map[string]bool
}

func newRuleGroup(alts []string) ruleGroup {
	g := ruleGroup{alts: alts}
	if len(alts) > 4 {
		g.set = set(alts)
	}
	return g
}

func (g *ruleGroup) has(tokens []string) bool {
	for _, t := range tokens {
		if g.set != nil {
			if g.set[t] {
				return true
			}
			continue
		}
		for _, alt := range g.alts {
			if t == alt {
				return true
			}
		}
	}
	return false
}

type simEntry struct {
	fam    int
	tokens []string
	weight float64
	text   string
}

// NewMatcher compiles a taxonomy into a matcher.
func NewMatcher(t *Taxonomy) *Matcher {
	m := &Matcher{
		tax:       t,
		threshold: t.Threshold,
		calls:     new(atomic.Int64),
		stop:      set(t.Stopwords),
		noise:     set(t.Noise),
		locations: set(t.Locations),
		abbrev:    map[string][]string{},
		phrases:   map[string][]phrase{},
		seniority: map[string]int{},
		levels:    map[string]int{},
		classes:   map[string]map[string]bool{},
		vocab:     map[string]bool{},
		reserved:  map[string]bool{},
		idf:       map[string]float64{},
		deletes:   map[string][]string{},
		fpc:       &fpCache{},
	}
	addVocab := func(s string) {
		for _, w := range strings.Fields(s) {
			m.vocab[w] = true
		}
	}
	for _, w := range t.Stopwords {
		addVocab(w)
	}
	for _, w := range t.Noise {
		addVocab(w)
	}
	for k, v := range t.Abbreviations {
		m.abbrev[k] = strings.Fields(v)
		addVocab(k)
		addVocab(v)
	}
	for k, v := range t.Phrases {
		p := phrase{words: strings.Fields(k), repl: strings.Fields(v)}
		if len(p.words) == 0 {
			continue
		}
		m.phrases[p.words[0]] = append(m.phrases[p.words[0]], p)
		addVocab(k)
		addVocab(v)
	}
	for _, ps := range m.phrases {
		sort.Slice(ps, func(i, j int) bool {
			if len(ps[i].words) != len(ps[j].words) {
				return len(ps[i].words) > len(ps[j].words)
			}
			return strings.Join(ps[i].words, " ") < strings.Join(ps[j].words, " ")
		})
	}
	for level, ws := range t.Seniority {
		i, _ := levelIndex(level)
		for _, w := range ws {
			m.seniority[w] = i
			addVocab(w)
		}
	}
	for k, v := range t.Levels {
		if i, ok := levelIndex(v); ok {
			m.levels[k] = i
		}
	}
	m.hard, m.soft = map[string][]excl{}, map[string][]excl{}
	for _, e := range t.Exclusions.Hard {
		if ws := strings.Fields(e); len(ws) > 0 {
			m.hard[ws[0]] = append(m.hard[ws[0]], excl{text: e, words: ws})
			addVocab(e)
		}
	}
	for _, e := range t.Exclusions.Soft {
		if ws := strings.Fields(e); len(ws) > 0 {
			m.soft[ws[0]] = append(m.soft[ws[0]], excl{text: e, words: ws})
			addVocab(e)
		}
	}
	for name, ws := range t.Classes {
		m.classes[name] = set(ws)
		for _, w := range ws {
			addVocab(w)
		}
	}
	for _, list := range [][]string{t.Stopwords, t.Noise, t.Locations, t.Exclusions.Hard, t.Exclusions.Soft} {
		for _, w := range list {
			m.reserved[w] = true
		}
	}
	for k := range m.abbrev {
		m.reserved[k] = true
	}
	for w := range m.seniority {
		m.reserved[w] = true
	}
	for _, ws := range t.Classes {
		for _, w := range ws {
			m.reserved[w] = true
		}
	}
	m.cue = m.classes["cue"]
	m.strong = m.classes["strong"]
	m.role = m.classes["role"]
	m.rank = m.classes["rank"]
	for i := range m.exact {
		m.exact[i] = map[string]int{}
		m.alias[i] = map[string]int{}
		m.shared[i] = map[string]int{}
		m.postings[i] = map[string][]int32{}
	}
	for _, f := range t.Families {
		addVocab(strings.ToLower(f.Name))
		for _, a := range f.Aliases {
			addVocab(strings.ToLower(a))
		}
		for _, r := range f.Rules {
			for _, el := range r.All {
				if !strings.HasPrefix(el, "@") {
					addVocab(strings.ReplaceAll(el, "|", " "))
				}
			}
		}
	}
	// Keys are computed after the vocabulary is complete, since cleaning
	// (plural folding, hyphen joining) consults it.
	df := map[string]int{}
	nEntries := 0
	aliasFams := [2]map[string]map[int]bool{{}, {}}
	for fi, f := range t.Families {
		pass := passOf(f)
		nameA := m.analyze(f.Name, nil)
		if k := nameA.key(); k != "" {
			if _, dup := m.exact[pass][k]; !dup {
				m.exact[pass][k] = fi
			}
			m.addEntry(pass, fi, nameA.tokens, f.Name)
		}
		for _, al := range f.Aliases {
			a := m.analyze(al, nil)
			k := a.key()
			if k == "" {
				continue
			}
			if _, dup := m.alias[pass][k]; !dup {
				m.alias[pass][k] = fi
			}
			if aliasFams[pass][k] == nil {
				aliasFams[pass][k] = map[int]bool{}
			}
			aliasFams[pass][k][fi] = true
			m.addEntry(pass, fi, a.tokens, al)
		}
		for _, r := range f.Rules {
			cr := compiledRule{fam: fi, conf: r.Confidence, priority: f.Priority, text: strings.Join(r.All, " + ")}
			if r.Priority != 0 {
				cr.priority = r.Priority
			}
			if len(r.None) > 0 {
				cr.text += ", none of " + strings.Join(r.None, " ")
			}
			if cr.conf == 0 {
				cr.conf = confRuleDefault
			}
			group := func(el string) ruleGroup {
				if c, ok := strings.CutPrefix(el, "@"); ok {
					return newRuleGroup(sortedKeys(m.classes[c]))
				}
				return newRuleGroup(strings.Split(el, "|"))
			}
			for _, el := range r.All {
				cr.groups = append(cr.groups, group(el))
			}
			for _, el := range r.None {
				cr.none = append(cr.none, group(el))
			}
			m.rules[pass] = append(m.rules[pass], cr)
		}
	}
	for pass := range aliasFams {
		for k, fams := range aliasFams[pass] {
			m.shared[pass][k] = len(fams)
		}
	}
	for pass := range m.entries {
		for _, e := range m.entries[pass] {
			nEntries++
			for _, tok := range e.tokens {
				df[tok]++
			}
		}
	}
	for tok, n := range df {
		m.idf[tok] = math.Log(1 + float64(nEntries)/float64(n))
		m.maxIDF = math.Max(m.maxIDF, m.idf[tok])
	}
	m.maxIDF = math.Max(m.maxIDF, math.Log(1+float64(nEntries)))
	for pass := range m.entries {
		for i := range m.entries[pass] {
			e := &m.entries[pass][i]
			for _, tok := range e.tokens {
				e.weight += m.idf[tok]
				m.postings[pass][tok] = append(m.postings[pass][tok], int32(i))
			}
		}
		// Highest priority first; stable, so taxonomy order breaks ties.
		sort.SliceStable(m.rules[pass], func(i, j int) bool {
			return m.rules[pass][i].priority > m.rules[pass][j].priority
		})
	}
	for w := range m.vocab {
		if utf8.RuneCountInString(w) < minTypoLen-1 || strings.ContainsAny(w, "0123456789") {
			continue
		}
		for _, d := range deletions(w) {
			m.deletes[d] = append(m.deletes[d], w)
		}
	}
	for d, ws := range m.deletes {
		sort.Strings(ws)
		m.deletes[d] = dedupSorted(ws)
	}
	m.decisive = map[string]bool{}
	for _, c := range []map[string]bool{m.role, m.classes["decisive"]} {
		for w := range c {
			m.decisive[w] = true
		}
	}
	for _, es := range []map[string][]excl{m.hard, m.soft} {
		for _, list := range es {
			for _, e := range list {
				if len(e.words) == 1 {
					m.decisive[e.words[0]] = true
				}
			}
		}
	}
	m.decisiveByLen = map[int][]string{}
	for w := range m.decisive {
		if n := utf8.RuneCountInString(w); n >= minDecisiveTypoLen && !strings.ContainsAny(w, "-0123456789") {
			m.decisiveByLen[n] = append(m.decisiveByLen[n], w)
		}
	}
	for _, ws := range m.decisiveByLen {
		sort.Strings(ws)
	}
	return m
}

func passOf(f Family) int {
	if f.Security {
		return 0
	}
	return 1
}

func (m *Matcher) addEntry(pass, fam int, tokens []string, text string) {
	if len(tokens) == 0 {
		return
	}
	m.entries[pass] = append(m.entries[pass], simEntry{fam: fam, tokens: append([]string(nil), tokens...), text: text})
}

// Taxonomy returns the taxonomy the matcher was built from.
func (m *Matcher) Taxonomy() *Taxonomy { return m.tax }

// Match normalizes one raw title. It is pure and deterministic.
func (m *Matcher) Match(raw string) Match {
	return m.match(raw, nil)
}

// Explain is Match plus every step that led to the result, for a person.
func (m *Matcher) Explain(raw string) (Match, []Step) {
	var steps []Step
	res := m.match(raw, &steps)
	return res, steps
}

func (m *Matcher) match(raw string, steps *[]Step) Match {
	m.calls.Add(1)
	a := m.analyze(raw, steps)
	res := Match{Input: raw, Seniority: levelName(a.seniority), Method: MethodNone}
	if m.over != nil {
		if o, ok := m.over.lookup(raw); ok {
			return m.applyOverride(res, o, steps)
		}
	}
	fam, conf, method := m.decide(&a, steps)
	if fam >= 0 && a.typos && method != MethodFuzzy {
		if steps != nil {
			logStep(steps, "typo", fmt.Sprintf("matched after correcting a typo: %.2f × %.2f", conf, confTypoFactor))
		}
		conf, method = conf*confTypoFactor, MethodFuzzy
	}
	if fam >= 0 && a.generic && conf > confGenericCap {
		if steps != nil {
			logStep(steps, "generic", fmt.Sprintf("%q alone is a generic title: confidence %.2f capped at %.2f", a.tokens[0], conf, confGenericCap))
		}
		conf = confGenericCap
	}
	if fam >= 0 && conf >= m.threshold {
		f := m.tax.Families[fam]
		res.Family, res.Title, res.Confidence, res.Method = f.ID, f.Name, round3(conf), method
		if steps != nil {
			logStep(steps, "result", fmt.Sprintf("%s (%q), seniority %s, confidence %.2f, method %s", f.ID, f.Name, res.Seniority, res.Confidence, method))
		}
		return res
	}
	if fam >= 0 {
		if steps != nil {
			logStep(steps, "threshold", fmt.Sprintf("best candidate %s at %.2f is under the threshold %.2f", m.tax.Families[fam].ID, conf, m.threshold))
		}
		res.Confidence = round3(conf)
	}
	if steps != nil {
		logStep(steps, "result", fmt.Sprintf("unmatched, seniority %s", res.Seniority))
	}
	return res
}

// Calls is the number of titles m has matched (Match or Explain; a
// Cache's hits are not counted), so that a caller can tell how often
// titles were normalized. A matcher from WithOverrides counts its own.
func (m *Matcher) Calls() int64 { return m.calls.Load() }

func levelName(i int) string {
	if i < 0 {
		return LevelUnspecified
	}
	return seniorityLevels[i]
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func logStep(steps *[]Step, stage, detail string) {
	if steps != nil {
		*steps = append(*steps, Step{Stage: stage, Detail: detail})
	}
}

// secOK reports whether the exclusions allow a security family. A hard
// exclusion outside parentheses always blocks; one inside them, like a
// soft one, only when the words outside parentheses have no IT word:
// "Security Manager (Physical)" is physical, "Applied Cybersecurity
// Engineer (Center for Securing the Homeland)" is not.
func (m *Matcher) secOK(a *analysis, steps *[]Step) bool {
	switch {
	case a.hard != "":
		if steps != nil {
			logStep(steps, "exclusion", fmt.Sprintf("%q: never a security family", a.hard))
		}
		return false
	case a.soft != "" && !a.strong:
		if steps != nil {
			logStep(steps, "exclusion", fmt.Sprintf("%q without an IT word: not a security family", a.soft))
		}
		return false
	case a.parenHard != "" && !a.strong:
		if steps != nil {
			logStep(steps, "exclusion", fmt.Sprintf("%q in parentheses, and no IT word outside them: not a security family", a.parenHard))
		}
		return false
	case a.parenHard != "" && steps != nil:
		logStep(steps, "exclusion", fmt.Sprintf("%q in parentheses does not block: the title has an IT word outside them", a.parenHard))
	}
	return true
}

// decide runs the stages, security families first.
func (m *Matcher) decide(a *analysis, steps *[]Step) (fam int, conf float64, method string) {
	fam, conf, method = -1, 0, MethodNone
	secOK := m.secOK(a, steps)
	if len(a.tokens)+len(a.paren) == 0 {
		logStep(steps, "tokens", "nothing left to match")
		return
	}
	if f, c, meth, ok := m.stages(a, secOK, steps); ok {
		return f, c, meth
	}
	// Typo correction, then the same stages on the corrected title.
	if fixed, ok := m.correct(a, steps); ok {
		if f, c, _, ok := m.stages(&fixed, m.secOK(&fixed, nil), nil); ok {
			if steps != nil {
				logStep(steps, "fuzzy", fmt.Sprintf("after the correction %s: %.2f × %.2f", m.tax.Families[f].ID, c, confTypoFactor))
			}
			return f, c * confTypoFactor, MethodFuzzy
		}
	}
	// Token overlap with the names and aliases of the other families.
	// Security families generalize through their rules only: overlap would
	// put "Security Officer" (a guard) next to "Information Security Officer".
	all := m.merged(a)
	if f, c, text := m.overlap(1, &all); f >= 0 {
		if steps != nil {
			logStep(steps, "fuzzy", fmt.Sprintf("closest name or alias %q (%s), overlap %.2f", text, m.tax.Families[f].ID, c/confOverlapFactor))
		}
		return f, c, MethodFuzzy // match() applies the threshold
	}
	logStep(steps, "fuzzy", "no close name or alias")
	return
}

// stages runs the exact, alias and rule stages: security families on the
// words outside parentheses, then with the words inside them (at
// confParenFactor), then the other families the same way.
func (m *Matcher) stages(a *analysis, secOK bool, steps *[]Step) (int, float64, string, bool) {
	var all analysis
	if len(a.paren) > 0 {
		all = m.merged(a)
	}
	for pass := 0; pass < 2; pass++ {
		if pass == 0 && !secOK {
			continue
		}
		if len(a.tokens) > 0 {
			if f, c, meth := m.direct(pass, a, steps); f >= 0 {
				return f, c, meth, true
			}
		}
		if len(a.paren) > 0 {
			if f, c, meth := m.direct(pass, &all, steps); f >= 0 {
				if steps != nil {
					logStep(steps, "parentheses", fmt.Sprintf("matched only with the words in parentheses: %.2f × %.2f", c, confParenFactor))
				}
				return f, c * confParenFactor, meth, true
			}
		}
	}
	return -1, 0, MethodNone, false
}

// merged is a with the words inside parentheses counted as its own.
func (m *Matcher) merged(a *analysis) analysis {
	b := *a
	b.tokens = append(append(make([]string, 0, len(a.tokens)+len(a.paren)), a.tokens...), a.paren...)
	b.paren = nil
	b.k = ""
	return b
}

// direct runs the exact, alias and rule stages of one pass.
func (m *Matcher) direct(pass int, a *analysis, steps *[]Step) (int, float64, string) {
	k := a.key()
	if f, ok := m.exact[pass][k]; ok {
		if steps != nil {
			logStep(steps, "exact", fmt.Sprintf("%q is the canonical title of %s", k, m.tax.Families[f].ID))
		}
		return f, confExact, MethodExact
	}
	if f, ok := m.alias[pass][k]; ok {
		c := confAlias
		if n := m.shared[pass][k]; n > 1 {
			c = confAlias / (1 + confSharedStep*float64(n-1))
			if steps != nil {
				logStep(steps, "alias", fmt.Sprintf("%q is an alias of %d families (first %s): %.2f", k, n, m.tax.Families[f].ID, c))
			}
			return f, c, MethodAlias
		}
		if steps != nil {
			logStep(steps, "alias", fmt.Sprintf("%q is an alias of %s", k, m.tax.Families[f].ID))
		}
		return f, c, MethodAlias
	}
	for i := range m.rules[pass] {
		r := &m.rules[pass][i]
		if !r.matches(a.tokens) {
			continue
		}
		unknown := 0
		for _, t := range a.tokens {
			if !m.vocab[t] {
				unknown++
			}
		}
		c := math.Max(r.conf-confUnknownWord*float64(unknown), math.Min(r.conf, confRuleFloor))
		if steps != nil {
			logStep(steps, "rule", fmt.Sprintf("%s: %s (priority %d, %d unknown word(s))", m.tax.Families[r.fam].ID, r.text, r.priority, unknown))
		}
		return r.fam, c, MethodRule
	}
	if pass == 0 {
		logStep(steps, "rule", "no security rule applies")
	}
	return -1, 0, MethodNone
}

func (r *compiledRule) matches(tokens []string) bool {
	for i := range r.groups {
		if !r.groups[i].has(tokens) {
			return false
		}
	}
	for i := range r.none {
		if r.none[i].has(tokens) {
			return false
		}
	}
	return true
}

// overlap finds the name or alias that shares the most weight with the
// title, rare words weighing more (IDF). The score is the mean of the shares
// of the title and of the entry that the common words cover, so a title with
// one extra word ("Security Guard - Night Shift") still finds its entry.
// Very common words do not generate candidates (that would visit most
// entries) but still count for the candidates found through rarer ones.
func (m *Matcher) overlap(pass int, a *analysis) (fam int, conf float64, text string) {
	const maxPostings = 512
	if len(m.entries[pass]) == 0 {
		return -1, 0, ""
	}
	var titleW float64
	var common []string
	shared := map[int32]float64{}
	for _, t := range a.tokens {
		w, ok := m.idf[t]
		if !ok {
			w = m.maxIDF
		}
		titleW += w
		ps := m.postings[pass][t]
		if len(ps) > maxPostings {
			common = append(common, t)
			continue
		}
		for _, e := range ps {
			shared[e] += w
		}
	}
	if len(shared) == 0 && len(common) > 0 {
		// Only common words: fall back to the entries of the rarest one.
		rare := common[0]
		for _, t := range common[1:] {
			if len(m.postings[pass][t]) < len(m.postings[pass][rare]) {
				rare = t
			}
		}
		for _, e := range m.postings[pass][rare] {
			shared[e] = 0
		}
	}
	best := -1.0
	bestE := int32(-1)
	for e, s := range shared {
		ent := &m.entries[pass][e]
		for _, t := range common {
			if slices.Contains(ent.tokens, t) {
				s += m.idf[t]
			}
		}
		score := (s/titleW + s/ent.weight) / 2
		// Ties go to the earlier entry so the result does not depend on map order.
		if score > best || (score == best && e < bestE) {
			best, bestE = score, e
		}
	}
	if bestE < 0 || best <= 0 {
		return -1, 0, ""
	}
	e := m.entries[pass][bestE]
	return e.fam, best * confOverlapFactor, e.text
}

// correct replaces unknown words by a taxonomy word one edit away.
func (m *Matcher) correct(a *analysis, steps *[]Step) (analysis, bool) {
	var fixes []string
	fix := func(ws []string) []string {
		out := make([]string, len(ws))
		copy(out, ws)
		for i, t := range out {
			if n := utf8.RuneCountInString(t); m.vocab[t] || n < minTypoLen || n > maxTypoLen {
				continue
			}
			if w := m.nearest(t); w != "" {
				fixes = append(fixes, t+"→"+w)
				out[i] = w
			}
		}
		return out
	}
	words, paren := fix(a.tokens), fix(a.paren)
	if len(fixes) == 0 {
		return analysis{}, false
	}
	if steps != nil {
		logStep(steps, "fuzzy", "corrected "+strings.Join(fixes, ", "))
	}
	return m.finish(words, paren, a.seniority, nil), true
}

// Kinds of one edit between a typed word and the word meant.
const (
	editNone = iota
	editDeletion
	editInsertion
	editSubstitution
	editTransposition
)

// editKind tells how typed differs from want by one edit (bytes; the
// decisive words are ASCII): a letter left out ("securty"), one too many
// ("managger"), one wrong ("engineor") or two swapped ("cheif").
func editKind(typed, want string) int {
	lt, lw := len(typed), len(want)
	i := 0
	for i < lt && i < lw && typed[i] == want[i] {
		i++
	}
	switch {
	case lt == lw-1:
		if typed[i:] == want[i+1:] {
			return editDeletion
		}
	case lt == lw+1:
		if typed[i+1:] == want[i:] {
			return editInsertion
		}
	case lt == lw && i < lt:
		if typed[i+1:] == want[i+1:] {
			return editSubstitution
		}
		if i+1 < lt && typed[i] == want[i+1] && typed[i+1] == want[i] && typed[i+2:] == want[i+2:] {
			return editTransposition
		}
	}
	return editNone
}

// fixDecisive returns the word that decides a family (a role head, a word
// of class "decisive", an exclusion) one edit from the unknown word w, or
// "". Exclusions take only a left-out letter or a swap ("securites",
// "gaurd", "physcial"), so that "policy" never becomes "police", and they
// win ties, so a typo can keep a title out of security but never let a
// confuser in. Known words (the taxonomy's vocabulary, class "known":
// "directory", "managed") are never corrected.
func (m *Matcher) fixDecisive(w string) string {
	n := len(w)
	if n < minDecisiveTypoLen || n > maxTypoLen || m.vocab[w] || hasDigit(w) {
		return ""
	}
	best := ""
	for l := n - 1; l <= n+1; l++ {
		for _, c := range m.decisiveByLen[l] {
			k := editKind(w, c)
			if k == editNone {
				continue
			}
			if m.isExclWord(c) && k != editDeletion && k != editTransposition {
				continue
			}
			if best == "" || m.better(c, best) {
				best = c
			}
		}
	}
	return best
}

func (m *Matcher) isExclWord(w string) bool {
	for _, es := range [2]map[string][]excl{m.hard, m.soft} {
		for _, e := range es[w] {
			if len(e.words) == 1 {
				return true
			}
		}
	}
	return false
}

// nearest returns the vocabulary word one edit (insertion, deletion,
// substitution or adjacent transposition) away from t; exclusion words win
// ties so that a misspelt "securites" stays out of security families.
func (m *Matcher) nearest(t string) string {
	var cands []string
	cands = append(cands, m.deletes[t]...)
	for _, d := range deletions(t) {
		if m.vocab[d] {
			cands = append(cands, d)
		}
		cands = append(cands, m.deletes[d]...)
	}
	best := ""
	for _, c := range cands {
		if c == t || utf8.RuneCountInString(c) < minTypoLen || strings.Contains(c, "-") && !strings.Contains(t, "-") {
			continue
		}
		if best == "" || m.better(c, best) {
			best = c
		}
	}
	return best
}

func (m *Matcher) better(c, best string) bool {
	ce, be := m.isExclWord(c), m.isExclWord(best)
	if ce != be {
		return ce
	}
	return c < best
}

func deletions(w string) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// analysis is a cleaned title.
type analysis struct {
	tokens    []string // content words outside parentheses, deduplicated, in title order
	paren     []string // content words inside parentheses and not outside them
	seniority int      // index in seniorityLevels; -1 when no word states a level
	heads     []string // role words (class "role"): analyst, engineer, lead ...
	ranks     []string // rank words (class "rank"): vp, a grade and not a role
	hard      string   // the hard exclusion outside parentheses, if any
	parenHard string   // a hard exclusion inside parentheses
	soft      string
	strong    bool   // has a qualifying IT word outside parentheses
	generic   bool   // the title is one generic role word ("Analyst")
	typos     bool   // a decisive word was corrected
	k         string // key(), once computed
}

// key is the sorted word set: word order never matters.
func (a *analysis) key() string {
	if a.k == "" && len(a.tokens) > 0 {
		s := append([]string(nil), a.tokens...)
		sort.Strings(s)
		a.k = strings.Join(s, " ")
	}
	return a.k
}

type rawToken struct {
	text    string
	seg     int
	inParen bool
	first   bool // first token of its segment
	last    bool // last token of its segment
}

// analyze cleans a raw title: Unicode NFKC and case folding, tokens,
// parentheses, codes, locations, noise, abbreviations, typos of decisive
// words, phrases, seniority.
func (m *Matcher) analyze(raw string, steps *[]Step) analysis {
	if len(raw) > maxTitleBytes {
		cut := maxTitleBytes
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
		if steps != nil {
			logStep(steps, "normalize", fmt.Sprintf("cut to the first %d bytes", cut))
		}
	}
	s := foldTitle(raw)
	if steps != nil && s != raw {
		logStep(steps, "normalize", fmt.Sprintf("%q", s))
	}
	toks := m.tokenize(s)
	level := -1
	var paren, codes, dropped []string
	keep := make([]string, 0, len(toks))
	// A segment after the first made only of places, noise and codes
	// ("- Austin, TX", "// 3 days on-site", "(Remote)") goes.
	nseg := 0
	if len(toks) > 0 {
		nseg = toks[len(toks)-1].seg + 1
	}
	var buf [16]bool
	var segPlace []bool
	if nseg > len(buf) {
		segPlace = make([]bool, nseg)
	} else {
		segPlace = buf[:nseg]
	}
	for i := range segPlace {
		segPlace[i] = i > 0
	}
	for _, t := range toks {
		if t.seg > 0 && !(m.locations[t.text] || m.noise[t.text] || m.stop[t.text] || hasDigit(t.text)) {
			segPlace[t.seg] = false
		}
	}
	for i, t := range toks {
		prev, next := "", ""
		if i > 0 && toks[i-1].seg == t.seg {
			prev = toks[i-1].text
		}
		if i+1 < len(toks) && toks[i+1].seg == t.seg {
			next = toks[i+1].text
		}
		switch {
		case segPlace[t.seg] && !isLevelToken(t, prev, m.levels):
			dropped = append(dropped, t.text)
		case m.noise[t.text]:
			dropped = append(dropped, t.text)
		case t.inParen && m.locations[t.text]:
			dropped = append(dropped, t.text)
		case isLevelToken(t, prev, m.levels):
			level = max(level, m.levels[t.text])
			if steps != nil {
				logStep(steps, "seniority", fmt.Sprintf("level %q → %s", t.text, seniorityLevels[m.levels[t.text]]))
			}
		case hasDigit(t.text):
			codes = append(codes, t.text)
		case t.inParen && t.text == "soc" && hasDigit(next):
			// "(SOC 15-1132)" cites an occupation code; it is no SOC job.
			codes = append(codes, t.text)
		case t.inParen:
			paren = append(paren, t.text)
		default:
			keep = append(keep, t.text)
		}
	}
	if len(codes) > 0 && steps != nil {
		logStep(steps, "codes", fmt.Sprintf("dropped requisition/job codes %q", strings.Join(codes, " ")))
	}
	if len(dropped) > 0 && steps != nil {
		logStep(steps, "location", fmt.Sprintf("dropped place/remote words %q", strings.Join(dropped, " ")))
	}
	var fixes []string
	expand := func(in []string) []string {
		out := make([]string, 0, len(in)+4)
		for _, t := range in {
			n := len(out)
			out = m.expand(out, t)
			for j := n; j < len(out); j++ {
				if w := m.fixDecisive(out[j]); w != "" {
					fixes = append(fixes, out[j]+"→"+w)
					out = append(out[:j], m.expand(nil, w)...)
				}
			}
		}
		return out
	}
	words, pwords := expand(keep), expand(paren)
	if steps != nil {
		if len(fixes) > 0 {
			logStep(steps, "typo", "corrected "+strings.Join(fixes, ", "))
		}
		logStep(steps, "words", strings.Join(words, " "))
		if len(pwords) > 0 {
			logStep(steps, "parentheses", fmt.Sprintf("%q: cues for families and exclusions (a match that needs them × %.2f; an exclusion in them blocks only without an IT word outside)", strings.Join(pwords, " "), confParenFactor))
		}
	}
	a := m.finish(words, pwords, level, steps)
	a.typos = len(fixes) > 0
	return a
}

// expand appends the abbreviation expansion of w, folding plurals of
// taxonomy words ("analysts" → "analyst") unless the plural has a role of
// its own ("securities", "sales").
func (m *Matcher) expand(dst []string, w string) []string {
	if e, ok := m.abbrev[w]; ok {
		return append(dst, e...)
	}
	if !m.reserved[w] && len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		if sing := w[:len(w)-1]; m.vocab[sing] {
			if e, ok := m.abbrev[sing]; ok {
				return append(dst, e...)
			}
			return append(dst, sing)
		}
	}
	return append(dst, w)
}

// finish applies stopwords, phrases, seniority, heads and exclusions;
// level is the level numbers gave (-1 for none).
func (m *Matcher) finish(words, paren []string, level int, steps *[]Step) analysis {
	a := analysis{seniority: level}
	ws := m.applyPhrases(m.dropStop(words))
	ps := m.applyPhrases(m.dropStop(paren))
	var senWords []string
	best := -1
	headSen := "" // a level word that can head a title: "Security Lead"
	for _, w := range ws {
		if i, ok := m.seniority[w]; ok {
			senWords = append(senWords, w)
			best = max(best, i)
			if headSen == "" && m.role[w] {
				headSen = w
			}
			continue
		}
		if w == "" || slices.Contains(a.tokens, w) {
			continue
		}
		a.tokens = append(a.tokens, w)
	}
	for _, w := range ps {
		if i, ok := m.seniority[w]; ok {
			senWords = append(senWords, w)
			best = max(best, i)
			continue
		}
		if w == "" || slices.Contains(a.tokens, w) || slices.Contains(a.paren, w) {
			continue
		}
		a.paren = append(a.paren, w)
	}
	if best >= 0 {
		a.seniority = max(a.seniority, best)
		if steps != nil {
			logStep(steps, "seniority", fmt.Sprintf("%s → %s", strings.Join(senWords, " "), seniorityLevels[a.seniority]))
		}
	}
	for _, ts := range [2][]string{a.tokens, a.paren} {
		for _, t := range ts {
			if m.role[t] {
				a.heads = append(a.heads, t)
			}
			if m.rank[t] {
				a.ranks = append(a.ranks, t)
			}
		}
	}
	if len(a.heads) == 0 && headSen != "" {
		// No role word but a level word that is one: "Security Lead",
		// "Information Security Associate" are led by it.
		a.tokens = append(a.tokens, headSen)
		a.heads = append(a.heads, headSen)
	}
	for _, t := range a.tokens {
		a.strong = a.strong || m.strong[t]
	}
	a.generic = len(a.tokens) == 1 && len(a.paren) == 0 && m.role[a.tokens[0]]
	a.hard = findExcl(m.hard, a.tokens, nil)
	if a.hard == "" {
		a.parenHard = findExcl(m.hard, a.paren, a.tokens)
	}
	a.soft = findExcl(m.soft, a.tokens, a.paren)
	if steps != nil {
		head := "role: none"
		if len(a.heads) > 0 {
			head = "role: " + strings.Join(a.heads, ", ")
		}
		if len(a.ranks) > 0 {
			head += "; rank: " + strings.Join(a.ranks, ", ") + " (a rank, not a role)"
		}
		if len(senWords) > 0 {
			head += "; level words: " + strings.Join(senWords, ", ")
		}
		logStep(steps, "head", head)
		if len(a.paren) > 0 {
			logStep(steps, "tokens", fmt.Sprintf("{%s} + in parentheses {%s}", strings.Join(a.tokens, ", "), strings.Join(a.paren, ", ")))
		} else {
			logStep(steps, "tokens", fmt.Sprintf("{%s}", strings.Join(a.tokens, ", ")))
		}
	}
	return a
}

func (m *Matcher) dropStop(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if !m.stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// findExcl returns the first exclusion (in title order) whose words are all
// in tokens or extra.
func findExcl(idx map[string][]excl, tokens, extra []string) string {
	for _, ws := range [2][]string{tokens, extra} {
		for _, t := range ws {
			for _, e := range idx[t] {
				all := true
				for _, w := range e.words[1:] {
					if !slices.Contains(tokens, w) && !slices.Contains(extra, w) {
						all = false
						break
					}
				}
				if all {
					return e.text
				}
			}
		}
	}
	return ""
}

func (m *Matcher) applyPhrases(ws []string) []string {
	if len(m.phrases) == 0 || len(ws) == 0 {
		return ws
	}
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); {
		matched := false
		for _, p := range m.phrases[ws[i]] {
			if i+len(p.words) <= len(ws) && equalWords(ws[i:i+len(p.words)], p.words) {
				out = append(out, p.repl...)
				i += len(p.words)
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, ws[i])
			i++
		}
	}
	return out
}

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// isLevelToken: "l3" is a level anywhere; "iii" and "3" only after
// "tier", "level" or "grade", or as the last word of a segment that is not
// its first ("Security Engineer III", "Analyst - 2"), so that a stray
// number ("// 3 days on-site", "3D Artist") never becomes a level.
func isLevelToken(t rawToken, prev string, levels map[string]int) bool {
	if _, ok := levels[t.text]; !ok {
		return false
	}
	if len(t.text) == 2 && t.text[0] == 'l' && t.text[1] >= '0' && t.text[1] <= '9' {
		return true
	}
	switch prev {
	case "tier", "level", "grade", "band":
		return true
	}
	return t.last && (!t.first || t.seg > 0)
}

// foldTitle applies NFKC and case folding; ASCII titles take a fast path.
func foldTitle(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if !ascii {
		// A Caser is stateful, so each call gets its own.
		return cases.Fold().String(norm.NFKC.String(s))
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// tokenize splits a folded title into words, noting segments (split by
// " - ", ",", "|", ";", ":", "/", "@") and parentheses. A hyphen inside a word
// joins its parts when the taxonomy knows the joined word ("on-site",
// "co-op"), else it separates them.
func (m *Matcher) tokenize(s string) []rawToken {
	var out []rawToken
	seg, depth := 0, 0
	start := -1
	var parts []string
	emit := func(end int) {
		if start >= 0 {
			parts = append(parts, strings.ReplaceAll(strings.ReplaceAll(s[start:end], "'", ""), "’", ""))
			start = -1
		}
	}
	flush := func() {
		if len(parts) == 0 {
			return
		}
		if len(parts) > 1 {
			if j := strings.Join(parts, ""); m.vocab[j] {
				parts = []string{j}
			}
		}
		for _, p := range parts {
			first := len(out) == 0 || out[len(out)-1].seg != seg
			out = append(out, rawToken{text: p, seg: seg, inParen: depth > 0, first: first})
		}
		parts = parts[:0]
	}
	newSeg := func() {
		if len(out) > 0 && out[len(out)-1].seg == seg {
			out[len(out)-1].last = true
		}
		seg++
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			// inside a word: "men's"
		case r == '-' && start >= 0 && i+1 < len(s) && isWordByte(s[i+1]):
			emit(i)
		default:
			emit(i)
			flush()
			switch r {
			case '(', '[', '{':
				if depth == 0 {
					newSeg()
				}
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
					if depth == 0 {
						newSeg()
					}
				}
			case ',', '|', ';', ':', '/', '@', '–', '—', '-', '•', '·':
				if depth == 0 {
					newSeg()
				}
			}
		}
	}
	emit(len(s))
	flush()
	if len(out) > 0 {
		out[len(out)-1].last = true
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func dedupSorted(ws []string) []string {
	out := ws[:0]
	for i, w := range ws {
		if i == 0 || w != ws[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// Cache memoizes Match per distinct raw title: a data set has far fewer
// distinct titles than rows. A Cache is not safe for concurrent use; give
// each goroutine its own (they may share the Matcher).
type Cache struct {
	m    *Matcher
	memo map[string]Match
}

// NewCache returns an empty cache in front of m.
func NewCache(m *Matcher) *Cache {
	return &Cache{m: m, memo: make(map[string]Match)}
}

// Match returns m.Match(raw), computing it once per distinct raw.
func (c *Cache) Match(raw string) Match {
	if r, ok := c.memo[raw]; ok {
		return r
	}
	r := c.m.Match(raw)
	c.memo[raw] = r
	return r
}

// Len is the number of distinct titles cached.
func (c *Cache) Len() int { return len(c.memo) }
