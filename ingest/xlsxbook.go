package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unsafe"

	kflate "github.com/klauspost/compress/flate"
)

// workbook is what the XLSX reader needs of a workbook besides the sheet:
// the sheet list, the shared strings and the cell styles.
type workbook struct {
	files    map[string]*zip.File
	sheets   []wbSheet
	date1904 bool
	xfs      []xfFormat // by cellXfs index; nil when styles are unreadable
	sst      sharedStrings
	oracle   *fmtOracle // built on first use
	numBuf   []byte
}

type wbSheet struct{ name, path string }

const relOfficeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

func openWorkbook(ctx context.Context, ra io.ReaderAt, size int64) (*workbook, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable XLSX workbook: %v", ErrUnreadable, err)
	}
	// klauspost's inflater reads the same deflate streams as the standard
	// library's, in about two thirds of the time; archive/zip still
	// checks each part's size and CRC.
	zr.RegisterDecompressor(zip.Deflate, kflate.NewReader)
	wb := &workbook{files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		wb.files[strings.ReplaceAll(f.Name, "\\", "/")] = f
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: not a readable XLSX workbook: %s", ErrUnreadable, fmt.Sprintf(format, a...))
	}
	wbPath := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels"); err != nil {
		return nil, bad("%v", err)
	} else {
		for _, r := range rels {
			if r.Type == relOfficeDocument {
				wbPath = strings.TrimPrefix(r.Target, "/")
				break
			}
		}
	}
	zf := wb.files[wbPath]
	if zf == nil {
		return nil, bad("it has no workbook part (%s)", wbPath)
	}
	raw, err := readPart(zf)
	if err != nil {
		return nil, bad("%v", err)
	}
	var doc struct {
		Pr struct {
			Date1904 bool `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, bad("%s: %v", wbPath, err)
	}
	wb.date1904 = doc.Pr.Date1904
	dir := path.Dir(wbPath)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "./")
	rels, err := wb.rels(relsPath)
	if err != nil {
		return nil, bad("%v", err)
	}
	for _, s := range doc.Sheets {
		p := ""
		for _, r := range rels {
			if r.ID == s.ID {
				p = worksheetPath(dir, r.Target)
				break
			}
		}
		wb.sheets = append(wb.sheets, wbSheet{name: s.Name, path: p})
	}
	wb.readStyles()
	if zf := wb.files["xl/sharedStrings.xml"]; zf != nil {
		if err := wb.sst.load(ctx, zf); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// worksheetPath resolves a relationship target as excelize does.
func worksheetPath(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// rels reads a relationships part; a missing part has none.
func (wb *workbook) rels(name string) ([]relationship, error) {
	zf := wb.files[name]
	if zf == nil {
		return nil, nil
	}
	raw, err := readPart(zf)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return doc.Rels, nil
}

// xfFormat is how one cell style renders values.
type xfFormat struct {
	kind   fmtKind
	id     int    // numFmtId
	code   string // the format code ("" for a built-in id without one)
	custom bool   // code comes from the workbook's numFmts
	date   []dateToken
}

type fmtKind uint8

const (
	fmtRaw     fmtKind = iota // no format applies: the value as stored
	fmtGeneral                // General
	fmtDate                   // a plain date code rendered natively (dateToken)
	fmtOther                  // anything else: rendered by the oracle
)

// readStyles reads the cell formats. As in excelize, a styles part that
// cannot be read leaves every value unformatted.
func (wb *workbook) readStyles() {
	zf := wb.files["xl/styles.xml"]
	if zf == nil {
		return
	}
	raw, err := readPart(zf)
	if err != nil {
		return
	}
	var doc struct {
		NumFmts []struct {
			ID     int    `xml:"numFmtId,attr"`
			Code   string `xml:"formatCode,attr"`
			Code16 string `xml:"formatCode16,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID *int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return
	}
	wb.xfs = make([]xfFormat, len(doc.Xfs))
	for i, xf := range doc.Xfs {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		f := xfFormat{id: id}
		found := false
		for _, nf := range doc.NumFmts {
			if nf.ID == id {
				f.code, f.custom, found = nf.Code, true, true
				if nf.Code16 != "" {
					f.code = nf.Code16
				}
				break
			}
		}
		if !found {
			f.code, found = builtInNumFmt[id]
		}
		switch {
		case !found:
			// An id excelize knows no code for (the language-dependent
			// built-ins): excelize leaves the value as stored.
			f.kind = fmtRaw
		case strings.EqualFold(f.code, "general"):
			f.kind = fmtGeneral
		default:
			if toks, ok := parseDateCode(f.code); ok {
				f.kind, f.date = fmtDate, toks
			} else {
				f.kind = fmtOther
			}
		}
		wb.xfs[i] = f
	}
}

// builtInNumFmt is excelize's table of the built-in number formats (ids
// without a code in the workbook).
var builtInNumFmt = map[int]string{
	0: "general", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
	11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm",
	17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "hh:mm", 21: "hh:mm:ss",
	22: "m/d/yy hh:mm", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[red](#,##0)", 39: "#,##0.00 ;(#,##0.00)",
	40: "#,##0.00 ;[red](#,##0.00)", 41: `_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)`,
	42: `_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`,
	44: `_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`,
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
}

// sharedStrings is the shared-strings table in one byte arena: string i
// is data[ends[i-1]:ends[i]]. A string past MaxCellBytes is kept as a
// mark (big), never as text.
type sharedStrings struct {
	data  []byte
	ends  []uint32
	big   map[int]bool
	blank []uint64 // bit i: string i is white space only (or empty)
	// maxLen is the longest string's length, hasEmpty whether any string
	// is empty: what a reader needs to account for a string it does not
	// look up (xlsxReader.next's deferred cells).
	maxLen   int
	hasEmpty bool
}

func (t *sharedStrings) load(ctx context.Context, zf *zip.File) error {
	bad := func(err error) error {
		return fmt.Errorf("%w: the shared-strings table: %v", ErrUnreadable, err)
	}
	part, err := openPart(zf, maxStreamBytes)
	if err != nil {
		return bad(err)
	}
	// The arena is sized once from the part's declared size (checked
	// against maxStreamBytes by openPart, capped at the table's own
	// limit): the text is shorter than its XML, and growing the arena by
	// doubling copied it about twice over. Pages not written to are never
	// touched, so a declared size larger than the text costs no memory.
	decl := int(min(zf.UncompressedSize64, MaxSharedStringBytes+1))
	t.data = make([]byte, 0, decl)
	// Every <si> takes at least 16 bytes of XML with its text's element.
	t.ends = make([]uint32, 0, min(decl/16, MaxSharedStrings))
	// Inflated on its own goroutine, as the worksheet is.
	rc := newReadAhead(part)
	defer rc.Close()
	sc := newXMLScanner(ctxReader{ctx, rc})
	var rt richText
	for {
		// The usual string, <si><t>plain text</t></si>, read in one step.
		if xlsxOneStep {
			if sc.end-sc.pos < 512 {
				sc.fill()
			}
			if hasLit(sc.buf[sc.pos:sc.end], "<si><t>") {
				sc.pos += 7
				if n := sc.plainText(MaxCellBytes); n >= 0 && hasLit(sc.buf[sc.pos+n:sc.end], "</t></si>") {
					if len(t.ends) >= MaxSharedStrings {
						return fmt.Errorf("%w: the shared-strings table holds more than %d strings (the cap)", ErrUnreadable, MaxSharedStrings)
					}
					v := sc.buf[sc.pos : sc.pos+n]
					sc.pos += n + 9
					if bytes.Contains(v, []byte("_x")) {
						v = bstrUnmarshal(v)
					}
					t.data = append(t.data, v...)
					if len(t.data) > MaxSharedStringBytes {
						return fmt.Errorf("%w: the shared-strings table holds more than %d MiB of text (the cap)", ErrUnreadable, MaxSharedStringBytes>>20)
					}
					t.add()
					continue
				}
				sc.pos -= 7
			}
		}
		tg, ok, err := sc.nextTag()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return bad(err)
		}
		if !ok {
			return nil
		}
		if string(tg.name) != "si" || tg.kind == tagEnd {
			continue
		}
		if len(t.ends) >= MaxSharedStrings {
			return fmt.Errorf("%w: the shared-strings table holds more than %d strings (the cap)", ErrUnreadable, MaxSharedStrings)
		}
		if tg.kind == tagStart {
			before := len(t.data)
			var over bool
			t.data, over, err = rt.read(sc, t.data, "si")
			if err != nil {
				return bad(err)
			}
			if over {
				if t.big == nil {
					t.big = map[int]bool{}
				}
				t.big[len(t.ends)] = true
				t.data = t.data[:before]
			}
			if len(t.data) > MaxSharedStringBytes {
				return fmt.Errorf("%w: the shared-strings table holds more than %d MiB of text (the cap)", ErrUnreadable, MaxSharedStringBytes>>20)
			}
		}
		t.add()
	}
}

// add ends the string being read: the text appended to data since the
// last one.
func (t *sharedStrings) add() {
	i := len(t.ends)
	t.ends = append(t.ends, uint32(len(t.data)))
	if i/64 >= len(t.blank) {
		t.blank = append(t.blank, 0)
	}
	start := t.start(i)
	if len(bytes.TrimSpace(t.data[start:])) == 0 {
		t.blank[i/64] |= 1 << (i % 64)
	}
	n := len(t.data) - int(start)
	t.maxLen = max(t.maxLen, n)
	if n == 0 && (t.big == nil || !t.big[i]) {
		t.hasEmpty = true
	}
}

// deferrable reports whether a shared string in a column no one reads
// may be accounted for without looking it up: none is empty (so each
// takes its place in the row) and none is past MaxCellBytes (so none
// rejects the row), which leaves only its length, bounded by maxLen, and
// whether it is blank, asked only of a row otherwise blank.
func (t *sharedStrings) deferrable() bool {
	return t.big == nil && !t.hasEmpty && len(t.ends) > 0
}

// settle adds the lengths of the deferred strings idx to *n and reports
// whether any of them is not blank.
func (t *sharedStrings) settle(idx []int32, n *int) (text bool) {
	for _, i := range idx {
		*n += int(t.ends[i] - t.start(int(i)))
		text = text || t.blank[i/64]&(1<<(i%64)) == 0
	}
	return text
}

func (t *sharedStrings) start(i int) uint32 {
	if i == 0 {
		return 0
	}
	return t.ends[i-1]
}

// measure gives shared string i's length and whether it is blank (white
// space only), as get would give it; ok is false past the table's end.
func (t *sharedStrings) measure(i int) (n int, big, blank, ok bool) {
	if i < 0 || i >= len(t.ends) {
		return 0, false, false, false
	}
	if t.big != nil && t.big[i] {
		return 0, true, false, true
	}
	return int(t.ends[i] - t.start(i)), false, t.blank[i/64]&(1<<(i%64)) != 0, true
}

// get returns shared string i (a view of the arena); ok is false past the
// table's end; big when the string passed MaxCellBytes.
func (t *sharedStrings) get(i int) (s string, ok, big bool) {
	if i < 0 || i >= len(t.ends) {
		return "", false, false
	}
	if t.big != nil && t.big[i] {
		return "", true, true
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	end := t.ends[i]
	if end == start {
		return "", true, false
	}
	return unsafe.String(&t.data[start], int(end-start)), true, false
}

// sharedIndex reads a shared-string cell's index as excelize does (an
// unreadable one is 0).
func (wb *workbook) sharedIndex(v []byte) int {
	i, ok := smallUint(v)
	if !ok {
		i, _ = strconv.ParseInt(strings.TrimSpace(string(v)), 10, 0)
	}
	return int(i)
}

// identity reports whether style xf leaves a value of type t as it is
// (format's identity cases).
func (wb *workbook) identity(xf int, t cellType) bool {
	if xf == 0 || xf >= len(wb.xfs) {
		return true
	}
	switch wb.xfs[xf].kind {
	case fmtRaw, fmtGeneral:
		return true
	case fmtDate:
		return t != cellNumber
	}
	return false
}

// render gives a cell's text as excelize's Rows.Columns does (number
// formats applied). The text is appended to arena, or returned as a string
// held elsewhere (a shared string).
func (wb *workbook) render(arena []byte, c *cellXML) ([]byte, cellVal, error) {
	switch c.typ {
	case cellStr:
		return append(arena, c.v...), cellVal{}, nil
	case cellBool:
		switch string(c.v) {
		case "1":
			return append(arena, "TRUE"...), cellVal{}, nil
		case "0":
			return append(arena, "FALSE"...), cellVal{}, nil
		}
		return wb.format(arena, c.style, cellBool, c.v, "")
	case cellDate:
		v := isoDateSerial(c.v)
		return wb.format(arena, c.style, cellNumber, v, "")
	case cellShared:
		if len(c.v) == 0 {
			return wb.format(arena, c.style, cellShared, nil, "")
		}
		s, ok, big := wb.sst.get(wb.sharedIndex(c.v))
		if big {
			return arena, cellVal{over: true}, nil
		}
		if !ok {
			return arena, cellVal{}, nil
		}
		return wb.format(arena, c.style, cellShared, nil, s)
	case cellInline:
		return wb.format(arena, c.style, cellInline, c.v, "")
	}
	return wb.format(arena, c.style, cellNumber, cellDefault(c.v, &wb.numBuf), "")
}

// format applies style xf to a value: v (bytes) or ext (a string held
// elsewhere, used as is when no format changes it).
func (wb *workbook) format(arena []byte, xf int, t cellType, v []byte, ext string) ([]byte, cellVal, error) {
	identity := func() ([]byte, cellVal, error) {
		if v == nil && ext != "" {
			return arena, cellVal{ext: ext, isExt: true}, nil
		}
		return append(arena, v...), cellVal{}, nil
	}
	if xf == 0 || xf >= len(wb.xfs) {
		return identity()
	}
	f := &wb.xfs[xf]
	switch f.kind {
	case fmtRaw, fmtGeneral:
		return identity()
	case fmtDate:
		if t != cellNumber {
			// A one-section date code has no text section: text is shown
			// as it is.
			return identity()
		}
		if out, ok := renderDate(arena, v, f.date, wb.date1904); ok {
			return out, cellVal{}, nil
		}
	}
	if v == nil {
		v = []byte(ext)
	}
	s, err := wb.oracleFormat(xf, t, v)
	if err != nil {
		return arena, cellVal{}, err
	}
	return append(arena, s...), cellVal{}, nil
}

// cellDefault is excelize's getCellDefault: a numeric value is rewritten
// in shortest decimal form, or to 15 significant digits past Excel's
// precision.
func cellDefault(v []byte, buf *[]byte) []byte {
	// The common cases first: a plain integer, or a plain decimal such as
	// a wage stored as 85000.50, of at most 15 digits is its own shortest
	// form once trailing zeros are dropped.
	if n, ok := plainDecimal(v); ok {
		return v[:n]
	}
	return cellDefaultSlow(v, buf)
}

// plainDecimal reports whether v is a plain non-negative decimal (digits,
// no leading zero, then perhaps a point and digits) of at most 15 digits
// once the fraction's trailing zeros (and a point left alone) are
// dropped, and how long that prefix is. Such a value is what
// cellDefaultSlow prints: 15 digits are within a float64's precision, so
// parsing and printing the shortest form that reads back gives the same
// digits (TestCellDefaultFastPath).
func plainDecimal(v []byte) (int, bool) {
	n := len(v)
	i := 0
	for i < n && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 || i > 15 || (v[0] == '0' && i > 1) {
		return 0, false
	}
	if i == n {
		return n, true
	}
	if v[i] != '.' || i+1 == n {
		return 0, false
	}
	for j := i + 1; j < n; j++ {
		if v[j] < '0' || v[j] > '9' {
			return 0, false
		}
	}
	k := n
	for k > i+1 && v[k-1] == '0' {
		k--
	}
	if k == i+1 {
		return i, true // all zeros: the point goes too
	}
	if k-1 > 15 {
		return 0, false
	}
	return k, true
}

// cellDefaultSlow is cellDefault without its fast path: excelize's steps
// as they are.
func cellDefaultSlow(v []byte, buf *[]byte) []byte {
	if len(v) == 0 || len(v) > 400 || bytes.IndexByte(v, '_') >= 0 {
		return v
	}
	s := unsafe.String(&v[0], len(v))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v
	}
	noSci := strconv.AppendFloat((*buf)[:0], f, 'f', -1, 64)
	prec := len(noSci) - bytes.Count(noSci, []byte("."))
	if prec > 15 && !isNumWithinPrecision(s) {
		*buf = strconv.AppendFloat((*buf)[:0], f, 'G', 15, 64)
	} else {
		*buf = noSci
	}
	return *buf
}

// isNumWithinPrecision is excelize's check for integers zero-filled past
// Excel's 15 significant digits.
func isNumWithinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// isoDateSerial converts a t="d" cell's ISO 8601 text to the serial
// number excelize shows for it (the text unchanged when it does not parse).
func isoDateSerial(v []byte) []byte {
	s := string(v)
	layout := "20060102T150405.999"
	if strings.HasSuffix(s, "Z") {
		layout = "20060102T150405Z"
		if strings.Contains(s, "-") {
			layout = "2006-01-02T15:04:05Z"
		}
	} else if strings.Contains(s, "-") {
		layout = "2006-01-02 15:04:05Z"
	}
	t, err := time.Parse(layout, strings.ReplaceAll(s, ",", "."))
	if err != nil {
		return v
	}
	return []byte(strconv.FormatFloat(timeToExcelTime(t), 'G', 15, 64))
}

var (
	excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// timeToExcelTime is excelize's conversion for the 1900 date system.
func timeToExcelTime(t time.Time) float64 {
	const dayNanoseconds = 24 * time.Hour
	const maxDuration = 290 * 364 * dayNanoseconds
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}

// readAhead inflates a part on its own goroutine, a few chunks ahead of
// the scanner, so inflating and scanning use two cores. Close stops it.
type readAhead struct {
	src  io.ReadCloser
	ch   chan []byte
	free chan []byte
	done chan struct{}
	err  error  // set before ch is closed
	cur  []byte // unread bytes of full
	full []byte // the chunk being read, returned to free when done
}

const readAheadChunk = 256 << 10

func newReadAhead(src io.ReadCloser) *readAhead {
	ra := &readAhead{src: src, ch: make(chan []byte, 4), free: make(chan []byte, 6), done: make(chan struct{})}
	for i := 0; i < 6; i++ {
		ra.free <- make([]byte, readAheadChunk)
	}
	go ra.run()
	return ra
}

func (ra *readAhead) run() {
	defer close(ra.ch)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := io.ReadFull(ra.src, buf)
		if n > 0 {
			select {
			case ra.ch <- buf[:n]:
			case <-ra.done:
				return
			}
		}
		if err != nil {
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				ra.err = err
			}
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		buf, ok := <-ra.ch
		if !ok {
			if ra.err != nil {
				return 0, ra.err
			}
			return 0, io.EOF
		}
		ra.cur, ra.full = buf, buf[:cap(buf)]
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	if len(ra.cur) == 0 {
		select {
		case ra.free <- ra.full:
		default:
		}
	}
	return n, nil
}

// Close stops the goroutine and closes the part.
func (ra *readAhead) Close() error {
	close(ra.done)
	for range ra.ch {
	}
	return ra.src.Close()
}
