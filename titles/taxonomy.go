package titles

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"payband/data"
	"payband/internal/strictyaml"
)

// Seniority levels, lowest to highest: the one level ladder of SPEC §5.1.
// A title whose words state no level is LevelUnspecified, never "mid".
var seniorityLevels = []string{"intern", "entry", "mid", "senior", "lead", "principal", "executive"}

// LevelUnspecified is the seniority of a title whose words state no level.
const LevelUnspecified = "unspecified"

// Levels returns the level ladder, lowest to highest, without
// LevelUnspecified.
func Levels() []string { return append([]string(nil), seniorityLevels...) }

// levelAliases are level names older taxonomy files used.
var levelAliases = map[string]string{"junior": "entry"}

// levelIndex is the position of a level (or an old alias) in the ladder.
func levelIndex(s string) (int, bool) {
	if a, ok := levelAliases[s]; ok {
		s = a
	}
	for i, l := range seniorityLevels {
		if s == l {
			return i, true
		}
	}
	return 0, false
}

// Family is one job family of a taxonomy.
type Family struct {
	ID       string   `yaml:"id" json:"id"`                       // "security-manager"
	Name     string   `yaml:"name" json:"name"`                   // canonical title, "Security Manager"
	SOC      []string `yaml:"soc,omitempty" json:"soc,omitempty"` // SOC 2018 codes, e.g. ["11-3021"]
	Security bool     `yaml:"security,omitempty" json:"security,omitempty"`
	// Priority decides between families whose rules all match a title: the
	// higher wins, so "Security Engineering Manager" is a manager.
	Priority int      `yaml:"priority,omitempty" json:"priority,omitempty"`
	Aliases  []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Rules    []Rule   `yaml:"rules,omitempty" json:"rules,omitempty"`
}

// Rule matches a title whose token set holds one token of every element of
// All and no token of any element of None. An element is a word,
// alternatives "a|b", or a class "@name".
type Rule struct {
	All        []string `yaml:"all,flow" json:"all"`
	None       []string `yaml:"none,omitempty,flow" json:"none,omitempty"`
	Confidence float64  `yaml:"confidence,omitempty" json:"confidence,omitempty"` // default 0.85
	// Priority, when set, ranks this rule instead of its family's priority.
	Priority int `yaml:"priority,omitempty" json:"priority,omitempty"`
}

// Exclusions keep titles out of every security family. Hard ones always do;
// soft ones only when the title has no word of the class "strong".
type Exclusions struct {
	Hard []string `yaml:"hard,omitempty,flow" json:"hard,omitempty"`
	Soft []string `yaml:"soft,omitempty,flow" json:"soft,omitempty"`
}

// Taxonomy is a set of job families plus the vocabulary the matcher uses to
// clean raw titles. Build one with ParseTaxonomy, LoadTaxonomyFile,
// DefaultTaxonomy or onet.Import (package payband/taxonomy/onet); treat it as read-only afterwards.
type Taxonomy struct {
	Version       string              `yaml:"version" json:"version"`
	Threshold     float64             `yaml:"threshold" json:"threshold"`
	Stopwords     []string            `yaml:"stopwords,omitempty,flow" json:"stopwords,omitempty"`
	Abbreviations map[string]string   `yaml:"abbreviations,omitempty" json:"abbreviations,omitempty"`
	Phrases       map[string]string   `yaml:"phrases,omitempty" json:"phrases,omitempty"`
	Noise         []string            `yaml:"noise,omitempty,flow" json:"noise,omitempty"`
	Locations     []string            `yaml:"locations,omitempty,flow" json:"locations,omitempty"`
	Seniority     map[string][]string `yaml:"seniority,omitempty" json:"seniority,omitempty"`
	Levels        map[string]string   `yaml:"levels,omitempty" json:"levels,omitempty"`
	Exclusions    Exclusions          `yaml:"exclusions,omitempty" json:"exclusions"`
	Classes       map[string][]string `yaml:"classes,omitempty" json:"classes,omitempty"`
	Families      []Family            `yaml:"families" json:"families"`

	index map[string]int // family id -> position in Families
}

// TaxonomyError reports a malformed taxonomy: "FILE:LINE: reason" (File,
// Line and Err are strictyaml.FileError's).
type TaxonomyError struct{ strictyaml.FileError }

func taxonomyError(name string, line int, err error) error {
	return &TaxonomyError{strictyaml.FileError{File: name, Line: line, Err: err}}
}

var (
	familyIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
	socPattern      = regexp.MustCompile(`^\d{2}-\d{4}(\.\d{2})?$`)
)

// ParseTaxonomy reads a taxonomy in the YAML format of docs/taxonomy.md.
// name is used in error messages only.
func ParseTaxonomy(r io.Reader, name string) (*Taxonomy, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, taxonomyError(name, 0, err)
	}
	var t Taxonomy
	doc, err := strictyaml.Decode(src, name, &t)
	if err != nil {
		var ye *strictyaml.FileError
		errors.As(err, &ye)
		return nil, &TaxonomyError{*ye}
	}
	if err := t.validate(); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			return nil, taxonomyError(name, doc.Line(ve.path), errors.New(ve.msg))
		}
		return nil, taxonomyError(name, 0, err)
	}
	t.buildIndex()
	return &t, nil
}

// validationError carries the YAML path of a semantic error so that
// ParseTaxonomy can report its line.
type validationError struct {
	path, msg string
}

func (e *validationError) Error() string { return e.msg }

func invalid(path, format string, args ...any) error {
	return &validationError{path: path, msg: fmt.Sprintf(format, args...)}
}

func (t *Taxonomy) validate() error {
	if strings.TrimSpace(t.Version) == "" {
		return invalid("$.version", "version is missing")
	}
	if t.Threshold <= 0 || t.Threshold > 1 {
		return invalid("$.threshold", "threshold %v is not in (0, 1]", t.Threshold)
	}
	if len(t.Families) == 0 {
		return invalid("$.families", "no families")
	}
	for level := range t.Seniority {
		if !validSeniority(level) {
			return invalid("$.seniority."+level, "unknown seniority %q (want one of %s)", level, strings.Join(seniorityLevels, ", "))
		}
	}
	for k, level := range t.Levels {
		if !validSeniority(level) {
			return invalid("$.levels."+k, "unknown seniority %q for level %q", level, k)
		}
	}
	seen := map[string]bool{}
	for i, f := range t.Families {
		p := fmt.Sprintf("$.families[%d]", i)
		switch {
		case f.ID == "":
			return invalid(p, "family %d has no id", i+1)
		case !familyIDPattern.MatchString(f.ID):
			return invalid(p+".id", "family id %q: use lower-case letters, digits, '.' and '-'", f.ID)
		case seen[f.ID]:
			return invalid(p+".id", "duplicate family id %q", f.ID)
		case strings.TrimSpace(f.Name) == "":
			return invalid(p, "family %q has no name", f.ID)
		}
		seen[f.ID] = true
		for j, code := range f.SOC {
			if !socPattern.MatchString(code) {
				return invalid(fmt.Sprintf("%s.soc[%d]", p, j), "family %q: SOC code %q is not NN-NNNN", f.ID, code)
			}
		}
		for j, r := range f.Rules {
			rp := fmt.Sprintf("%s.rules[%d]", p, j)
			if len(r.All) == 0 {
				return invalid(rp, "family %q: rule %d is empty", f.ID, j+1)
			}
			if r.Confidence < 0 || r.Confidence > 1 {
				return invalid(rp+".confidence", "family %q: rule confidence %v is not in [0, 1]", f.ID, r.Confidence)
			}
			for _, el := range append(append([]string(nil), r.All...), r.None...) {
				if c, ok := strings.CutPrefix(el, "@"); ok {
					if _, ok := t.Classes[c]; !ok {
						return invalid(rp+".all", "family %q: unknown class %q", f.ID, el)
					}
				} else if strings.Trim(el, "| ") == "" {
					return invalid(rp+".all", "family %q: empty rule element", f.ID)
				}
			}
		}
	}
	return nil
}

func validSeniority(s string) bool {
	_, ok := levelIndex(s)
	return ok
}

func (t *Taxonomy) buildIndex() {
	t.index = make(map[string]int, len(t.Families))
	for i, f := range t.Families {
		t.index[f.ID] = i
	}
}

// LoadTaxonomyFile parses the taxonomy file at path.
func LoadTaxonomyFile(path string) (*Taxonomy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseTaxonomy(f, path)
}

var defaultTaxonomy = sync.OnceValues(func() (*Taxonomy, error) {
	return ParseTaxonomy(bytes.NewReader(data.TaxonomyYAML), "data/taxonomy.yaml")
})

// DefaultTaxonomy returns the taxonomy embedded in the binary. It is parsed
// once and shared: do not modify it.
func DefaultTaxonomy() (*Taxonomy, error) { return defaultTaxonomy() }

// Family returns the family with the given id.
func (t *Taxonomy) Family(id string) (Family, bool) {
	if t.index == nil {
		// Built by hand rather than parsed: scan, so that Family never
		// writes to a taxonomy other goroutines may be reading.
		for _, f := range t.Families {
			if f.ID == id {
				return f, true
			}
		}
		return Family{}, false
	}
	i, ok := t.index[id]
	if !ok {
		return Family{}, false
	}
	return t.Families[i], true
}

// Fingerprint is the sha256 (hex) of the taxonomy's canonical JSON form.
// Anything that can change a match changes it, so it is recorded beside
// normalized titles to know when they must be remapped.
func (t *Taxonomy) Fingerprint() string {
	b, err := json.Marshal(t) // map keys are sorted: the form is canonical
	if err != nil {
		panic("transform: taxonomy fingerprint: " + err.Error()) // plain data; cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// WriteYAML writes the taxonomy in the format ParseTaxonomy reads.
func (t *Taxonomy) WriteYAML(w io.Writer) error {
	b, err := yaml.MarshalWithOptions(t, yaml.IndentSequence(true))
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// IsSecurity reports whether id names a security family of t.
func (t *Taxonomy) IsSecurity(id string) bool { return isSecurityFamily(t, id) }

// ValidSOC reports whether code is a SOC 2018 or O*NET-SOC code
// ("15-1212", "15-1212.00").
func ValidSOC(code string) bool { return socPattern.MatchString(code) }

// Check validates a taxonomy built in code (as ParseTaxonomy validates a
// parsed one) and indexes its families; call it once the taxonomy is
// complete.
func (t *Taxonomy) Check() error {
	if err := t.validate(); err != nil {
		return err
	}
	t.buildIndex()
	return nil
}

// CloneVocabulary copies everything but the families, so that the copy can
// be changed without touching t (DefaultTaxonomy is shared).
func (t *Taxonomy) CloneVocabulary() *Taxonomy {
	c := &Taxonomy{
		Version:       t.Version,
		Threshold:     t.Threshold,
		Stopwords:     append([]string(nil), t.Stopwords...),
		Abbreviations: cloneMap(t.Abbreviations),
		Phrases:       cloneMap(t.Phrases),
		Noise:         append([]string(nil), t.Noise...),
		Locations:     append([]string(nil), t.Locations...),
		Levels:        cloneMap(t.Levels),
		Exclusions: Exclusions{
			Hard: append([]string(nil), t.Exclusions.Hard...),
			Soft: append([]string(nil), t.Exclusions.Soft...),
		},
	}
	if t.Seniority != nil {
		c.Seniority = map[string][]string{}
		for k, v := range t.Seniority {
			c.Seniority[k] = append([]string(nil), v...)
		}
	}
	if t.Classes != nil {
		c.Classes = map[string][]string{}
		for k, v := range t.Classes {
			c.Classes[k] = append([]string(nil), v...)
		}
	}
	return c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// isSecurityFamily reports whether id names a security family of t.
func isSecurityFamily(t *Taxonomy, id string) bool {
	f, ok := t.Family(id)
	return ok && f.Security
}
