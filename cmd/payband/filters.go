package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"payband/bands"
	"payband/ingest"
	"payband/titles"
)

// parseWhere reads one --where: COLUMN=VALUE, COLUMN=V1,V2 (a list),
// or a range COLUMN>=V, >, <=, <. Values are bound later, never spliced.
func parseWhere(w string) (col, op string, vals []string, err error) {
	i := strings.IndexAny(w, "<>=")
	if i <= 0 {
		return "", "", nil, usagef("--where takes COLUMN=VALUE, COLUMN=V1,V2 or COLUMN>=VALUE (also >, <=, <), not %q", w)
	}
	col = strings.TrimSpace(w[:i])
	op = w[i : i+1]
	rest := w[i+1:]
	if op != "=" && strings.HasPrefix(rest, "=") {
		op += "="
		rest = rest[1:]
	}
	if op == "=" {
		for _, v := range strings.Split(rest, ",") {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return "", "", nil, usagef("--where %q: no value after =", w)
		}
		return col, op, vals, nil
	}
	rest = strings.TrimSpace(rest)
	if rest == "" || strings.ContainsAny(rest, "<>=") {
		return "", "", nil, usagef("--where %q: one value after %s", w, op)
	}
	if !bands.IsIntColumn(col) {
		return "", "", nil, usagef("--where %q: ranges work on year and remote_ratio; %s takes = with one value or a list", w, col)
	}
	return col, op, []string{rest}, nil
}

// addWhere adds one parsed --where to q. A column takes one = (or list),
// or at most one lower and one upper bound: anything more would select
// nothing, or only the last, so it is refused.
func addWhere(q *bands.BandQuery, w string) error {
	col, op, vals, err := parseWhere(w)
	if err != nil {
		return err
	}
	_, eq := q.Filters[col]
	for _, c := range q.Conds {
		if c.Column != col {
			continue
		}
		if c.Op == "in" || op == "=" || c.Op[0] == op[0] {
			eq = true
		}
	}
	if eq {
		return usagef("--where %s is given twice (or with --%s/--year); give one value or list per column, or one lower and one upper bound", col, col)
	}
	switch {
	case op == "=" && len(vals) == 1:
		q.Filters[col] = vals[0]
	case op == "=":
		q.Conds = append(q.Conds, bands.Cond{Column: col, Op: "in", Values: vals})
	default:
		q.Conds = append(q.Conds, bands.Cond{Column: col, Op: op, Values: vals})
	}
	return nil
}

// checkValues makes sure every value q selects on exists, before anything
// is computed: a family must be a taxonomy id, a state is a postal code
// or name in any case (va, VA, Virginia), and any other value must occur
// in the warehouse, matched exactly or, failing that, case-insensitively
// when that names one stored value. Values it maps are rewritten in q. A
// value that matches nothing is a usage error with a did-you-mean and
// what the column holds. Ranges and whole-number columns (year,
// remote_ratio) are not checked: an empty year is an answer, not a typo.
func checkValues(ctx context.Context, db *sql.DB, q *bands.BandQuery) error {
	check := func(col, v string) (string, error) { return checkValue(ctx, db, col, v) }
	for _, col := range slices.Sorted(mapKeys(q.Filters)) {
		v, err := check(col, q.Filters[col])
		if err != nil {
			return err
		}
		q.Filters[col] = v
	}
	for i, c := range q.Conds {
		if c.Op != "in" {
			continue
		}
		for j, v := range c.Values {
			nv, err := check(c.Column, v)
			if err != nil {
				return err
			}
			q.Conds[i].Values[j] = nv
		}
	}
	return nil
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// maxListed is how many of a column's values an error lists.
const maxListed = 40

func checkValue(ctx context.Context, db *sql.DB, col, v string) (string, error) {
	if bands.IsIntColumn(col) {
		// A year without survey rows can still have published figures
		// (bands --with-published --year 2016), and an empty year is an
		// answer like an empty range: only the range check of --year
		// applies.
		return v, nil
	}
	if col == "family" {
		tax, err := titles.DefaultTaxonomy()
		if err != nil {
			return "", err
		}
		ids := make([]string, len(tax.Families))
		for i, f := range tax.Families {
			ids[i] = f.ID
		}
		if slices.Contains(ids, v) {
			return v, nil
		}
		return "", unknownValue("family", v, ids)
	}
	asked := v
	if col == "state" {
		if c, ok := ingest.StateCode(v); ok {
			v = c
		}
	}
	ok, err := bands.ValueExists(ctx, db, col, v)
	if err != nil {
		return "", err
	}
	if ok {
		return v, nil
	}
	have, err := bands.DistinctValues(ctx, db, col)
	if err != nil {
		return "", err
	}
	var fold []string
	for _, h := range have {
		if strings.EqualFold(h, v) {
			fold = append(fold, h)
		}
	}
	if len(fold) == 1 {
		return fold[0], nil
	}
	have = slices.DeleteFunc(have, func(h string) bool { return h == "" })
	shown := fmt.Sprintf("%q", asked)
	if asked != v {
		shown += " (" + v + ")"
	}
	return "", unknownValue(col, shown, have)
}

// unknownValue is the usage error for a value col does not take; v is
// shown as given (quoted by the caller, except for family).
func unknownValue(col, v string, have []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "no %s %s in the warehouse", col, v)
	if col == "family" {
		b.Reset()
		fmt.Fprintf(&b, "unknown family %q (families are taxonomy ids)", v)
	}
	if s := didYouMean(v, have); s != "" {
		fmt.Fprintf(&b, "; did you mean %q?", s)
	}
	switch {
	case len(have) == 0:
		fmt.Fprintf(&b, " (no row has a %s)", col)
	case len(have) <= maxListed:
		fmt.Fprintf(&b, "; %s takes: %s", col, strings.Join(have, ", "))
	default:
		fmt.Fprintf(&b, "; %s takes %d values, e.g. %s, …; list them with: payband query \"SELECT DISTINCT %s FROM salaries ORDER BY 1\"",
			col, len(have), strings.Join(have[:maxListed/4], ", "), col)
	}
	return usageError{fmt.Errorf("%s", b.String())}
}

// didYouMean returns the candidate closest to v, compared as lower-case
// words (so "Security Manager" finds security-manager), or "" when none is
// within a third of v's length.
func didYouMean(v string, cands []string) string {
	key := func(s string) string {
		return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return r == '-' || r == '_' || r == ' ' || r == '.' || r == ','
		}), "-")
	}
	kv := key(v)
	best, bestD := "", len([]rune(kv))/3+1
	for _, c := range cands {
		if d := editDistance(kv, key(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// registerCompletions offers values for --by (the group columns, after
// the commas already typed) and --family (the taxonomy ids).
func registerCompletions(c *cobra.Command) {
	_ = c.RegisterFlagCompletionFunc("by", func(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		done := ""
		if i := strings.LastIndexByte(typed, ','); i >= 0 {
			done = typed[:i+1]
		}
		out := make([]string, len(bands.GroupColumns))
		for i, col := range bands.GroupColumns {
			out[i] = done + col
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
	_ = c.RegisterFlagCompletionFunc("family", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		tax, err := titles.DefaultTaxonomy()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		ids := make([]string, len(tax.Families))
		for i, f := range tax.Families {
			ids[i] = f.ID
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
}
