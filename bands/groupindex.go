package bands

// groupIndex finds a group by its hash: open addressing, linear probing.
type groupIndex struct {
	shift  uint
	hashes []uint64
	groups []int32 // 0 empty, else group index + 2 (1 for a group left out)
}

// build indexes hashes[i] → kept[i]. It returns false when two hashes are
// equal.
func (x *groupIndex) build(hashes []uint64, kept []int) bool {
	bits := uint(1)
	for 1<<bits < 2*len(hashes) {
		bits++
	}
	x.shift = 64 - bits
	x.hashes = make([]uint64, 1<<bits)
	x.groups = make([]int32, 1<<bits)
	mask := uint64(1)<<bits - 1
	for i, h := range hashes {
		s := x.slot(h)
		for x.groups[s] != 0 {
			if x.hashes[s] == h {
				return false
			}
			s = (s + 1) & mask
		}
		x.hashes[s] = h
		x.groups[s] = int32(kept[i] + 2)
	}
	return true
}

// slot is where h's probe starts: Fibonacci hashing spreads the top bits.
func (x *groupIndex) slot(h uint64) uint64 {
	return (h * 0x9E3779B97F4A7C15) >> x.shift
}

// find returns the group of hash h (-1 for a group left out) and whether h
// is known.
func (x *groupIndex) find(h uint64) (int, bool) {
	mask := uint64(len(x.groups) - 1)
	for s := x.slot(h); ; s = (s + 1) & mask {
		g := x.groups[s]
		if g == 0 {
			return 0, false
		}
		if x.hashes[s] == h {
			return int(g) - 2, true
		}
	}
}
