package ingest

import (
	"hash/maphash"
	"math/bits"
)

// caseSet remembers the case numbers seen in one file without keeping a
// copy of every string. A DOL-shaped case number ("I-200-19268-393130") is
// kept exactly, as its packed code (caseCode), in a table of 8-byte slots;
// any other, as a 128-bit hash (two independent 64-bit maphash values) in
// a table of 16-byte slots, where two distinct numbers share a key with
// probability about n²/2¹²⁸: for ten million rows, 10⁻²⁵.
//
// Both are flat open-addressing tables: one cache miss per lookup, no
// rehashing of keys. Grown tables are mapped outside the Go heap on huge
// pages where the system offers them (slots_linux.go). BenchmarkCaseSet,
// five million DOL numbers in random order: codes 124 ns a key, the
// 128-bit hashes of the same strings 290 ns (twice the memory to miss in,
// and two hashes of the string), a Go map of those hashes 720.
type caseSet struct {
	codes  codeTable
	hashes hashTable
	s1, s2 maphash.Seed
	sink   uint64 // what touch read, kept so the reads are not dropped
}

func newCaseSet() *caseSet {
	return &caseSet{s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
}

// add records the case number k and reports whether it was new.
func (c *caseSet) add(k string) bool {
	if n, ok := caseCode(k); ok {
		return c.addCode(n)
	}
	return c.hashes.insert(c.key(k))
}

// touch reads the slots where refs' codes start their probes, so that the
// cache misses of many lookups overlap instead of stalling one row each
// (convert). It changes nothing in the set.
func (c *caseSet) touch(refs []caseRef) {
	t := &c.codes
	if len(t.slots) == 0 {
		return
	}
	var sum uint64
	for _, r := range refs {
		if r.isCode {
			sum += t.slots[t.home(uint64(r.code)+1)]
		}
	}
	c.sink = sum
}

// addCode records the case number whose caseCode is n.
func (c *caseSet) addCode(n int64) bool {
	return c.codes.insert(uint64(n) + 1) // 0 is the empty slot
}

// key hashes k; the low bit of the second word is forced on so no key is
// the empty slot (127 bits of hash remain).
func (c *caseSet) key(k string) [2]uint64 {
	return [2]uint64{maphash.String(c.s1, k), maphash.String(c.s2, k) | 1}
}

// reserve sizes the table that case numbers shaped like sample go to for n
// keys at once, so a file whose row count is known roughly does not grow
// it (and rehash every key) step by step. It never shrinks a table.
func (c *caseSet) reserve(n int, sample string) {
	if _, ok := caseCode(sample); ok {
		c.codes.reserve(n)
	} else {
		c.hashes.reserve(n)
	}
}

// release returns the tables to the system; the set is empty after.
func (c *caseSet) release() {
	c.codes.release()
	c.hashes.release()
}

// len is the number of distinct case numbers seen.
func (c *caseSet) len() int { return c.codes.n + c.hashes.n }

// tableMinSlots is a table's size before its first key.
const tableMinSlots = 1 << 12

// A table is grown when three quarters full: linear probes stay within a
// few cache lines at that load, and at five million keys a table is half
// the size a limit of one half needs.
func overfull(n, slots int) bool { return 4*n > 3*slots }

// tableSize is the smallest power of two at least size that holds n keys.
func tableSize(size, n int) int {
	size = max(size, tableMinSlots)
	for overfull(n, size) {
		size *= 2
	}
	return size
}

// codeTable and hashTable are the same open-addressing table over two key
// types, written out twice: as one generic type, the per-key calls on the
// type parameter would go through a dictionary instead of being inlined,
// and the insert is the hot loop of a load.

// codeTable holds nonzero 64-bit keys (case codes plus one). Codes are not
// uniform, so a key's first slot is taken from the high bits of the key
// times 2⁶⁴/φ (Fibonacci hashing), which spreads neighbouring codes.
type codeTable struct {
	slots  []uint64
	shift  uint // 64 − log2(len(slots))
	mapped bool // slots live outside the Go heap (allocWords)
	n      int
}

func (t *codeTable) home(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> t.shift }

func (t *codeTable) insert(k uint64) bool {
	if t.slots == nil {
		t.resize(tableMinSlots)
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(k); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == k {
			return false
		}
		if s == 0 {
			t.slots[i] = k
			t.n++
			if overfull(t.n, len(t.slots)) {
				t.resize(2 * len(t.slots))
			}
			return true
		}
	}
}

func (t *codeTable) reserve(n int) {
	if size := tableSize(len(t.slots), n); size > len(t.slots) {
		t.resize(size)
	}
}

// resize moves the keys into a new, empty table of size slots.
func (t *codeTable) resize(size int) {
	old, oldMapped := t.slots, t.mapped
	t.slots, t.mapped = allocWords(size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for _, k := range old {
		if k == 0 {
			continue
		}
		i := t.home(k)
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = k
	}
	if oldMapped {
		freeWords(old)
	}
}

func (t *codeTable) release() {
	if t.mapped {
		freeWords(t.slots)
	}
	*t = codeTable{}
}

// hashTable holds 128-bit keys whose second word is nonzero. The keys are
// already uniform hashes, so the first word's low bits pick the first slot.
type hashTable struct {
	slots  [][2]uint64
	mapped bool
	n      int
}

func (t *hashTable) insert(key [2]uint64) bool {
	if t.slots == nil {
		t.resize(tableMinSlots)
	}
	mask := uint64(len(t.slots) - 1)
	for i := key[0] & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == key {
			return false
		}
		if s[1] == 0 {
			t.slots[i] = key
			t.n++
			if overfull(t.n, len(t.slots)) {
				t.resize(2 * len(t.slots))
			}
			return true
		}
	}
}

func (t *hashTable) reserve(n int) {
	if size := tableSize(len(t.slots), n); size > len(t.slots) {
		t.resize(size)
	}
}

// resize moves the keys into a new, empty table of size slots.
func (t *hashTable) resize(size int) {
	old, oldMapped := t.slots, t.mapped
	words, mapped := allocWords(2 * size)
	t.slots, t.mapped = pairs(words), mapped
	mask := uint64(size - 1)
	for _, s := range old {
		if s[1] == 0 {
			continue
		}
		i := s[0] & mask
		for t.slots[i][1] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
	if oldMapped {
		freeWords(words2(old))
	}
}

func (t *hashTable) release() {
	if t.mapped {
		freeWords(words2(t.slots))
	}
	*t = hashTable{}
}
