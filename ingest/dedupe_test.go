package ingest

import (
	"context"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"testing"

	"payband/synth"
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newCaseSet()
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

// Many keys force the table through several doublings; every key must
// still be found afterwards.
func TestCaseSetGrows(t *testing.T) {
	s := newCaseSet()
	const n = 100_000
	for i := 0; i < n; i++ {
		if !s.add(fmt.Sprintf("I-200-%08d", i)) {
			t.Fatalf("key %d reported as seen on first add", i)
		}
	}
	for i := 0; i < n; i++ {
		if s.add(fmt.Sprintf("I-200-%08d", i)) {
			t.Fatalf("key %d lost after growing to %d slots", i, len(s.slots))
		}
	}
	if s.len() != n || 4*s.len() > 3*len(s.slots) {
		t.Errorf("len %d in %d slots", s.len(), len(s.slots))
	}
	// Released, the set is empty and usable again.
	s.release()
	if s.len() != 0 || !s.add("I-200-00000000") || s.add("I-200-00000000") {
		t.Errorf("after release: len %d", s.len())
	}
	s.release()
}

// Keys that share their first word land in the same slot and must probe
// past each other, also across the wrap at the end of the table.
func TestCaseSetCollisions(t *testing.T) {
	s := newCaseSet()
	last := uint64(len(s.slots) - 1)
	keys := [][2]uint64{{last, 1}, {last, 3}, {last, 5}, {0, 7}, {last, 9}}
	for _, k := range keys {
		if !s.insert(k) {
			t.Fatalf("%v reported as seen on first insert", k)
		}
	}
	for _, k := range keys {
		if s.insert(k) {
			t.Errorf("%v not found", k)
		}
	}
	if s.slots[0] != ([2]uint64{last, 3}) {
		t.Errorf("probe did not wrap: slot 0 holds %v", s.slots[0])
	}
}

// BenchmarkCaseSet compares the table with a Go map of the same keys, the
// structure it replaced.
func BenchmarkCaseSet(b *testing.B) {
	const n = 2_000_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("I-200-%05d-%06d", i%97, i)
	}
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			s := newCaseSet()
			for _, k := range keys {
				s.add(k)
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
	c := newCaseSet()
	defer c.release()
	for i := 0; i < 1000; i++ {
		c.add(fmt.Sprint("I-", i))
	}
	c.reserve(100000)
	if want := 1 << 18; len(c.slots) != want { // 3·2¹⁷ < 4·10⁵ ≤ 3·2¹⁸
		t.Errorf("reserve(100000): %d slots, want %d", len(c.slots), want)
	}
	size := len(c.slots)
	for i := 0; i < 100000; i++ {
		if isNew := c.add(fmt.Sprint("I-", i)); isNew != (i >= 1000) {
			t.Fatalf("key %d: new = %v after reserve", i, isNew)
		}
	}
	if len(c.slots) != size || c.len() != 100000 {
		t.Errorf("the reserved table grew to %d slots (from %d) or lost keys: %d", len(c.slots), size, c.len())
	}
	c.reserve(10) // never shrinks
	if len(c.slots) != size || c.add("I-5") {
		t.Errorf("reserve(10) shrank the table or lost a key")
	}
}

// TestCaseRowsEstimate: the first batch of a generated LCA file guesses its
// rows within a few percent, so the case-number set is sized once; a file
// without case numbers, or not delimited text, gets no guess.
func TestCaseRowsEstimate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lca.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 60_000
	if err := synth.Generate(ctx, f, synth.Options{Rows: rows, Seed: 3, Profile: synth.ProfileLCA}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
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
