package titles

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync/atomic"
)

// FamilyNone in an overrides file pins a title as unmatched.
const FamilyNone = "none"

// Override is an analyst's decision for one raw title.
type Override struct {
	TitleRaw string
	Family   string // a family id of the taxonomy, or FamilyNone
	Title    string // "" = the family's canonical title
	Level    string // "" = the level the title's words state
	Line     int    // line in the file, for explain
}

// Overrides maps raw titles to analysts' decisions. They are applied before
// any matching stage: `titles remap`, `run` and `titles explain` use them.
type Overrides struct {
	File   string
	byRaw  map[string]Override
	digest string
}

// OverridesError reports a malformed overrides file: "FILE:LINE: reason".
type OverridesError struct {
	File string
	Line int
	Err  error
}

func (e *OverridesError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *OverridesError) Unwrap() error { return e.Err }

// ErrUnknownFamily is wrapped by an OverridesError naming a family the
// taxonomy does not have.
var ErrUnknownFamily = errors.New("unknown family")

// LoadOverridesFile reads an overrides CSV (see ParseOverrides).
func LoadOverridesFile(path string, t *Taxonomy) (*Overrides, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseOverrides(f, path, t)
}

// ParseOverrides reads a CSV with a header naming at least title_raw and
// family, and optionally title and level (or seniority); other columns (the
// rows, confidence and method that `titles unmatched --out` and `titles
// review --out` write) are ignored, so such a file, edited, is an
// overrides file. A row whose family is empty is skipped: it was left to
// the matcher. Families must exist in t; levels must be on the ladder.
func ParseOverrides(r io.Reader, name string, t *Taxonomy) (*Overrides, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &OverridesError{File: name, Line: 1, Err: errors.New("empty file: want a header with title_raw and family")}
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	if _, ok := col["level"]; !ok {
		if i, ok := col["seniority"]; ok {
			col["level"] = i
		}
	}
	for _, want := range []string{"title_raw", "family"} {
		if _, ok := col[want]; !ok {
			return nil, &OverridesError{File: name, Line: 1, Err: fmt.Errorf("header has no %q column", want)}
		}
	}
	o := &Overrides{File: name, byRaw: map[string]Override{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		ov := Override{TitleRaw: get("title_raw"), Family: get("family"), Title: get("title"), Level: get("level"), Line: line}
		if i := col["title_raw"]; i < len(rec) {
			ov.TitleRaw = rec[i] // titles are matched as stored, spaces and all
		}
		if ov.Family == "" {
			continue
		}
		if ov.TitleRaw == "" {
			return nil, &OverridesError{File: name, Line: line, Err: errors.New("empty title_raw")}
		}
		if ov.Family != FamilyNone {
			f, ok := t.Family(ov.Family)
			if !ok {
				return nil, &OverridesError{File: name, Line: line, Err: fmt.Errorf("%w %q (not in taxonomy %s)", ErrUnknownFamily, ov.Family, t.Version)}
			}
			if ov.Title == "" {
				ov.Title = f.Name
			}
		} else {
			ov.Title = ""
		}
		if ov.Level != "" {
			if i, ok := levelIndex(strings.ToLower(ov.Level)); ok {
				ov.Level = seniorityLevels[i]
			} else if strings.EqualFold(ov.Level, LevelUnspecified) {
				ov.Level = LevelUnspecified
			} else {
				return nil, &OverridesError{File: name, Line: line, Err: fmt.Errorf("level %q is not one of %s, %s", ov.Level, strings.Join(seniorityLevels, ", "), LevelUnspecified)}
			}
		}
		if prev, dup := o.byRaw[ov.TitleRaw]; dup && (prev.Family != ov.Family || prev.Title != ov.Title || prev.Level != ov.Level) {
			return nil, &OverridesError{File: name, Line: line, Err: fmt.Errorf("title %q already overridden differently on line %d", ov.TitleRaw, prev.Line)}
		}
		o.byRaw[ov.TitleRaw] = ov
	}
	o.digest = o.computeDigest()
	return o, nil
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &OverridesError{File: name, Line: pe.Line, Err: pe.Err}
	}
	return &OverridesError{File: name, Err: err}
}

// Len is the number of overridden titles.
func (o *Overrides) Len() int { return len(o.byRaw) }

func (o *Overrides) lookup(raw string) (Override, bool) {
	ov, ok := o.byRaw[raw]
	return ov, ok
}

// computeDigest is a sha256 over the decisions, not the file's bytes:
// reordering rows or editing ignored columns changes nothing.
func (o *Overrides) computeDigest() string {
	keys := make([]string, 0, len(o.byRaw))
	for k := range o.byRaw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		ov := o.byRaw[k]
		fmt.Fprintf(h, "%q\t%q\t%q\t%q\n", k, ov.Family, ov.Title, ov.Level)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// WithOverrides returns a matcher that applies o before matching. The
// receiver is not changed.
func (m *Matcher) WithOverrides(o *Overrides) *Matcher {
	c := *m
	c.calls = new(atomic.Int64)
	c.over = o
	c.fp = ""
	if o != nil && o.Len() > 0 {
		sum := sha256.Sum256([]byte(m.Fingerprint() + "\x00overrides\x00" + o.digest))
		c.fp = hex.EncodeToString(sum[:])
	} else {
		c.over = nil
	}
	return &c
}

// Fingerprint identifies what the matcher maps titles with: the taxonomy's
// fingerprint, combined with the overrides' digest when there are any.
// Stored beside each mapped title, it tells which titles are stale.
func (m *Matcher) Fingerprint() string {
	if m.fp != "" {
		return m.fp
	}
	return m.taxFP()
}

func (m *Matcher) applyOverride(res Match, o Override, steps *[]Step) Match {
	if o.Level != "" {
		res.Seniority = o.Level
	}
	if o.Family == FamilyNone {
		if steps != nil {
			logStep(steps, "override", fmt.Sprintf("%s:%d pins %q as unmatched", m.over.File, o.Line, o.TitleRaw))
			logStep(steps, "result", fmt.Sprintf("unmatched, seniority %s", res.Seniority))
		}
		return res
	}
	res.Family, res.Title, res.Confidence, res.Method = o.Family, o.Title, confExact, MethodExact
	if steps != nil {
		logStep(steps, "override", fmt.Sprintf("%s:%d maps %q to %s (%q), level %s", m.over.File, o.Line, o.TitleRaw, o.Family, o.Title, res.Seniority))
		logStep(steps, "result", fmt.Sprintf("%s (%q), seniority %s, confidence %.2f, method %s (override)", res.Family, res.Title, res.Seniority, res.Confidence, res.Method))
	}
	return res
}
