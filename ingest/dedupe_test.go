package ingest

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

func TestCaseSet(t *testing.T) {
	tests := []struct {
		name     string
		keys     []string
		wantNew  int
		wantDups int
	}{
		{"empty", nil, 0, 0},
		{"distinct", []string{"I-200-1", "I-200-2", "I-200-3"}, 3, 0},
		{"repeats", []string{"I-1", "I-2", "I-1", "I-1", "I-2"}, 2, 3},
		{"case matters", []string{"i-1", "I-1"}, 2, 0},
		{"empty string is a key", []string{"", ""}, 1, 1},
		{"DOL numbers", []string{"I-200-19268-393130", "I-200-19268-393131", "I-200-19268-393130"}, 2, 1},
		{"the first DOL number", []string{"A-000-00000-000000", "A-000-00000-000000"}, 1, 1},
		// A DOL number and text close to it are different case numbers,
		// kept in different tables.
		{"DOL and other shapes", []string{"I-200-19268-393130", "i-200-19268-393130", "I-200-19268-393130 ", "I-200-19268-393130"}, 3, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newCaseSet()
			defer s.release()
			var fresh, dups int
			for _, k := range tc.keys {
				if s.add(k) {
					fresh++
				} else {
					dups++
				}
			}
			if fresh != tc.wantNew || dups != tc.wantDups || s.len() != tc.wantNew {
				t.Errorf("new %d dups %d len %d, want new %d dups %d", fresh, dups, s.len(), tc.wantNew, tc.wantDups)
			}
		})
	}
}

// Many keys force both tables through several doublings; every key must
// still be found afterwards.
func TestCaseSetGrows(t *testing.T) {
	for _, shape := range []string{"I-200-%05d-%06d", "EAD-%05d-%06d"} {
		t.Run(shape, func(t *testing.T) {
			s := newCaseSet()
			const n = 100_000
			key := func(i int) string { return fmt.Sprintf(shape, i%97, i) }
			for i := 0; i < n; i++ {
				if !s.add(key(i)) {
					t.Fatalf("key %d reported as seen on first add", i)
				}
			}
			for i := 0; i < n; i++ {
				if s.add(key(i)) {
					t.Fatalf("key %d lost after growing", i)
				}
			}
			slots := len(s.codes.slots) + len(s.hashes.slots)
			if s.len() != n || overfull(n, slots) || slots < tableSize(0, n) {
				t.Errorf("len %d in %d slots", s.len(), slots)
			}
			// Released, the set is empty and usable again.
			s.release()
			if s.len() != 0 || !s.add(key(0)) || s.add(key(0)) {
				t.Errorf("after release: len %d", s.len())
			}
			s.release()
		})
	}
}

// Keys that share a first slot must probe past each other, also across the
// wrap at the end of the table.
func TestCaseSetCollisions(t *testing.T) {
	t.Run("hashes", func(t *testing.T) {
		var h hashTable
		defer h.release()
		h.resize(tableMinSlots)
		last := uint64(len(h.slots) - 1)
		keys := [][2]uint64{{last, 1}, {last, 3}, {last, 5}, {0, 7}, {last, 9}}
		insertTwice(t, h.insert, keys)
		if h.slots[0] != ([2]uint64{last, 3}) {
			t.Errorf("probe did not wrap: slot 0 holds %v", h.slots[0])
		}
	})
	t.Run("codes", func(t *testing.T) {
		var c codeTable
		defer c.release()
		c.resize(tableMinSlots)
		// Keys whose first slot is the last one, found by search.
		var keys []uint64
		for k := uint64(1); len(keys) < 4; k++ {
			if c.home(k) == uint64(len(c.slots)-1) {
				keys = append(keys, k)
			}
		}
		insertTwice(t, c.insert, keys)
		if c.slots[0] != keys[1] {
			t.Errorf("probe did not wrap: slot 0 holds %d, want %d", c.slots[0], keys[1])
		}
	})
}

// insertTwice inserts every key, each new the first time and seen the
// second.
func insertTwice[K any](t *testing.T, insert func(K) bool, keys []K) {
	t.Helper()
	for _, k := range keys {
		if !insert(k) {
			t.Fatalf("%v reported as seen on first insert", k)
		}
	}
	for _, k := range keys {
		if insert(k) {
			t.Errorf("%v not found", k)
		}
	}
}

// BenchmarkCaseSet: five million DOL case numbers in random order, as
// exact codes (what the set does with them), as 128-bit hashes of the
// strings (what it does with other shapes, and did with all before), and
// in a Go map of those hashes (what it replaced).
func BenchmarkCaseSet(b *testing.B) {
	const n = 5_000_000
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("I-200-%05d-%06d", 19000+r.IntN(1000), r.IntN(1000000))
	}
	b.Run("codes", func(b *testing.B) {
		for b.Loop() {
			s := newCaseSet()
			s.reserve(n, keys[0])
			for _, k := range keys {
				s.add(k)
			}
			s.release()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
	})
	b.Run("hashes", func(b *testing.B) {
		for b.Loop() {
			s := newCaseSet()
			s.hashes.reserve(n)
			for _, k := range keys {
				s.hashes.insert(s.key(k))
			}
			s.release()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
	})
	b.Run("map", func(b *testing.B) {
		s1, s2 := maphash.MakeSeed(), maphash.MakeSeed()
		for b.Loop() {
			m := map[[2]uint64]struct{}{}
			for _, k := range keys {
				key := [2]uint64{maphash.String(s1, k), maphash.String(s2, k)}
				if _, ok := m[key]; !ok {
					m[key] = struct{}{}
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
	})
}

// unpackCase is the inverse of caseCode, as the SQL in
// warehouse/sql/002_case_code.sql writes it.
func unpackCase(n int64) string {
	return fmt.Sprintf("%c-%03d-%05d-%06d", 'A'+n/100000000000000, n/100000000000%1000, n/1000000%100000, n%1000000)
}

func TestCaseCode(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"I-200-19268-393130", 8*100000000000000 + 200*100000000000 + 19268*1000000 + 393130, true},
		{"A-000-00000-000000", 0, true},
		{"Z-999-99999-999999", 25*100000000000000 + 999*100000000000 + 99999*1000000 + 999999, true},
		{"i-200-19268-393130", 0, false}, // lower case stays text
		{"I-200-19268-39313", 0, false},
		{"I-200-19268-3931300", 0, false},
		{"I_200-19268-393130", 0, false},
		{"I-2O0-19268-393130", 0, false},
		{"I-200-1926/-393130", 0, false},
		{"1-200-19268-393130", 0, false},
		{"EAD-2016-12345-678", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := caseCode(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("caseCode(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && unpackCase(got) != tc.in {
			t.Errorf("caseCode(%q) unpacks to %q", tc.in, unpackCase(got))
		}
	}
}

// FuzzCaseCode: whatever packs unpacks to the same text, so two case
// numbers share a code only when they are the same case number.
func FuzzCaseCode(f *testing.F) {
	f.Add("I-200-19268-393130")
	f.Add("Z-999-99999-999999")
	f.Add("I-200-1926\xff-393130")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := caseCode(s)
		if !ok {
			return
		}
		if n < 0 || unpackCase(n) != s {
			t.Fatalf("caseCode(%q) = %d, unpacks to %q", s, n, unpackCase(n))
		}
	})
}

func TestCaseSetReserve(t *testing.T) {
	for _, tc := range []struct {
		name  string
		key   func(int) string
		slots func(*caseSet) int
	}{
		{"codes", func(i int) string { return fmt.Sprintf("I-200-00000-%06d", i) }, func(c *caseSet) int { return len(c.codes.slots) }},
		{"hashes", func(i int) string { return fmt.Sprint("I-", i) }, func(c *caseSet) int { return len(c.hashes.slots) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCaseSet()
			defer c.release()
			for i := 0; i < 1000; i++ {
				c.add(tc.key(i))
			}
			c.reserve(100000, tc.key(0))
			if want := 1 << 18; tc.slots(c) != want { // 3·2¹⁷ < 4·10⁵ ≤ 3·2¹⁸
				t.Errorf("reserve(100000): %d slots, want %d", tc.slots(c), want)
			}
			size := tc.slots(c)
			for i := 0; i < 100000; i++ {
				if isNew := c.add(tc.key(i)); isNew != (i >= 1000) {
					t.Fatalf("key %d: new = %v after reserve", i, isNew)
				}
			}
			if tc.slots(c) != size || c.len() != 100000 {
				t.Errorf("the reserved table grew to %d slots (from %d) or lost keys: %d", tc.slots(c), size, c.len())
			}
			c.reserve(10, tc.key(0)) // never shrinks
			if tc.slots(c) != size || c.add(tc.key(5)) {
				t.Errorf("reserve(10) shrank the table or lost a key")
			}
		})
	}
}

// TestCaseRowsEstimate: the first batch of a generated LCA file guesses its
// rows within a few percent, so the case-number set is sized once; a file
// without case numbers, or not delimited text, gets no guess.
func TestCaseRowsEstimate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lca.csv")
	const rows = 60_000
	writeLCA(t, path, rows, 3)
	src, err := OpenFile(ctx, path, "", ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b, _, err := bindProfile(src.Reader.Header(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	est := caseRowsEstimate(path, src, b)
	if est == nil || !src.Reader.Next() {
		t.Fatalf("no estimate for an LCA CSV (%v)", src.Reader.Err())
	}
	if got := est(src.Reader.Record()); got < rows*95/100 || got > rows*110/100 {
		t.Errorf("estimate %d rows, the file has %d", got, rows)
	}
	noCases := *b
	noCases.Index[FCaseNumber] = -1
	if caseRowsEstimate(path, src, &noCases) != nil {
		t.Error("an estimate for a file without case numbers")
	}
	jsonl := *src
	jsonl.Format = "jsonl"
	if caseRowsEstimate(path, &jsonl, b) != nil {
		t.Error("an estimate for JSON lines")
	}
}
