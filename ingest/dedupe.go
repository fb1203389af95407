package ingest

import "hash/maphash"

// caseSet remembers the case numbers seen in one file, as 128-bit hashes
// (two independent 64-bit maphash values) so a file of millions of rows
// costs tens of bytes a row, not a copy of every string. Two distinct case
// numbers share a key with probability about n²/2¹²⁸: for ten million rows,
// 10⁻²⁵.
//
// The keys are already uniform hashes, so the set is a flat open-addressing
// table indexed by the first word: one cache miss per lookup, no rehashing
// of keys. Grown tables are mapped outside the Go heap on huge pages where
// the system offers them (slots_linux.go). BenchmarkCaseSet at two million
// keys: 190–240 ns a key against 420–580 for a Go map of the same keys.
type caseSet struct {
	s1, s2 maphash.Seed
	slots  [][2]uint64 // {0, 0} is empty; keys never are (see key)
	mapped bool        // slots live outside the Go heap (allocSlots)
	n      int
}

const caseSetMinSlots = 1 << 12

func newCaseSet() *caseSet {
	return &caseSet{s1: maphash.MakeSeed(), s2: maphash.MakeSeed(), slots: make([][2]uint64, caseSetMinSlots)}
}

// release returns a mapped table to the system; the set is empty after.
func (c *caseSet) release() {
	if c.mapped {
		freeSlots(c.slots)
	}
	c.slots, c.mapped, c.n = make([][2]uint64, caseSetMinSlots), false, 0
}

// key hashes k; the low bit of the second word is forced on so no key is
// the empty slot (127 bits of hash remain).
func (c *caseSet) key(k string) [2]uint64 {
	return [2]uint64{maphash.String(c.s1, k), maphash.String(c.s2, k) | 1}
}

// add records k and reports whether it was new.
func (c *caseSet) add(k string) bool {
	return c.insert(c.key(k))
}

func (c *caseSet) insert(key [2]uint64) bool {
	mask := uint64(len(c.slots) - 1)
	for i := key[0] & mask; ; i = (i + 1) & mask {
		s := c.slots[i]
		if s == key {
			return false
		}
		if s[1] == 0 {
			c.slots[i] = key
			c.n++
			if 4*c.n > 3*len(c.slots) {
				c.grow()
			}
			return true
		}
	}
}

// grow doubles the table when it is three quarters full. Linear probes
// stay within a few cache lines at that load, and at five million rows the
// table is 128 MiB instead of the 256 a limit of one half needs.
func (c *caseSet) grow() {
	old, oldMapped := c.slots, c.mapped
	c.slots, c.mapped = allocSlots(2 * len(old))
	c.rehash(old)
	if oldMapped {
		freeSlots(old)
	}
}

// rehash places the keys of old into the (empty, larger) c.slots.
func (c *caseSet) rehash(old [][2]uint64) {
	mask := uint64(len(c.slots) - 1)
	for _, s := range old {
		if s[1] == 0 {
			continue
		}
		i := s[0] & mask
		for c.slots[i][1] != 0 {
			i = (i + 1) & mask
		}
		c.slots[i] = s
	}
}

// reserve sizes the table for n keys at once, so a file whose row count
// is known roughly does not grow it (and rehash every key) step by step.
// It never shrinks the table.
func (c *caseSet) reserve(n int) {
	size := len(c.slots)
	for 3*size < 4*n {
		size *= 2
	}
	if size == len(c.slots) {
		return
	}
	old, oldMapped := c.slots, c.mapped
	c.slots, c.mapped = allocSlots(size)
	c.rehash(old)
	if oldMapped {
		freeSlots(old)
	}
}

// len is the number of distinct case numbers seen.
func (c *caseSet) len() int { return c.n }
