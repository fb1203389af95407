package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"
)

// zipMagic starts every XLSX file (an XLSX is a zip archive).
var zipMagic = []byte("PK\x03\x04")

// The XLSX reader's caps. Memory is bounded by bytes, never by a count of
// cells a file claims: a small file may not cost gigabytes.
const (
	// MaxCellBytes bounds the text of one cell (an inline string, a
	// shared string, a value). Excel itself holds at most 32,767
	// characters in a cell, under 96 KiB of UTF-8. A row with a longer
	// cell is rejected ("cell … longer than …"); its text is skipped,
	// never held.
	MaxCellBytes = 128 << 10
	// MaxSharedStrings and MaxSharedStringBytes bound the shared-strings
	// table, which must be held for the whole sheet: past either the
	// workbook is refused.
	MaxSharedStrings     = 16 << 20
	MaxSharedStringBytes = 256 << 20
	// MaxSheetColumns is Excel's own limit (column XFD); a cell past it
	// makes the workbook unreadable, as it does in Excel.
	MaxSheetColumns = 16384
	// maxSheetRows is Excel's row limit.
	maxSheetRows = 1048576
	// maxPartBytes bounds the small parts read whole (workbook, its
	// relationships, styles).
	maxPartBytes = 16 << 20
	// maxStreamBytes bounds the declared uncompressed size of a streamed
	// part (a worksheet, the shared strings), as excelize's default
	// UnzipSizeLimit does; archive/zip refuses a part that inflates past
	// its declared size.
	maxStreamBytes = 16 << 30
)

// xlsxReader reads one worksheet of an XLSX workbook as a stream: the
// worksheet part is inflated and scanned tag by tag (xmlScanner), the
// shared-strings table is held in one byte arena, and every cell is
// rendered as excelize renders it (TestXLSXMatchesExcelize).
type xlsxReader struct {
	batchState
	name  string
	sheet string
	wb    *workbook
	part  io.ReadCloser
	sc    *xmlScanner
	row   int64 // sheet row number of the last row read
	state int   // 0 before sheetData, 1 inside, 2 done
	cells []string
	arena []byte // this row's rendered cell text; cells point into it
	vals  []cellVal
	vbuf  []byte // the raw <v> text of the cell being read
	isbuf []byte // its inline string
	rich  richText
	ref   []byte // the current cell's reference
	// rowDigits is the row's number in decimal, what ends the reference
	// of each of its cells (refNames).
	rowDigits []byte
	done      bool
	// keep, when set, is the header columns the caller reads (Project):
	// a cell landing in another column is measured (or, a shared string,
	// deferred), never copied, and comes back empty. hidden is set when such a cell of the last row
	// read holds text, so the row is not blank.
	keep   []bool
	hidden bool
	// A shared string in a column no one reads is not looked up when the
	// table allows it (sharedStrings.deferrable; deferSST): its index
	// waits in pending and its length counts as the table's longest in
	// pendingMax, until a cap check needs the exact sum (settle) or a row
	// otherwise blank needs to know whether it holds text (Next).
	deferSST   bool
	pending    []int32
	pendingMax int
}

// Project tells the reader which header columns (0-based) the caller
// reads, before the first Next. The other columns' cells are still read
// past, and still count for what decides a row's fate (a blank row, a
// cell or row over its cap, cells past the header), so the rows, their
// numbers and the rejects are those of a full read; only their text is
// left out (empty strings).
func (r *xlsxReader) Project(cols []int) {
	r.keep = make([]bool, len(r.header))
	r.deferSST = r.wb.sst.deferrable()
	for _, c := range cols {
		if c >= 0 && c < len(r.keep) {
			r.keep[c] = true
		}
	}
	skip := make([]bool, len(r.keep))
	for i, k := range r.keep {
		skip[i] = !k
	}
	r.b.Skip(skip)
}

// openXLSXSheet opens the workbook and the sheet's part, before any row.
func openXLSXSheet(ctx context.Context, f io.ReaderAt, size int64, path string, head []byte, sheet string) (*xlsxReader, error) {
	name := path
	if !bytes.HasPrefix(head, zipMagic) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: not an XLSX file (not a zip archive)", ErrUnreadable)}
	}
	wb, err := openWorkbook(ctx, f, size)
	if err != nil {
		return nil, &RowError{Source: name, Err: err}
	}
	rd := &xlsxReader{batchState: batchState{ctx: ctx}, name: name, wb: wb}
	if len(wb.sheets) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the workbook has no sheets", ErrUnreadable)}
	}
	var ws *wbSheet
	if sheet == "" {
		ws = &wb.sheets[0]
	} else {
		for i := range wb.sheets {
			if strings.EqualFold(wb.sheets[i].name, sheet) {
				ws = &wb.sheets[i]
				break
			}
		}
		if ws == nil {
			names := make([]string, len(wb.sheets))
			for i, s := range wb.sheets {
				names[i] = s.name
			}
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the workbook has no sheet %q (it has %s)", ErrUnreadable, sheet, strings.Join(names, ", "))}
		}
	}
	zf := wb.files[ws.path]
	if zf == nil {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: sheet %q: the workbook has no part %s", ErrUnreadable, ws.name, ws.path)}
	}
	part, err := openPart(zf, maxStreamBytes)
	if err != nil {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: sheet %q: %v", ErrUnreadable, ws.name, err)}
	}
	ra := newReadAhead(part)
	rd.part = ra
	rd.sheet = ws.name
	rd.sc = newXMLScanner(ctxReader{ctx, ra})
	return rd, nil
}

// NewXLSXReader reads one sheet of an XLSX workbook: sheet (matched
// without regard to case), or the first sheet when sheet is "". Cells are
// read as the spreadsheet displays them (the workbook's number formats
// applied, as excelize applies them); a formula cell gives its cached
// value and is never evaluated. Blank rows before the header are
// skipped; row numbers are the sheet's own. f is the opened file, size
// its length; head is its first bytes, used to refuse non-zip data early.
func NewXLSXReader(ctx context.Context, f io.ReaderAt, size int64, path string, head []byte, sheet string) (Reader, error) {
	rd, err := openXLSXSheet(ctx, f, size, path, head, sheet)
	if err != nil {
		return nil, err
	}
	name := rd.name
	for {
		_, cells, _, ok, err := rd.next()
		if err != nil {
			rd.close()
			return nil, err
		}
		if !ok {
			rd.close()
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: sheet %q has no header row", ErrUnreadable, rd.sheet)}
		}
		if !blankRow(cells) {
			hdr := make([]string, len(cells))
			for i, c := range cells {
				hdr[i] = strings.Clone(c)
			}
			rd.header = uniqueHeader(hdr)
			break
		}
	}
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (r *xlsxReader) Next() bool {
	if r.done || !r.begin() {
		return false
	}
	for !r.b.Full() {
		row, cells, problem, ok, err := r.next()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			break
		}
		if !r.hidden && len(r.pending) > 0 && blankRow(cells) {
			r.hidden = r.wb.sst.settle(r.pending, new(int))
		}
		keep, problem := sheetRecord(cells, len(r.header), problem, r.hidden)
		if !keep {
			continue
		}
		r.b.Append(row, cells, problem)
	}
	return r.emit()
}

// next reads the next <row> of the sheet: its number, its cells (views
// into r.arena, valid until the next call) and, when the row broke a cap,
// why it cannot be read. ok is false after the last row.
func (r *xlsxReader) next() (row int64, cells []string, problem string, ok bool, err error) {
	fail := func(err error) (int64, []string, string, bool, error) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, nil, "", false, err
		}
		if !errors.Is(err, ErrUnreadable) {
			err = fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return 0, nil, "", false, &RowError{Source: r.name, Row: r.row + 1, Err: err}
	}
	sc := r.sc
	for r.state == 0 {
		t, ok, err := sc.nextTag()
		if err != nil {
			return fail(err)
		}
		if !ok {
			r.state = 2
			break
		}
		if string(t.name) == "sheetData" {
			switch t.kind {
			case tagStart:
				r.state = 1
			case tagEmpty:
				r.state = 2
			}
		}
	}
	if r.state != 1 {
		return 0, nil, "", false, nil
	}
	// Find the next <row>.
	var rt tag
	for {
		t, ok, err := sc.nextTag()
		if err != nil {
			return fail(err)
		}
		if !ok || (t.kind == tagEnd && string(t.name) == "sheetData") {
			r.state = 2
			return 0, nil, "", false, nil
		}
		if string(t.name) == "row" && t.kind != tagEnd {
			rt = t
			break
		}
	}
	num := r.row + 1
	if v, ok := attr(rt.attrs, "r"); ok {
		n, err := strconv.Atoi(string(v))
		switch {
		case err != nil:
			return fail(fmt.Errorf("a <row> with row number %q", clip(v, 20)))
		case n > maxSheetRows:
			return fail(fmt.Errorf("row number %d is past the sheet's last row (%d)", n, maxSheetRows))
		case n != 0 && int64(n) <= r.row:
			return fail(fmt.Errorf("row %d comes after row %d (rows out of order)", n, r.row))
		case n != 0:
			num = int64(n)
		}
	}
	r.row = num
	r.rowDigits = strconv.AppendInt(r.rowDigits[:0], num, 10)
	r.cells = r.cells[:0]
	r.arena = r.arena[:0]
	r.vals = r.vals[:0]
	r.hidden = false
	r.pending, r.pendingMax = r.pending[:0], 0
	if rt.kind == tagEmpty {
		return num, r.cells, "", true, nil
	}
	col := 0
	recBytes := 0
	// width is the row's cells so far. A cell is placed as excelize
	// places it: at its column (1-based) when that is past the row's
	// end, the gap filled with empty cells; else appended at the end.
	width := 0
	for {
		// The usual shapes, </row> and a plain <c> tag, are read in one
		// step; anything else goes through the tag machinery.
		if sc.end-sc.pos < 512 {
			sc.fill()
		}
		if xlsxOneStep && hasLit(sc.buf[sc.pos:sc.end], "</row>") {
			sc.pos += 6
			break
		}
		ref, typ, sv, hasRef, hasStyle, kind, ok := sc.cellTag()
		if !ok {
			t, ok, err := sc.nextTag()
			if err != nil {
				return fail(err)
			}
			if !ok {
				return fail(fmt.Errorf("%w: the sheet ends inside row %d", errXML, num))
			}
			name := string(t.name)
			if t.kind == tagEnd && name == "row" {
				break
			}
			if name != "c" || t.kind == tagEnd {
				continue
			}
			kind = t.kind
			ref, typ, sv, hasRef, hasStyle = cellAttrs(t.attrs)
		}
		col++
		// ref views the scanner's buffer, which reading the cell reuses.
		r.ref = append(r.ref[:0], ref...)
		ref = r.ref
		if hasRef && !refNames(ref, col, r.rowDigits) {
			c, err := cellColumn(ref)
			if err != nil {
				return fail(err)
			}
			col = c
		}
		if col > MaxSheetColumns {
			return fail(fmt.Errorf("a cell in column %d, past the sheet's last column (%d)", col, MaxSheetColumns))
		}
		c := cellXML{col: col}
		c.typ = cellTypeOf(typ)
		if hasStyle {
			n, ok := smallUint(sv)
			if !ok {
				var err error
				if n, err = strconv.ParseInt(string(sv), 10, 64); err != nil {
					return fail(fmt.Errorf("cell %s has style %q", clip(ref, 20), clip(sv, 20)))
				}
			}
			if n > 0 && n <= 1<<30 {
				c.style = int(n)
			}
		}
		r.vbuf, r.isbuf = r.vbuf[:0], r.isbuf[:0]
		if kind == tagStart {
			if err := r.readCell(&c); err != nil {
				return fail(err)
			}
		}
		if c.over {
			if problem == "" {
				problem = fmt.Sprintf("cell %s holds more than %d KiB of text (the cap per cell)", cellLabel(ref, col, num), MaxCellBytes>>10)
			}
			continue
		}
		if pos := max(width, col-1); r.keep != nil && pos < len(r.keep) && !r.keep[pos] {
			// A column no one reads: the cell's length and whether it
			// is blank are what count.
			if r.deferSST && c.typ == cellShared && len(c.v) > 0 && r.wb.identity(c.style, c.typ) {
				if i := r.wb.sharedIndex(c.v); i >= 0 && i < len(r.wb.sst.ends) {
					if recBytes+r.pendingMax+r.wb.sst.maxLen <= MaxRecordBytes {
						r.pending = append(r.pending, int32(i))
						r.pendingMax += r.wb.sst.maxLen
						width = pos + 1
						continue
					}
					// Near the cap: the exact sum from here on.
					r.settle(&recBytes)
				}
			}
			n, blank, over, err := r.measure(&c)
			if err != nil {
				return fail(err)
			}
			if over {
				if problem == "" {
					problem = fmt.Sprintf("cell %s holds more than %d KiB of text (the cap per cell)", cellLabel(ref, col, num), MaxCellBytes>>10)
				}
				continue
			}
			if n == 0 && !c.formula {
				continue
			}
			if recBytes+n+r.pendingMax > MaxRecordBytes {
				r.settle(&recBytes)
			}
			if recBytes += n; recBytes > MaxRecordBytes {
				if problem == "" {
					problem = fmt.Sprintf("row %d holds more than %d MiB of text (the cap per record)", num, MaxRecordBytes>>20)
				}
				continue
			}
			// It takes its place in the row, empty.
			r.hidden = r.hidden || !blank
			width = pos + 1
			continue
		}
		start := len(r.arena)
		var v cellVal
		r.arena, v, err = r.wb.render(r.arena, &c)
		if err != nil {
			return fail(err)
		}
		if v.over {
			if problem == "" {
				problem = fmt.Sprintf("cell %s holds more than %d KiB of text (the cap per cell)", cellLabel(ref, col, num), MaxCellBytes>>10)
			}
			continue
		}
		n := len(v.ext)
		if !v.isExt {
			v.off, n = start, len(r.arena)-start
		}
		if n == 0 && !c.formula {
			continue
		}
		if recBytes+n+r.pendingMax > MaxRecordBytes {
			r.settle(&recBytes)
		}
		if recBytes += n; recBytes > MaxRecordBytes {
			if problem == "" {
				problem = fmt.Sprintf("row %d holds more than %d MiB of text (the cap per record)", num, MaxRecordBytes>>20)
			}
			r.arena = r.arena[:start]
			continue
		}
		v.pos, v.n = max(width, col-1), n
		r.vals = append(r.vals, v)
		width = v.pos + 1
	}
	// The arena is final now: make the cells, each at its place.
	for range width {
		r.cells = append(r.cells, "")
	}
	for _, v := range r.vals {
		s := v.ext
		if !v.isExt && v.n > 0 {
			s = unsafe.String(&r.arena[v.off], v.n)
		}
		r.cells[v.pos] = s
	}
	return num, r.cells, problem, true, nil
}

// settle counts the deferred shared strings' exact lengths into
// *recBytes, in place of the bound they held, and notes whether any holds
// text. Until then every cap check ran against the bound, so none of them
// could have failed on the exact lengths either.
func (r *xlsxReader) settle(recBytes *int) {
	if r.wb.sst.settle(r.pending, recBytes) {
		r.hidden = true
	}
	r.pending, r.pendingMax = r.pending[:0], 0
}

// measure gives the length of the text a cell renders as, whether it is
// blank (white space only) and whether it passes MaxCellBytes, without
// copying it where it can: a shared string, a number or a string whose
// style leaves it as it is. Other cells are rendered and dropped.
func (r *xlsxReader) measure(c *cellXML) (n int, blank, over bool, err error) {
	wb := r.wb
	switch {
	case c.typ == cellStr:
		return len(c.v), isBlank(c.v), false, nil
	case !wb.identity(c.style, c.typ):
	case c.typ == cellShared:
		if len(c.v) == 0 {
			return 0, true, false, nil
		}
		n, big, blank, ok := wb.sst.measure(wb.sharedIndex(c.v))
		if !ok {
			return 0, true, false, nil
		}
		return n, blank, big, nil
	case c.typ == cellNumber:
		v := cellDefault(c.v, &wb.numBuf)
		return len(v), isBlank(v), false, nil
	case c.typ == cellInline:
		return len(c.v), isBlank(c.v), false, nil
	}
	start := len(r.arena)
	arena, v, err := wb.render(r.arena, c)
	if err != nil {
		return 0, false, false, err
	}
	text := v.ext
	if !v.isExt {
		text = unsafe.String(unsafe.SliceData(arena[start:]), len(arena)-start)
	}
	n, blank = len(text), strings.TrimSpace(text) == ""
	r.arena = arena[:start]
	return n, blank, v.over, nil
}

// isBlank is blankRow's test of one cell: white space only.
func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

// cellVal is a rendered cell: text in the row's arena (off, n) or a
// string held elsewhere (ext: a shared string).
type cellVal struct {
	pos    int // its index in the row's cells
	off, n int
	ext    string
	isExt  bool
	over   bool // the text passed MaxCellBytes
}

// cellXML is one <c> as read: its column, type, style and raw text.
type cellXML struct {
	col     int
	typ     cellType
	style   int
	v       []byte // <v> text, or the inline string's
	hasV    bool   // a <v> was read
	hasIS   bool   // an <is> was read (an inline string cell)
	formula bool
	over    bool // the text passed MaxCellBytes
}

type cellType uint8

const (
	cellNumber cellType = iota // "n", absent, or any type excelize reads as a number
	cellShared                 // "s"
	cellInline                 // "inlineStr"
	cellStr                    // "str": a formula's string result, never formatted
	cellBool                   // "b"
	cellDate                   // "d": an ISO 8601 date
)

func cellTypeOf(t []byte) cellType {
	switch string(t) {
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	case "str":
		return cellStr
	case "b":
		return cellBool
	case "d":
		return cellDate
	}
	return cellNumber
}

// readCell reads a <c> element's content after its start tag: <v>, <f>
// and <is>; anything else is skipped. The text goes to r.vbuf.
func (r *xlsxReader) readCell(c *cellXML) error {
	sc := r.sc
	// The shapes nearly every writer uses, read without the tag machinery:
	// <v>text</v></c> and <is><t>text</t></is></c>. Anything else, or
	// anything unexpected after the text, goes on in the general loop.
	for sc.end-sc.pos < 16 && sc.fill() {
	}
	rest := sc.buf[sc.pos:sc.end]
	// Plain text, then the end tags, all in the buffer: the value is a
	// view of it, used before the scanner reads on.
	switch {
	case !xlsxOneStep:
	case hasLit(rest, "<v>"):
		sc.pos += 3
		if n := sc.plainText(MaxCellBytes); n >= 0 && hasLit(sc.buf[sc.pos+n:sc.end], "</v></c>") {
			c.v, c.hasV = sc.buf[sc.pos:sc.pos+n], true
			sc.pos += n + 8
			return nil
		}
		sc.pos -= 3
	case c.typ == cellInline && hasLit(rest, "<is><t>"):
		sc.pos += 7
		if n := sc.plainText(MaxCellBytes); n >= 0 && hasLit(sc.buf[sc.pos+n:sc.end], "</t></is></c>") {
			v := sc.buf[sc.pos : sc.pos+n]
			if bytes.Contains(v, []byte("_x")) {
				v = bstrUnmarshal(v)
			}
			c.v, c.hasIS = v, true
			sc.pos += n + 13
			return nil
		}
		sc.pos -= 7
	}
	switch {
	case hasLit(rest, "<v>"):
		sc.pos += 3
		var over bool
		var err error
		r.vbuf, over, err = sc.text(r.vbuf[:0], MaxCellBytes)
		if err != nil {
			return err
		}
		c.over, c.hasV = over, true
		for sc.end-sc.pos < 8 && sc.fill() {
		}
		if hasLit(sc.buf[sc.pos:sc.end], "</v></c>") {
			sc.pos += 8
			c.v = r.vbuf
			return nil
		}
	case c.typ == cellInline && hasLit(rest, "<is><t>"):
		sc.pos += 7
		rt := &r.rich
		var over bool
		var err error
		rt.direct, over, err = sc.text(rt.direct[:0], MaxCellBytes)
		if err != nil {
			return err
		}
		rt.runs = rt.runs[:0]
		for sc.end-sc.pos < 13 && sc.fill() {
		}
		if hasLit(sc.buf[sc.pos:sc.end], "</t></is></c>") && !over {
			sc.pos += 13
			r.isbuf = append(r.isbuf[:0], rt.direct...)
			if bytes.Contains(r.isbuf, []byte("_x")) {
				r.isbuf = bstrUnmarshal(r.isbuf)
			}
			c.v, c.hasIS = r.isbuf, true
			return nil
		}
		// Go on inside <is>, the direct <t> read.
		r.isbuf, over, err = rt.readFrom(sc, r.isbuf[:0], "is", over)
		if err != nil {
			return err
		}
		c.over = c.over || over
		c.hasIS = true
	}
	for {
		t, ok, err := sc.nextTag()
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: the sheet ends inside a cell", errXML)
		}
		name := string(t.name)
		switch {
		case t.kind == tagEnd && name == "c":
			c.v = r.vbuf
			if c.hasIS {
				c.v = r.isbuf
			}
			return nil
		case name == "f":
			c.formula = true
			if t.kind == tagStart {
				if err := sc.skipElement(t.name); err != nil {
					return err
				}
			}
		case name == "v" && t.kind == tagStart:
			// The last <v> wins, as in encoding/xml.
			var over bool
			r.vbuf, over, err = sc.text(r.vbuf[:0], MaxCellBytes)
			if err != nil {
				return err
			}
			c.over = c.over || over
			c.hasV = true
		case name == "is" && t.kind == tagStart && c.typ == cellInline:
			var over bool
			r.isbuf, over, err = r.rich.read(sc, r.isbuf[:0], "is")
			if err != nil {
				return err
			}
			c.over = c.over || over
			c.hasIS = true
		case name == "is" && t.kind == tagStart:
			// An inline string in a cell of another type is not its value.
			if err := sc.skipElement(t.name); err != nil {
				return err
			}
		}
	}
}

// richText reads <si> and <is> elements; it keeps its buffers between
// calls.
type richText struct {
	direct, runs []byte
}

// read reads an <si> or <is> element's content after its start tag, as
// excelize's xlsxSI.String does: the last direct <t>, then every run's
// <t>, phonetic runs (<rPh>) left out, then the _xHHHH_ escapes decoded.
// The text is appended to dst; past MaxCellBytes, over is set and the
// text is dropped (but still consumed).
func (rt *richText) read(sc *xmlScanner, dst []byte, end string) (out []byte, over bool, err error) {
	rt.direct, rt.runs = rt.direct[:0], rt.runs[:0]
	return rt.readFrom(sc, dst, end, false)
}

// readFrom goes on reading an <si> or <is> with rt's buffers as they are.
func (rt *richText) readFrom(sc *xmlScanner, dst []byte, end string, over bool) ([]byte, bool, error) {
	inRun := false
	for {
		t, ok, err := sc.nextTag()
		if err != nil {
			return dst, over, err
		}
		if !ok {
			return dst, over, fmt.Errorf("%w: <%s> is never closed", errXML, end)
		}
		name := string(t.name)
		switch {
		case t.kind == tagEnd && name == end:
			if over || len(rt.direct)+len(rt.runs) > MaxCellBytes {
				return dst, true, nil
			}
			base := len(dst)
			dst = append(append(dst, rt.direct...), rt.runs...)
			if bytes.Contains(dst[base:], []byte("_x")) {
				dec := bstrUnmarshal(dst[base:])
				dst = append(dst[:base], dec...)
			}
			return dst, false, nil
		case name == "rPh" && t.kind == tagStart:
			if err := sc.skipElement(t.name); err != nil {
				return dst, over, err
			}
		case name == "r":
			inRun = t.kind == tagStart
		case name == "t" && t.kind == tagEmpty && !inRun:
			rt.direct = rt.direct[:0]
		case name == "t" && t.kind == tagStart:
			var o bool
			if inRun {
				rt.runs, o, err = sc.text(rt.runs, MaxCellBytes)
			} else {
				rt.direct, o, err = sc.text(rt.direct[:0], MaxCellBytes)
			}
			if err != nil {
				return dst, over, err
			}
			over = over || o
		}
	}
}

// bstrUnmarshal decodes the _xHHHH_ escapes of an OOXML string (ECMA-376
// 22.9.2.19) exactly as excelize does: _x005F_ is an underscore, an escape
// of a surrogate half is dropped.
func bstrUnmarshal(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] == '_' && i+7 <= len(s) && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(s[i+2:i+6]), 16, 32)
			switch {
			case v == 0x5F:
				out = append(out, '_')
			case v >= 0xD800 && v <= 0xDFFF:
			default:
				out = append(out, string(rune(v))...)
			}
			i += 7
			continue
		}
		out = append(out, s[i])
		i++
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// cellColumn reads the column of a cell reference like "AB12" (1-based),
// checking the row part as excelize does.
func cellColumn(ref []byte) (int, error) {
	i, col := 0, 0
	for i < len(ref) {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		if col > MaxSheetColumns {
			return 0, fmt.Errorf("cell reference %q is past the sheet's last column (%d)", clip(ref, 20), MaxSheetColumns)
		}
		i++
	}
	row := 0
	digits := ref[i:]
	for _, c := range digits {
		if c < '0' || c > '9' {
			row = -1
			break
		}
		row = row*10 + int(c-'0')
		if row > maxSheetRows {
			break
		}
	}
	if col == 0 || len(digits) == 0 || row < 1 || row > maxSheetRows {
		return 0, fmt.Errorf("cell reference %q is not a cell name", clip(ref, 20))
	}
	return col, nil
}

// refNames reports whether ref is column col's name, in capitals,
// followed by digits: the reference nearly every writer gives a cell in
// the place after the last one, for which cellColumn would give col. Any
// other reference is left to cellColumn (TestRefNames).
func refNames(ref []byte, col int, digits []byte) bool {
	nl := len(ref) - len(digits)
	if nl < 1 || nl > 3 || string(ref[nl:]) != string(digits) {
		return false
	}
	c := 0
	for _, ch := range ref[:nl] {
		if ch < 'A' || ch > 'Z' {
			return false
		}
		c = c*26 + int(ch-'A'+1)
	}
	return c == col && c <= MaxSheetColumns
}

func cellLabel(ref []byte, col int, row int64) string {
	if len(ref) > 0 && len(ref) <= 12 {
		return string(ref)
	}
	return columnName(col) + strconv.FormatInt(row, 10)
}

// columnName is the spreadsheet name of a 1-based column (1 is A).
func columnName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

func (r *xlsxReader) close() {
	if r.part != nil {
		_ = r.part.Close()
		r.part = nil
	}
}

func (r *xlsxReader) Release() {
	r.release()
	r.close()
	r.wb = nil
}

// openPart opens a zip entry for streaming after checking its declared
// size (archive/zip then refuses more bytes than declared).
func openPart(zf *zip.File, limit uint64) (io.ReadCloser, error) {
	if zf.UncompressedSize64 > limit {
		return nil, fmt.Errorf("part %s would inflate to %d MiB, more than the %d MiB allowed (a zip bomb?)", zf.Name, zf.UncompressedSize64>>20, limit>>20)
	}
	if zf.Method != zip.Store && zf.Method != zip.Deflate {
		return nil, fmt.Errorf("part %s uses an unsupported compression method %d", zf.Name, zf.Method)
	}
	return zf.Open()
}

// readPart reads a small part whole.
func readPart(zf *zip.File) ([]byte, error) {
	rc, err := openPart(zf, maxPartBytes)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPartBytes+1))
	if err != nil {
		return nil, fmt.Errorf("part %s: %v", zf.Name, err)
	}
	return b, nil
}

// sheetRecord is the rule both spreadsheet readers apply to a sheet row:
// a blank row (spacing, or the formatted but empty tail many sheets carry;
// hidden: a cell left out by Project held text) is no record, and cells past the header's width that hold text make the
// row a field-count reject.
func sheetRecord(cells []string, width int, problem string, hidden bool) (keep bool, _ string) {
	if problem != "" {
		return true, problem
	}
	if !hidden && blankRow(cells) {
		return false, ""
	}
	if len(cells) > width && !blankRow(cells[width:]) {
		return true, fmt.Sprintf("%v: %d cells, the header has %d", ErrFieldCount, len(cells), width)
	}
	return true, ""
}

// smallUint reads a plain run of at most 9 decimal digits, the usual
// style or shared-string index; ok is false for anything else.
func smallUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
