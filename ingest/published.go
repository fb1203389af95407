package ingest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"payband/warehouse"
)

// Row-level reasons of published-band sources, recorded in rejects.
var (
	ErrMissingCode   = errors.New("missing occupation code")
	ErrBadFigure     = errors.New("not a number and not a BLS special value (#, *, **)")
	ErrIndustryTable = errors.New("industry-specific estimate; only cross-industry rows are loaded")
	ErrMissingArea   = errors.New("missing area")
)

// pubSchema is the Arrow shape of published rows (the warehouse's).
var pubSchema = warehouse.PublishedSchema

// oewsFileYear finds the estimate year in a BLS file name:
// national_M2016_dl.xlsx, state_M2023_dl.xlsx, oesm16nat.
var oewsFileYear = regexp.MustCompile(`(?i)(?:^|[^a-z])m(\d{4})(?:[^0-9]|$)|oesm(\d{2})`)

// OEWSYearFromName returns the May estimate year a BLS file name carries,
// or 0.
func OEWSYearFromName(name string) int {
	m := oewsFileYear.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return 0
	}
	if m[1] != "" {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	y, _ := strconv.Atoi(m[2])
	return 2000 + y
}

// pubLayout is where the published columns sit in one header: the
// profile's bound fields (oews, or generic with --map), and the OEWS-only
// NAICS and HOURLY columns by name.
type pubLayout struct {
	code, title, year, area, areaName, areaType, emp, naics, hourly int
	wages                                                           [6]int
	// stateFile: no AREA_TYPE, but a STATE or ST column (the May 2016
	// state tables), so every row is a state's.
	stateFile bool
}

func newPubLayout(b *Binding) pubLayout {
	pos := map[string]int{}
	for i, h := range b.Header {
		k := strings.ToUpper(strings.TrimSpace(h))
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	find := func(names ...string) int {
		for _, n := range names {
			if i, ok := pos[n]; ok {
				return i
			}
		}
		return -1
	}
	l := pubLayout{
		code:     b.Index[FSOC],
		title:    b.Index[FTitle],
		year:     b.Index[FYear],
		area:     b.Index[FArea],
		areaName: b.Index[FAreaName],
		areaType: b.Index[FAreaType],
		emp:      b.Index[FEmployment],
		naics:    -1,
		hourly:   -1,
	}
	if b.Profile == OEWSProfile {
		l.naics, l.hourly = find("NAICS"), find("HOURLY")
		l.stateFile = l.areaType < 0 && find("STATE", "ST") >= 0
	}
	for i, c := range oewsColumns {
		l.wages[i] = b.Index[c.f]
	}
	return l
}

// parseFigure reads one published figure: a number (with or without
// thousands separators), "#" (top-coded), "*" or "**" (no estimate) or
// empty (no estimate).
func parseFigure(s string) (v float64, ok, top bool, err error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "*", "**", "~":
		return 0, false, false, nil
	case "#":
		return 0, false, true, nil
	}
	// A re-formatted extract may write "$155,410".
	v, err = strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(s, "$"), ",", ""), 64)
	if err != nil {
		return 0, false, false, ErrBadFigure
	}
	return v, true, false, nil
}

// loadPublished loads a published-band source (profile oews) into the
// published table, in one transaction, with a source_files row whose
// counts obey rows_read = rows_loaded + rows_rejected + rows_duplicate.
// year is --year, used when neither a YEAR column nor the file name gives
// the estimate year.
func loadPublished(ctx context.Context, w *warehouse.Warehouse, path string, src *Source, b *Binding, year int, res Result, start time.Time) (Result, error) {
	layout := newPubLayout(b)
	if y := OEWSYearFromName(path); y != 0 && b.Profile == OEWSProfile {
		year = y
	}
	if year == 0 && layout.year < 0 {
		return res, &RowError{Source: path, Err: fmt.Errorf("%w: the estimate year is not in the file name (like national_M2024_dl.xlsx) nor in a YEAR column; pass --year", ErrBadYear)}
	}
	publisher := OEWSPublisher
	if b.Profile != OEWSProfile {
		// A re-formatted extract is its publisher's own table, named by
		// its file, so it never collides with BLS's rows.
		publisher = filepath.Base(path)
	}
	tc := &topCodes{path: path, fileYear: year, known: map[int]topCode{}}
	err := w.Load(ctx, res.Path, func(s *warehouse.LoadSession) error {
		return loadPublishedTx(ctx, s, w, src, b, layout, year, publisher, tc, &res)
	})
	if err == nil {
		res.ProfileReason += tc.note()
	}
	res.Elapsed = time.Since(start)
	return res, nameFile(path, err)
}

// topCodes finds and remembers the top code of each year a published
// file's rows carry, and which years had a "#" with no known code.
type topCodes struct {
	path     string
	fileYear int
	known    map[int]topCode
	used     map[string]bool
	unknown  map[int]bool
	err      error
}

// annual returns year's top code. The file's own statement (its sheet or
// the field descriptions beside it) speaks for the file's year; other
// years, from a YEAR column, take the shipped table.
func (t *topCodes) annual(year int) (float64, bool) {
	if tc, ok := t.known[year]; ok {
		return tc.annual, tc.annual > 0
	}
	var (
		tc  topCode
		ok  bool
		err error
	)
	if year == t.fileYear || t.fileYear == 0 {
		tc, ok, err = oewsTopCode(t.path, year)
	} else {
		tc, ok, err = oewsTopCode("", year)
	}
	if err != nil && t.err == nil {
		t.err = err
	}
	if !ok {
		tc = topCode{}
	}
	t.known[year] = tc
	return tc.annual, ok
}

// mark records that a "#" of year was stored (as the code when found).
func (t *topCodes) mark(year int, found bool) {
	if found {
		if t.used == nil {
			t.used = map[string]bool{}
		}
		tc := t.known[year]
		t.used[fmt.Sprintf("%d: $%s from %s", year, strconv.FormatFloat(tc.annual, 'f', -1, 64), tc.from)] = true
		return
	}
	if t.unknown == nil {
		t.unknown = map[int]bool{}
	}
	t.unknown[year] = true
}

// note says, for the summary, which top codes "#" cells took.
func (t *topCodes) note() string {
	var parts []string
	for k := range t.used {
		parts = append(parts, k)
	}
	for y := range t.unknown {
		parts = append(parts, fmt.Sprintf("%d: no known top code, # stored as NULL with topcoded set", y))
	}
	if len(parts) == 0 {
		return ""
	}
	sort.Strings(parts)
	return "; top codes " + strings.Join(parts, "; ")
}

func loadPublishedTx(ctx context.Context, s *warehouse.LoadSession, w *warehouse.Warehouse, src *Source, b *Binding, l pubLayout, year int,
	publisher string, tcs *topCodes, res *Result) error {
	res.Replaced = s.Replaced()

	mem := memory.DefaultAllocator
	pb := array.NewRecordBuilder(mem, pubSchema)
	defer pb.Release()
	rb := array.NewRecordBuilder(mem, rejectSchema)
	defer rb.Release()
	reject := func(row int64, col, val, reason string) {
		rb.Field(0).(*array.Int64Builder).Append(row)
		rb.Field(1).(*array.StringBuilder).Append(col)
		rb.Field(2).(*array.StringBuilder).Append(val)
		rb.Field(3).(*array.StringBuilder).Append(reason)
		res.Rejected++
	}
	seen := map[string]struct{}{}
	var inserted int64
	rd := src.Reader
	ncol := len(b.Header)
	for rd.Next() {
		rec := rd.Record()
		cols := make([]*array.String, ncol)
		for j := range cols {
			cols[j] = rec.Column(j).(*array.String)
		}
		rows := rec.Column(ncol).(*array.Int64)
		problems := rec.Column(ncol + 1).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			res.Read++
			row := rows.Value(i)
			cell := func(j int) string {
				if j < 0 {
					return ""
				}
				return strings.TrimSpace(cols[j].Value(i))
			}
			if p := problems.Value(i); p != "" {
				reject(row, "", "", p)
				continue
			}
			code := cell(l.code)
			if code == "" {
				reject(row, b.Header[l.code], "", ErrMissingCode.Error())
				continue
			}
			title := cleanTitle(cell(l.title))
			if title == "" {
				reject(row, b.Header[l.title], "", ErrMissingTitle.Error())
				continue
			}
			if n := cell(l.naics); n != "" && strings.Trim(n, "0") != "" {
				reject(row, b.Header[l.naics], n, ErrIndustryTable.Error())
				continue
			}
			y := year
			if s := cell(l.year); s != "" {
				n, err := strconv.Atoi(strings.TrimSuffix(s, ".0"))
				if err != nil || n < 1990 || n > time.Now().Year()+1 {
					reject(row, b.Header[l.year], s, fmt.Sprintf("%v: %q is not an estimate year", ErrBadYear, s))
					continue
				}
				y = n
			}
			if y == 0 {
				reject(row, b.Column(FYear), "", fmt.Sprintf("%v: no year (pass --year)", ErrBadYear))
				continue
			}
			area, areaName, areaType := cell(l.area), cleanTitle(cell(l.areaName)), cell(l.areaType)
			if t, ok := oewsAreaTypes[areaType]; ok && b.Profile == OEWSProfile {
				areaType = t
			}
			switch {
			case l.stateFile && areaType == "":
				areaType = "state"
			case l.area < 0 && l.areaName < 0 && b.Profile == OEWSProfile:
				// A national file without area columns (May 2016).
				area, areaName, areaType = oewsNationalArea, "U.S.", "national"
			}
			if area == "" {
				area = areaName
			}
			if area == "" {
				col := b.Column(FArea)
				if l.area < 0 {
					col = b.Column(FAreaName)
				}
				reject(row, col, "", ErrMissingArea.Error())
				continue
			}
			var emp int64
			empOK := false
			if s := cell(l.emp); s != "" {
				v, ok, top, err := parseFigure(s)
				if err != nil || top {
					reject(row, b.Header[l.emp], s, ErrBadFigure.Error())
					continue
				}
				emp, empOK = int64(v), ok
			}
			var vals [6]float64
			var have [6]bool
			var topcols []string
			bad := false
			for k, j := range l.wages {
				s := cell(j)
				v, ok, top, err := parseFigure(s)
				if err != nil {
					reject(row, b.Header[j], s, err.Error())
					bad = true
					break
				}
				if top {
					topcols = append(topcols, oewsColumns[k].dst)
					v, ok = tcs.annual(y)
					tcs.mark(y, ok)
				}
				vals[k], have[k] = v, ok
			}
			if bad {
				continue
			}
			key := code + "\x00" + area + "\x00" + strconv.Itoa(y)
			if _, dup := seen[key]; dup {
				res.Duplicate++
				continue
			}
			seen[key] = struct{}{}
			pb.Field(0).(*array.StringBuilder).Append(code)
			pb.Field(1).(*array.StringBuilder).Append(title)
			pb.Field(2).(*array.Int32Builder).Append(int32(y))
			pb.Field(3).(*array.StringBuilder).Append(area)
			if empOK {
				pb.Field(4).(*array.Int64Builder).Append(emp)
			} else {
				pb.Field(4).(*array.Int64Builder).AppendNull()
			}
			for k := range vals {
				fb := pb.Field(5 + k).(*array.Float64Builder)
				if have[k] {
					fb.Append(vals[k])
				} else {
					fb.AppendNull()
				}
			}
			pb.Field(11).(*array.BooleanBuilder).Append(len(topcols) > 0)
			pb.Field(12).(*array.StringBuilder).Append(strings.Join(topcols, ","))
			for k, v := range []string{areaType, areaName} {
				if fb := pb.Field(13 + k).(*array.StringBuilder); v != "" {
					fb.Append(v)
				} else {
					fb.AppendNull()
				}
			}
		}
		if tcs.err != nil {
			return tcs.err
		}
		n, err := flushBatch(pb, pubSchema, func(rr array.RecordReader) error { return s.AppendPublished(rr, publisher) })
		if err != nil {
			return err
		}
		inserted += n
		if _, err := flushBatch(rb, rejectSchema, s.AppendRejects); err != nil {
			return err
		}
	}
	if err := rd.Err(); err != nil {
		return err
	}
	if err := settleHash(ctx, w, src, res); err != nil {
		return err
	}
	loaded, err := s.DedupePublished()
	if err != nil {
		return err
	}
	res.Loaded = loaded
	res.Duplicate += inserted - res.Loaded
	return s.Finish(sourceRecord(res))
}

// flushBatch inserts the rows accumulated in bld (if any) with insert and
// resets the builder; it returns how many rows it inserted.
func flushBatch(bld *array.RecordBuilder, schema *arrow.Schema, insert func(array.RecordReader) error) (int64, error) {
	rec := bld.NewRecordBatch()
	defer rec.Release()
	n := rec.NumRows()
	if n == 0 {
		return 0, nil
	}
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return 0, err
	}
	defer rr.Release()
	return n, insert(rr)
}
