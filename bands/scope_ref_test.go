package bands

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// scopeSQL is the obvious way to a band's scope that ComputeBands takes
// in the bands' own query: a query of its own selecting, per group of q, the source kinds, the number of
// countries and the first few, the first and last year, and whether any
// row is an LCA filing.
func (q BandQuery) scopeSQL() (string, []any, error) {
	base, args, err := q.baseWith(nil, []string{"source_kind", "country", "year"})
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("\nSELECT ")
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString(`list_sort(list(DISTINCT source_kind)), count(DISTINCT country),
  list_sort(list(DISTINCT country))[1:` + strconv.Itoa(maxScopeCountries) + `], min(year), max(year)
FROM base`)
	if groupBy := strings.Join(q.By, ", "); groupBy != "" {
		b.WriteString("\nGROUP BY " + groupBy)
	}
	return b.String(), args, nil
}

// fillScopes sets each band's Scope from scopeSQL.
func fillScopes(ctx context.Context, db *sql.DB, q BandQuery, bands []Band) error {
	if len(bands) == 0 {
		return nil
	}
	query, args, err := q.scopeSQL()
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byKey := map[string]Scope{}
	nk := len(q.By)
	for rows.Next() {
		keys := make([]sql.NullString, nk)
		dest := make([]any, 0, nk+5)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		var kinds, countries []any
		var s Scope
		dest = append(dest, &kinds, &s.NCountries, &countries, &s.YearFrom, &s.YearTo)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		s.Kinds = strs(kinds)
		s.Countries = strs(countries)
		if slices.ContainsFunc(s.Kinds, func(k string) bool { return strings.HasPrefix(k, "lca-") }) {
			s.CaseStatus = q.caseStatus()
		}
		byKey[nullKey(keys)] = s
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range bands {
		keys := make([]sql.NullString, nk)
		for j, kv := range bands[i].Group {
			keys[j] = sql.NullString{String: kv.Value, Valid: !kv.Null || (kv.Value == "" && emptyIsValue(kv.Key))}
		}
		bands[i].Scope = byKey[nullKey(keys)]
	}
	return nil
}

func nullKey(keys []sql.NullString) string {
	var b strings.Builder
	for _, k := range keys {
		if k.Valid {
			b.WriteString("v" + strconv.Quote(k.String))
		} else {
			b.WriteString("n")
		}
	}
	return b.String()
}

func strs(xs []any) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
