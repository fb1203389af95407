package bands

import (
	"cmp"
	"slices"
)

// LevelOrder is the career ladder, lowest first: how levels sort in every
// table and chart, never alphabetically (the same list as LevelLadder).
var LevelOrder = LevelLadder

// levelAliases ranks the survey's experience_level codes on the same
// ladder.
var levelAliases = map[string]string{"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}

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
