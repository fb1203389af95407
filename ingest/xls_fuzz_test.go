package ingest

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// FuzzXLS feeds damaged workbooks to the .xls reader: no panic, no hang,
// rows in order, cells within the caps.
func FuzzXLS(f *testing.F) {
	for _, p := range []string{"../testdata/xls/H-1B_FY2013.xls", "../testdata/xls/national_M2012_dl.xls"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := openXLSSheet(context.Background(), bytes.NewReader(b), int64(len(b)), "fuzz.xls", b, "")
		if err != nil {
			return
		}
		last := int64(0)
		for i := 0; i < 100_000; i++ {
			n, cells, _, ok, err := rd.nextRow()
			if err != nil || !ok {
				return
			}
			if n <= last {
				t.Fatalf("row %d after %d", n, last)
			}
			last = n
			if len(cells) > MaxSheetColumns {
				t.Fatalf("%d cells", len(cells))
			}
			for _, c := range cells {
				if len(c) > MaxCellBytes+4 {
					t.Fatalf("a cell of %d bytes", len(c))
				}
			}
		}
	})
}
