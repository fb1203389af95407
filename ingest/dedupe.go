package ingest

import "hash/maphash"

// caseSet remembers the case numbers seen in one file, as 128-bit hashes
// (two independent 64-bit maphash values) so a file of millions of rows
// costs tens of bytes a row, not a copy of every string. Two distinct case
// numbers share a key with probability about n²/2¹²⁹: for ten million rows,
// 10⁻²⁵.
type caseSet struct {
	s1, s2 maphash.Seed
	seen   map[[2]uint64]struct{}
}

func newCaseSet() *caseSet {
	return &caseSet{s1: maphash.MakeSeed(), s2: maphash.MakeSeed(), seen: make(map[[2]uint64]struct{})}
}

// add records k and reports whether it was new.
func (c *caseSet) add(k string) bool {
	key := [2]uint64{maphash.String(c.s1, k), maphash.String(c.s2, k)}
	if _, ok := c.seen[key]; ok {
		return false
	}
	c.seen[key] = struct{}{}
	return true
}
