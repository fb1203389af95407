package transform

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Match is the normalization of one raw title.
type Match struct {
	Input      string  `json:"input"`
	Title      string  `json:"title"`     // canonical title of the family; "" when unmatched
	Family     string  `json:"family"`    // family id; "" when unmatched
	Seniority  string  `json:"seniority"` // intern, junior, mid, senior, lead or principal
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
	vocab                  map[string]bool // every word the taxonomy uses
	reserved               map[string]bool // words with a role of their own: never plural-folded

	// Per pass (0: security families, 1: the others) so that security
	// families take precedence over imported ones at every stage.
	exact, alias [2]map[string]int
	rules        [2][]compiledRule
	entries      [2][]simEntry
	postings     [2]map[string][]int32
	idf          map[string]float64
	maxIDF       float64

	deletes map[string][]string // one-deletion variants of vocab words -> the words
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
	for i, level := range seniorityLevels {
		for _, w := range t.Seniority[level] {
			m.seniority[w] = i
			addVocab(w)
		}
	}
	for k, v := range t.Levels {
		for i, level := range seniorityLevels {
			if v == level {
				m.levels[k] = i
			}
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
	for i := range m.exact {
		m.exact[i] = map[string]int{}
		m.alias[i] = map[string]int{}
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
			m.addEntry(pass, fi, a.tokens, al)
		}
		for _, r := range f.Rules {
			cr := compiledRule{fam: fi, conf: r.Confidence, priority: f.Priority, text: strings.Join(r.All, " + ")}
			if cr.conf == 0 {
				cr.conf = confRuleDefault
			}
			for _, el := range r.All {
				if c, ok := strings.CutPrefix(el, "@"); ok {
					cr.groups = append(cr.groups, newRuleGroup(sortedKeys(m.classes[c])))
				} else {
					cr.groups = append(cr.groups, newRuleGroup(strings.Split(el, "|")))
				}
			}
			m.rules[pass] = append(m.rules[pass], cr)
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
	a := m.analyze(raw, steps)
	res := Match{Input: raw, Seniority: seniorityLevels[a.seniority], Method: MethodNone}
	fam, conf, method := m.decide(&a, steps)
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

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func logStep(steps *[]Step, stage, detail string) {
	if steps != nil {
		*steps = append(*steps, Step{Stage: stage, Detail: detail})
	}
}

// decide runs the stages, security families first.
func (m *Matcher) decide(a *analysis, steps *[]Step) (fam int, conf float64, method string) {
	fam, conf, method = -1, 0, MethodNone
	secOK := a.hard == "" && (a.soft == "" || a.strong)
	switch {
	case a.hard != "":
		if steps != nil {
			logStep(steps, "exclusion", fmt.Sprintf("%q: never a security family", a.hard))
		}
	case !secOK:
		if steps != nil {
			logStep(steps, "exclusion", fmt.Sprintf("%q without an IT word: not a security family", a.soft))
		}
	}
	if len(a.tokens) == 0 {
		logStep(steps, "tokens", "nothing left to match")
		return
	}
	for pass := 0; pass < 2; pass++ {
		if pass == 0 && !secOK {
			continue
		}
		if f, c, meth := m.direct(pass, a, steps); f >= 0 {
			return f, c, meth
		}
	}
	// Typo correction, then the same stages on the corrected title.
	if fixed, ok := m.correct(a, steps); ok {
		fsecOK := fixed.hard == "" && (fixed.soft == "" || fixed.strong)
		for pass := 0; pass < 2; pass++ {
			if pass == 0 && !fsecOK {
				continue
			}
			if f, c, _ := m.direct(pass, &fixed, nil); f >= 0 {
				if steps != nil {
					logStep(steps, "fuzzy", fmt.Sprintf("after the correction %s: %.2f × %.2f", m.tax.Families[f].ID, c, confTypoFactor))
				}
				return f, c * confTypoFactor, MethodFuzzy
			}
		}
	}
	// Token overlap with the names and aliases of the other families.
	// Security families generalize through their rules only: overlap would
	// put "Security Officer" (a guard) next to "Information Security Officer".
	if f, c, text := m.overlap(1, a); f >= 0 {
		if steps != nil {
			logStep(steps, "fuzzy", fmt.Sprintf("closest name or alias %q (%s), overlap %.2f", text, m.tax.Families[f].ID, c/confOverlapFactor))
		}
		return f, c, MethodFuzzy // match() applies the threshold
	}
	logStep(steps, "fuzzy", "no close name or alias")
	return
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
		if steps != nil {
			logStep(steps, "alias", fmt.Sprintf("%q is an alias of %s", k, m.tax.Families[f].ID))
		}
		return f, confAlias, MethodAlias
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
	words := make([]string, len(a.tokens))
	copy(words, a.tokens)
	for i, t := range words {
		if n := utf8.RuneCountInString(t); m.vocab[t] || n < minTypoLen || n > maxTypoLen {
			continue
		}
		if w := m.nearest(t); w != "" {
			fixes = append(fixes, t+"→"+w)
			words[i] = w
		}
	}
	if len(fixes) == 0 {
		return analysis{}, false
	}
	if steps != nil {
		logStep(steps, "fuzzy", "corrected "+strings.Join(fixes, ", "))
	}
	fixed := m.finish(words, a.extra, a.seniority, nil)
	return fixed, true
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
	ce, be := m.isExclusion(c), m.isExclusion(best)
	if ce != be {
		return ce
	}
	return c < best
}

func (m *Matcher) isExclusion(w string) bool {
	for _, e := range m.hard[w] {
		if len(e.words) == 1 {
			return true
		}
	}
	return false
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
	tokens    []string // content words, deduplicated, in title order
	extra     []string // words inside parentheses: only for exclusions
	seniority int      // index in seniorityLevels
	hard      string   // the hard exclusion found, if any
	soft      string
	cue       bool   // has a security cue
	strong    bool   // has a qualifying IT word
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
	last    bool // last token of its segment
}

// analyze cleans a raw title: Unicode NFKC and case folding, tokens,
// parentheses, codes, locations, noise, abbreviations, phrases, seniority.
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
	level, haveLevel := 0, false
	var paren, codes, dropped []string
	keep := toks[:0:0]
	// A segment after the first made only of places ("- Austin, TX") goes.
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
		if t.inParen || (t.seg > 0 && !(m.locations[t.text] || m.noise[t.text] || m.stop[t.text])) {
			segPlace[t.seg] = false
		}
	}
	for _, t := range toks {
		switch {
		case t.inParen:
			paren = append(paren, t.text)
		case segPlace[t.seg]:
			dropped = append(dropped, t.text)
		case m.noise[t.text]:
			dropped = append(dropped, t.text)
		case isLevelToken(t, m.levels):
			level, haveLevel = max(level, m.levels[t.text]), true
		case hasDigit(t.text):
			codes = append(codes, t.text)
		default:
			keep = append(keep, t)
		}
	}
	if len(paren) > 0 {
		if steps != nil {
			logStep(steps, "parentheses", fmt.Sprintf("set aside %q (used for exclusions only)", strings.Join(paren, " ")))
		}
	}
	if len(codes) > 0 {
		if steps != nil {
			logStep(steps, "codes", fmt.Sprintf("dropped requisition/job codes %q", strings.Join(codes, " ")))
		}
	}
	if len(dropped) > 0 {
		if steps != nil {
			logStep(steps, "location", fmt.Sprintf("dropped place/remote words %q", strings.Join(dropped, " ")))
		}
	}
	words := make([]string, 0, len(keep)+4)
	for _, t := range keep {
		words = m.expand(words, t.text)
	}
	var extra []string
	for _, p := range paren {
		extra = m.expand(extra, p)
	}
	if steps != nil {
		logStep(steps, "words", strings.Join(words, " "))
	}
	def := 2 // mid
	if haveLevel {
		def = level
		if steps != nil {
			logStep(steps, "seniority", fmt.Sprintf("level number → %s", seniorityLevels[level]))
		}
	}
	return m.finish(words, extra, def, steps)
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

// finish applies stopwords, phrases, seniority and exclusions to words;
// level is the seniority when no word states one.
func (m *Matcher) finish(words, extra []string, level int, steps *[]Step) analysis {
	a := analysis{seniority: level}
	ws := words[:0:0]
	for _, w := range words {
		if !m.stop[w] {
			ws = append(ws, w)
		}
	}
	ws = m.applyPhrases(ws)
	ex := m.applyPhrases(extra)
	var senWords []string
	best := -1
	for _, w := range ws {
		if i, ok := m.seniority[w]; ok {
			senWords = append(senWords, w)
			best = max(best, i)
			continue
		}
		if w == "" || slices.Contains(a.tokens, w) {
			continue
		}
		a.tokens = append(a.tokens, w)
	}
	if best >= 0 {
		a.seniority = best
		if steps != nil {
			logStep(steps, "seniority", fmt.Sprintf("%s → %s", strings.Join(senWords, " "), seniorityLevels[best]))
		}
	}
	a.extra = ex
	for _, t := range a.tokens {
		a.cue = a.cue || m.cue[t]
		a.strong = a.strong || m.strong[t]
	}
	a.hard = findExcl(m.hard, a.tokens, ex)
	a.soft = findExcl(m.soft, a.tokens, nil)
	if steps != nil {
		logStep(steps, "tokens", fmt.Sprintf("{%s}", strings.Join(a.tokens, ", ")))
	}
	return a
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

// isLevelToken: "iii", "l3", "3" are levels; a lone "i" or "v" only at the
// end of a segment, where it cannot be a word.
func isLevelToken(t rawToken, levels map[string]int) bool {
	if _, ok := levels[t.text]; !ok {
		return false
	}
	if t.text == "i" || t.text == "v" {
		return t.last
	}
	return true
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
			out = append(out, rawToken{text: p, seg: seg, inParen: depth > 0})
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
