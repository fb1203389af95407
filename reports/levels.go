package reports

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// LevelOrder is the career ladder, lowest first: how levels sort in every
// table and chart, never alphabetically.
var LevelOrder = []string{"intern", "entry", "mid", "senior", "lead", "principal", "executive", "unspecified"}

// levelAliases ranks the survey's experience_level codes on the same
// ladder.
var levelAliases = map[string]string{"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}

// levelColumns are the group columns whose values are levels.
var levelColumns = map[string]bool{"seniority": true, "level": true, "experience_level": true}

// LevelRank is l's place on LevelOrder; a value not on it ranks after
// every level.
func LevelRank(l string) int {
	if a, ok := levelAliases[l]; ok {
		l = a
	}
	if i := slices.Index(LevelOrder, l); i >= 0 {
		return i
	}
	return len(LevelOrder)
}

// SortLevels reorders bands, which arrive sorted by the group columns by,
// so that each level column runs up the ladder. Only bands that agree on
// the columns before a level column move among themselves, and the sort
// is stable, so every other column keeps its order.
func SortLevels(bands []Band, by []string) {
	for k, c := range by {
		if !levelColumns[c] {
			continue
		}
		start := 0
		for i := 1; i <= len(bands); i++ {
			if i < len(bands) && samePrefix(bands[i], bands[start], k) {
				continue
			}
			slices.SortStableFunc(bands[start:i], func(a, b Band) int {
				return cmp.Compare(LevelRank(a.Group[k].Value), LevelRank(b.Group[k].Value))
			})
			start = i
		}
	}
}

// samePrefix reports whether a and b have the same first k group values.
func samePrefix(a, b Band, k int) bool {
	for j := 0; j < k; j++ {
		if a.Group[j].Value != b.Group[j].Value {
			return false
		}
	}
	return true
}

// orderBy is the ORDER BY list of the statement SQL prints: the group
// columns, a level column by its rank first, so a rerun lists the bands
// as ComputeBands does. Columns come from the allow-list and the levels
// from LevelOrder, never from input.
func orderBy(by []string) string {
	parts := make([]string, 0, len(by))
	for _, c := range by {
		if !levelColumns[c] {
			parts = append(parts, c)
			continue
		}
		var b strings.Builder
		b.WriteString("CASE " + c)
		for l, i := range levelRanks() {
			fmt.Fprintf(&b, " WHEN '%s' THEN %d", l, i)
		}
		fmt.Fprintf(&b, " ELSE %d END, %s", len(LevelOrder), c)
		parts = append(parts, b.String())
	}
	return strings.Join(parts, ", ")
}

// levelRanks yields every level name and alias with its rank, in ladder
// order.
func levelRanks() func(func(string, int) bool) {
	return func(yield func(string, int) bool) {
		for i, l := range LevelOrder {
			if !yield(l, i) {
				return
			}
			for _, a := range slices.Sorted(maps.Keys(levelAliases)) {
				if levelAliases[a] == l && !yield(a, i) {
					return
				}
			}
		}
	}
}
