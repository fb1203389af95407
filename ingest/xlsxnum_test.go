package ingest

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestCellDefaultFastPath checks cellDefault's fast path for plain
// integers and decimals against excelize's steps (cellDefaultSlow): the
// cases at its edges, then random decimals of every length around 15
// digits.
func TestCellDefaultFastPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0", "0"},
		{"7", "7"},
		{"85000", "85000"},
		{"85000.00", "85000"},
		{"85000.50", "85000.5"},
		{"120200.125", "120200.125"},
		{"0.0", "0"},
		{"0.000", "0"},
		{"0.5", "0.5"},
		{"0.00123", "0.00123"},
		{"123456789012345", "123456789012345"},
		{"12345678901234.5", "12345678901234.5"},
		{"1234567890123456", "1.23456789012346E+15"}, // 16 digits: rounded to 15
		{"0.1234567890123456", "0.123456789012346"},
		{"007", "7"},  // leading zeros: the slow path
		{"1.", "1"},   // a bare point
		{".5", "0.5"}, // no integer digit
		{"-2.50", "-2.5"},
		{"1e3", "1000"},
		{"1E-3", "0.001"},
		{"12_3", "12_3"},
		{"abc", "abc"},
		{"", ""},
	}
	var buf []byte
	for _, c := range cases {
		if got := string(cellDefault([]byte(c.in), &buf)); got != c.want {
			t.Errorf("cellDefault(%q) = %q, want %q", c.in, got, c.want)
		}
		if got, slow := string(cellDefault([]byte(c.in), &buf)), string(cellDefaultSlow([]byte(c.in), &buf)); got != slow {
			t.Errorf("cellDefault(%q) = %q, the slow path gives %q", c.in, got, slow)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for range 200000 {
		intDigits := rng.IntN(17)
		frac := rng.IntN(18)
		b := make([]byte, 0, 40)
		for i := range intDigits {
			d := byte('0' + rng.IntN(10))
			if i == 0 && intDigits > 1 && rng.IntN(20) != 0 {
				d = byte('1' + rng.IntN(9))
			}
			b = append(b, d)
		}
		if len(b) == 0 {
			b = append(b, '0')
		}
		if frac > 0 {
			b = append(b, '.')
			for range frac {
				b = append(b, byte('0'+rng.IntN(10)))
			}
			for range rng.IntN(4) {
				b = append(b, '0')
			}
		}
		if _, ok := plainDecimal(b); ok {
			fast++
		}
		if got, want := string(cellDefault(b, &buf)), string(cellDefaultSlow(b, &buf)); got != want {
			t.Fatalf("cellDefault(%q) = %q, the slow path gives %q", b, got, want)
		}
	}
	if fast < 50000 {
		t.Fatalf("only %d of the random values took the fast path", fast)
	}
}

// FuzzCellDefault holds cellDefault to its slow path on any bytes.
func FuzzCellDefault(f *testing.F) {
	for _, s := range []string{"85000.00", "0.0", "123456789012345.5", "1e5", "-0", strconv.FormatFloat(1.0/3, 'f', -1, 64)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var buf []byte
		got := string(cellDefault(b, &buf))
		want := string(cellDefaultSlow(b, &buf))
		if got != want {
			t.Fatalf("cellDefault(%q) = %q, the slow path gives %q", b, got, want)
		}
	})
}

// TestRefNames holds refNames, the scanner's fast path for a cell
// reference, to cellColumn: whenever it says a reference names a column,
// cellColumn reads the same column from it without an error.
func TestRefNames(t *testing.T) {
	cases := []struct {
		ref   string
		col   int
		row   int64
		names bool
	}{
		{"A1", 1, 1, true},
		{"B1", 2, 1, true},
		{"B1", 3, 1, false}, // not the place after the last cell
		{"Z9", 26, 9, true},
		{"AA12", 27, 12, true},
		{"XFD1048576", MaxSheetColumns, 1048576, true},
		{"XFE1", MaxSheetColumns + 1, 1, false}, // past the last column: cellColumn's error
		{"a1", 1, 1, false},                     // lower case: cellColumn reads it
		{"A01", 1, 1, false},
		{"A2", 1, 1, false}, // another row's number: cellColumn reads the column
		{"AAAA1", 18279, 1, false},
		{"1", 1, 1, false},
		{"A", 1, 1, false},
	}
	for _, c := range cases {
		digits := strconv.AppendInt(nil, c.row, 10)
		got := refNames([]byte(c.ref), c.col, digits)
		if got != c.names {
			t.Errorf("refNames(%q, %d, %q) = %v, want %v", c.ref, c.col, digits, got, c.names)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	held := 0
	for range 200000 {
		col := 1 + rng.IntN(MaxSheetColumns+30)
		row := int64(1 + rng.IntN(maxSheetRows))
		ref := []byte(columnName(col) + strconv.FormatInt(row, 10))
		if rng.IntN(4) == 0 {
			ref[rng.IntN(len(ref))] = byte(rng.IntN(128))
		}
		guess := col
		if rng.IntN(4) == 0 {
			guess += rng.IntN(3) - 1
		}
		digits := strconv.AppendInt(nil, row, 10)
		if !refNames(ref, guess, digits) {
			continue
		}
		held++
		got, err := cellColumn(ref)
		if err != nil || got != guess {
			t.Fatalf("refNames(%q, %d) holds, but cellColumn gives %d, %v", ref, guess, got, err)
		}
	}
	if held < 50000 {
		t.Fatalf("refNames held for only %d of the random references", held)
	}
}
