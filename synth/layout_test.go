package synth

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestRealisticTitles(t *testing.T) {
	const n = 200_000
	plain := generate(t, Options{Rows: n, Seed: 5})
	noisy := generate(t, Options{Rows: n, Seed: 5, Titles: TitlesRealistic})
	_, pr := parse(t, plain)
	_, nr := parse(t, noisy)
	distinct := func(rows [][]string) int {
		m := map[string]bool{}
		for _, r := range rows {
			m[r[3]] = true
		}
		return len(m)
	}
	dp, dn := distinct(pr), distinct(nr)
	t.Logf("%d rows: %d distinct titles from the vocabulary, %d realistic", n, dp, dn)
	// About 65,000 a million rows; at 200,000 rows requisition codes alone
	// give about 6,800 new titles on top of the vocabulary.
	if dn < dp+8000 {
		t.Errorf("realistic titles: %d distinct, want at least %d", dn, dp+8000)
	}
	changed := 0
	for i := range pr {
		for j := range pr[i] {
			if j != 3 && pr[i][j] != nr[i][j] {
				t.Fatalf("row %d column %d differs besides the title: %q vs %q", i, j, pr[i][j], nr[i][j])
			}
		}
		if pr[i][3] != nr[i][3] {
			changed++
			if pr[i][3] == "" {
				t.Fatalf("row %d: an empty (bad) title was decorated", i)
			}
		}
	}
	if share := float64(changed) / n; share < 0.07 || share > 0.11 {
		t.Errorf("%.3f of titles decorated, want about 0.09", share)
	}
	if !bytes.Contains(noisy, []byte(" - Req #")) || !bytes.Contains(noisy, []byte(" - Remote")) {
		t.Error("no requisition code or location in the realistic titles")
	}
}

func TestDOLLayout(t *testing.T) {
	const n = 3000
	compact := generate(t, Options{Rows: n, Seed: 3, Titles: TitlesRealistic})
	dol := generate(t, Options{Rows: n, Seed: 3, Titles: TitlesRealistic, Layout: LayoutDOL})
	ch, cr := parse(t, compact)
	dh, dr := parse(t, dol)
	if len(dh) != 96 || len(dh) != len(dolHeader) {
		t.Fatalf("DOL header has %d columns, want 96", len(dh))
	}
	if len(dr) != len(cr) {
		t.Fatalf("%d DOL rows, %d compact", len(dr), len(cr))
	}
	idx := map[string]int{}
	for i, h := range dh {
		idx[h] = i
	}
	for i := range cr {
		for j, h := range ch {
			if got := dr[i][idx[h]]; got != cr[i][j] {
				t.Fatalf("row %d %s: DOL %q, compact %q", i+2, h, got, cr[i][j])
			}
		}
		if dr[i][idx["WORKSITE_STATE"]] == "CA" && dr[i][idx["WORKSITE_COUNTY"]] == "" {
			t.Fatalf("row %d: a CA worksite without a county", i+2)
		}
	}
}

// TestXLSXSameCells reads the generated workbook, with shared strings and
// with inline strings, with excelize and finds the CSV's cells, dates
// shown as excelize shows the short date format.
func TestXLSXSameCells(t *testing.T) {
	for _, inline := range []bool{false, true} {
		t.Run(map[bool]string{false: "shared", true: "inline"}[inline], func(t *testing.T) {
			testXLSXSameCells(t, inline)
		})
	}
}

func testXLSXSameCells(t *testing.T, inline bool) {
	const n = 2000
	opts := Options{Rows: n, Seed: 4, Titles: TitlesRealistic, Layout: LayoutDOL}
	_, rows := parse(t, generate(t, opts))
	opts.Format = FormatXLSX
	opts.InlineStrings = inline
	x := generate(t, opts)
	p := filepath.Join(t.TempDir(), "dol.xlsx")
	if err := os.WriteFile(p, x, 0o644); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	hasSST := false
	for _, f := range zr.File {
		hasSST = hasSST || f.Name == "xl/sharedStrings.xml"
	}
	if hasSST == inline {
		t.Fatalf("inline %v: shared-strings part present %v", inline, hasSST)
	}
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+1 || strings.Join(got[0], ",") != strings.Join(dolHeader, ",") {
		t.Fatalf("%d sheet rows (want %d), header %q", len(got), n+1, got[0][:3])
	}
	for i, want := range rows {
		g := got[i+1]
		for j, w := range want {
			c := ""
			if j < len(g) {
				c = g[j]
			}
			switch k := dolKinds[dolHeader[j]]; {
			case c == w:
			case k == kDate && len(w) == 10 && c == w[:2]+"-"+w[3:5]+"-"+w[8:]:
			case k == kNumber && strings.TrimSuffix(strings.TrimSuffix(w, "0"), ".0") == c, k == kNumber && strings.TrimSuffix(w, ".00") == c:
			default:
				t.Fatalf("row %d %s: sheet %q, CSV %q", i+2, dolHeader[j], c, w)
			}
		}
	}
}

func TestLayoutsDeterministic(t *testing.T) {
	for _, opts := range []Options{
		{Rows: 5000, Seed: 8, Titles: TitlesRealistic},
		{Rows: 5000, Seed: 8, Layout: LayoutDOL},
		{Rows: 5000, Seed: 8, Layout: LayoutDOL, Format: FormatXLSX, Titles: TitlesRealistic},
		{Rows: 5000, Seed: 8, Layout: LayoutDOL, Format: FormatXLSX, InlineStrings: true},
		{Rows: 5000, Seed: 8, Profile: "survey", Format: FormatXLSX},
	} {
		a, b := sha256.Sum256(generate(t, opts)), sha256.Sum256(generate(t, opts))
		if a != b {
			t.Errorf("%+v: same options, different bytes", opts)
		}
		opts.Seed++
		if c := sha256.Sum256(generate(t, opts)); c == a {
			t.Errorf("%+v: another seed gave the same bytes", opts)
		}
	}
}

func TestLayoutErrors(t *testing.T) {
	for _, opts := range []Options{
		{Rows: 1, Titles: "noisy"}, {Rows: 1, Layout: "wide"}, {Rows: 1, Format: "xls"},
		{Rows: 1, Profile: "survey", Layout: LayoutDOL}, {Rows: 1, Profile: "survey", Titles: TitlesRealistic},
	} {
		if err := Generate(context.Background(), &bytes.Buffer{}, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}
