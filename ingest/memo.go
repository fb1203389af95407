package ingest

import "strings"

// memoMax bounds a memo: a column with more distinct values than this is
// not the kind a memo helps, and a hostile file must not grow it without
// end. Values past the bound are computed every time.
const memoMax = 1 << 14

// memo remembers a pure function's result per cell text, for the columns
// that repeat a few values millions of times (dates, pay units, states).
// A lookup is one map probe; the work it saves (time.Parse, folding a unit's
// spelling, matching a state name) was a visible share of a load.
type memo[V any] struct {
	m map[string]V
}

func (m *memo[V]) get(s string) (V, bool) {
	v, ok := m.m[s]
	return v, ok
}

// put keeps a copy of s: the cell points into a raw batch the memo must not
// keep alive.
func (m *memo[V]) put(s string, v V) {
	if m.m == nil {
		m.m = make(map[string]V)
	}
	if len(m.m) < memoMax {
		m.m[strings.Clone(s)] = v
	}
}
