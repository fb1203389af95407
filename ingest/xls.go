package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// Legacy Excel 97–2003 workbooks (.xls, BIFF8), the format of every BLS
// OEWS year before 2014 and of older DOL disclosure files. The OLE2
// container is read with github.com/richardlehane/mscfb (maintained, and
// already in the build through excelize); the BIFF8 records are read here.
// The Go BIFF readers (extrame/xls, shakinm/xlsReader) are unmaintained
// and index their records without bounds checks, so a hostile file panics
// them. This reader reads only the records a table needs: BOUNDSHEET,
// SST and its CONTINUE records, FORMAT, XF, DATEMODE, and the cell
// records LABELSST, LABEL, NUMBER, RK, MULRK, FORMULA (+ STRING), BOOLERR.
// Every length is checked against the record it is in; the workbook
// stream may be no longer than the file.
//
// Values: text as stored; a number as General shows it (shortest
// decimal, 15 significant digits at most); a number under a date format
// as an ISO date ("2006-01-02", with " 15:04:05" when it has a time); a
// formula's cached result (never evaluated); booleans TRUE/FALSE; errors
// as Excel writes them (#N/A).

// oleMagic starts every OLE2 compound file.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// BIFF8 record types.
const (
	recBOF        = 0x0809
	recEOF        = 0x000A
	recBoundSheet = 0x0085
	recSST        = 0x00FC
	recContinue   = 0x003C
	recFormat     = 0x041E
	recXF         = 0x00E0
	recDateMode   = 0x0022
	recLabelSST   = 0x00FD
	recLabel      = 0x0204
	recNumber     = 0x0203
	recRK         = 0x027E
	recMulRK      = 0x00BD
	recFormula    = 0x0006
	recString     = 0x0207
	recBoolErr    = 0x0205
)

var errXLS = errors.New("not a readable .xls workbook")

type xlsSheet struct {
	name string
	pos  uint32
}

// xlsBook is a workbook's globals.
type xlsBook struct {
	data     []byte // the Workbook stream
	sheets   []xlsSheet
	sst      []string
	sstBig   map[int]bool
	xfDate   []bool // by XF index: a date format
	date1904 bool
}

// biffRecords iterates the records of data from pos.
type biffRecords struct {
	data []byte
	pos  int
}

func (b *biffRecords) next() (typ uint16, body []byte, ok bool, err error) {
	if b.pos+4 > len(b.data) {
		return 0, nil, false, nil
	}
	typ = binary.LittleEndian.Uint16(b.data[b.pos:])
	n := int(binary.LittleEndian.Uint16(b.data[b.pos+2:]))
	if b.pos+4+n > len(b.data) {
		return 0, nil, false, fmt.Errorf("%w: a record (type 0x%04X) runs past the end of the workbook stream", errXLS, typ)
	}
	body = b.data[b.pos+4 : b.pos+4+n]
	b.pos += 4 + n
	return typ, body, true, nil
}

func openXLSBook(ctx context.Context, ra io.ReaderAt, size int64) (*xlsBook, error) {
	cf, err := mscfb.New(ra)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errXLS, err)
	}
	var stream *mscfb.File
	for {
		f, err := cf.Next()
		if err != nil {
			break
		}
		switch f.Name {
		case "Workbook":
			stream = f
		case "Book":
			if stream == nil {
				return nil, fmt.Errorf("%w: an Excel 5.0/95 workbook (BIFF5); save it as .xlsx or as a 97–2003 .xls", errXLS)
			}
		}
		if stream != nil && f.Name == "Workbook" {
			break
		}
	}
	if stream == nil {
		return nil, fmt.Errorf("%w: the file has no Workbook stream", errXLS)
	}
	if stream.Size > size {
		return nil, fmt.Errorf("%w: the Workbook stream claims %d bytes in a file of %d", errXLS, stream.Size, size)
	}
	data := make([]byte, 0, stream.Size)
	buf := make([]byte, 64<<10)
	for int64(len(data)) < stream.Size {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := stream.Read(buf)
		data = append(data, buf[:n]...)
		if err != nil {
			break
		}
	}
	bk := &xlsBook{data: data}
	rs := &biffRecords{data: data}
	typ, body, ok, err := rs.next()
	if err != nil || !ok || typ != recBOF || len(body) < 4 || binary.LittleEndian.Uint16(body) != 0x0600 {
		return nil, fmt.Errorf("%w: the workbook stream does not start with a BIFF8 BOF record (an older Excel version?)", errXLS)
	}
	formats := map[uint16]bool{}
	var xfFmt []uint16
	var sstSegs [][]byte
	inSST := false
	for {
		typ, body, ok, err := rs.next()
		if err != nil {
			return nil, err
		}
		if !ok || typ == recEOF {
			break
		}
		if typ != recContinue {
			inSST = false
		}
		switch typ {
		case recBoundSheet:
			if len(body) < 8 {
				return nil, fmt.Errorf("%w: a short BOUNDSHEET record", errXLS)
			}
			if body[5] != 0 { // not a worksheet (chart, macro sheet)
				continue
			}
			name, _, ok := xlsShortString(body[6:])
			if !ok {
				return nil, fmt.Errorf("%w: a broken sheet name", errXLS)
			}
			bk.sheets = append(bk.sheets, xlsSheet{name: name, pos: binary.LittleEndian.Uint32(body)})
		case recSST:
			sstSegs, inSST = [][]byte{body}, true
		case recContinue:
			if inSST {
				sstSegs = append(sstSegs, body)
			}
		case recFormat:
			if len(body) < 5 {
				continue
			}
			id := binary.LittleEndian.Uint16(body)
			s, _, ok := xlsString16(body[2:])
			if ok && isDateFormat(s) {
				formats[id] = true
			}
		case recXF:
			if len(body) >= 4 {
				xfFmt = append(xfFmt, binary.LittleEndian.Uint16(body[2:]))
			}
		case recDateMode:
			bk.date1904 = len(body) >= 2 && binary.LittleEndian.Uint16(body) == 1
		}
	}
	bk.xfDate = make([]bool, len(xfFmt))
	for i, f := range xfFmt {
		bk.xfDate[i] = builtinDateFormat(f) || formats[f]
	}
	if sstSegs != nil {
		if err := bk.readSST(sstSegs); err != nil {
			return nil, err
		}
	}
	return bk, nil
}

func builtinDateFormat(id uint16) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// isDateFormat reports whether a format code shows a date or time: it has
// a y, d, h or s (or an m with no digit placeholder) outside quoted text,
// escapes and [...] sections.
func isDateFormat(code string) bool {
	var clean []byte
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return false
			}
			i += j
		default:
			clean = append(clean, c|0x20)
		}
	}
	s := string(clean)
	if strings.Contains(s, "general") {
		return false
	}
	if strings.ContainsAny(s, "ydhs") {
		return true
	}
	return strings.Contains(s, "m") && !strings.ContainsAny(s, "0#?")
}

// sstCursor reads across an SST record and its CONTINUE records.
type sstCursor struct {
	segs [][]byte
	i    int
	off  int
}

func (c *sstCursor) byte1() (byte, bool) {
	for c.i < len(c.segs) && c.off >= len(c.segs[c.i]) {
		c.i++
		c.off = 0
	}
	if c.i >= len(c.segs) {
		return 0, false
	}
	b := c.segs[c.i][c.off]
	c.off++
	return b, true
}

func (c *sstCursor) uint(n int) (uint32, bool) {
	var v uint32
	for k := 0; k < n; k++ {
		b, ok := c.byte1()
		if !ok {
			return 0, false
		}
		v |= uint32(b) << (8 * k)
	}
	return v, true
}

func (c *sstCursor) skip(n int) bool {
	for n > 0 {
		for c.i < len(c.segs) && c.off >= len(c.segs[c.i]) {
			c.i++
			c.off = 0
		}
		if c.i >= len(c.segs) {
			return false
		}
		k := min(n, len(c.segs[c.i])-c.off)
		c.off += k
		n -= k
	}
	return true
}

// chars reads n characters; where a CONTINUE record starts inside them,
// its first byte restates the compression flag.
func (c *sstCursor) chars(n int, high bool, dst []byte, limit int) ([]byte, bool, bool) {
	over := false
	for n > 0 {
		if c.i < len(c.segs) && c.off >= len(c.segs[c.i]) {
			// A CONTINUE record inside the characters restates the flag.
			c.i++
			if c.i >= len(c.segs) || len(c.segs[c.i]) == 0 {
				return dst, over, false
			}
			high = c.segs[c.i][0]&1 != 0
			c.off = 1
		}
		if c.i >= len(c.segs) {
			return dst, over, false
		}
		seg := c.segs[c.i][c.off:]
		w := 1
		if high {
			w = 2
		}
		k := min(n, len(seg)/w)
		if k == 0 {
			return dst, over, false
		}
		if len(dst)+k*3 > limit {
			over = true
		}
		if !over {
			dst = appendChars(dst, seg[:k*w], high)
		}
		c.off += k * w
		n -= k
	}
	return dst, over, true
}

func appendChars(dst, b []byte, high bool) []byte {
	if !high {
		for _, c := range b {
			dst = utf8.AppendRune(dst, rune(c))
		}
		return dst
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for _, r := range utf16.Decode(u) {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

func (bk *xlsBook) readSST(segs [][]byte) error {
	c := &sstCursor{segs: segs}
	bad := func() error { return fmt.Errorf("%w: the shared-strings table (SST) is cut short", errXLS) }
	if _, ok := c.uint(4); !ok {
		return bad()
	}
	unique, ok := c.uint(4)
	if !ok {
		return bad()
	}
	if unique > MaxSharedStrings {
		return fmt.Errorf("%w: the shared-strings table holds more than %d strings (the cap)", ErrUnreadable, MaxSharedStrings)
	}
	total := 0
	var buf []byte
	for i := 0; i < int(unique); i++ {
		cch, ok1 := c.uint(2)
		flags, ok2 := c.byte1()
		if !ok1 || !ok2 {
			return bad()
		}
		runs, ext := uint32(0), uint32(0)
		if flags&0x08 != 0 {
			if runs, ok = c.uint(2); !ok {
				return bad()
			}
		}
		if flags&0x04 != 0 {
			if ext, ok = c.uint(4); !ok {
				return bad()
			}
		}
		var over bool
		buf, over, ok = c.chars(int(cch), flags&1 != 0, buf[:0], MaxCellBytes)
		if !ok || !c.skip(int(runs)*4) || !c.skip(int(ext)) {
			return bad()
		}
		if over {
			if bk.sstBig == nil {
				bk.sstBig = map[int]bool{}
			}
			bk.sstBig[i] = true
			bk.sst = append(bk.sst, "")
			continue
		}
		if total += len(buf); total > MaxSharedStringBytes {
			return fmt.Errorf("%w: the shared-strings table holds more than %d MiB of text (the cap)", ErrUnreadable, MaxSharedStringBytes>>20)
		}
		bk.sst = append(bk.sst, string(buf))
	}
	return nil
}

// xlsShortString reads a ShortXLUnicodeString (1-byte length).
func xlsShortString(b []byte) (string, int, bool) {
	if len(b) < 2 {
		return "", 0, false
	}
	n, high := int(b[0]), b[1]&1 != 0
	w := 1
	if high {
		w = 2
	}
	if 2+n*w > len(b) {
		return "", 0, false
	}
	return string(appendChars(nil, b[2:2+n*w], high)), 2 + n*w, true
}

// xlsString16 reads an XLUnicodeString (2-byte length) within one record.
func xlsString16(b []byte) (string, int, bool) {
	if len(b) < 3 {
		return "", 0, false
	}
	n, high := int(binary.LittleEndian.Uint16(b)), b[2]&1 != 0
	w := 1
	if high {
		w = 2
	}
	if 3+n*w > len(b) {
		return "", 0, false
	}
	return string(appendChars(nil, b[3:3+n*w], high)), 3 + n*w, true
}

// rkValue decodes an RK number.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// xlsReader streams one worksheet's rows.
type xlsReader struct {
	batchState
	name  string
	bk    *xlsBook
	recs  biffRecords
	row   int64 // the last row handed out (1-based)
	cells []string
	next1 []xlsCell // a cell read past the current row
	done  bool
}

type xlsCell struct {
	row int64
	col int
	val string
	big bool
}

// NewXLSReader reads one worksheet of a BIFF8 .xls workbook: sheet
// (matched without regard to case), or the first worksheet when "".
func NewXLSReader(ctx context.Context, f io.ReaderAt, size int64, path string, head []byte, sheet string) (Reader, error) {
	rd, err := openXLSSheet(ctx, f, size, path, head, sheet)
	if err != nil {
		return nil, err
	}
	for {
		_, cells, _, ok, err := rd.nextRow()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &RowError{Source: path, Err: fmt.Errorf("%w: sheet %q has no header row", ErrUnreadable, sheet)}
		}
		if !blankRow(cells) {
			rd.header = uniqueHeader(append([]string(nil), cells...))
			break
		}
	}
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
}

func openXLSSheet(ctx context.Context, f io.ReaderAt, size int64, path string, head []byte, sheet string) (*xlsReader, error) {
	if !bytes.HasPrefix(head, oleMagic[:4]) {
		return nil, &RowError{Source: path, Err: fmt.Errorf("%w: not an .xls workbook (not an OLE2 compound file)", ErrUnreadable)}
	}
	bk, err := openXLSBook(ctx, f, size)
	if err != nil {
		if !errors.Is(err, ErrUnreadable) && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return nil, &RowError{Source: path, Err: err}
	}
	if len(bk.sheets) == 0 {
		return nil, &RowError{Source: path, Err: fmt.Errorf("%w: the workbook has no worksheets", ErrUnreadable)}
	}
	ws := &bk.sheets[0]
	if sheet != "" {
		ws = nil
		var names []string
		for i := range bk.sheets {
			names = append(names, bk.sheets[i].name)
			if strings.EqualFold(bk.sheets[i].name, sheet) {
				ws = &bk.sheets[i]
			}
		}
		if ws == nil {
			return nil, &RowError{Source: path, Err: fmt.Errorf("%w: the workbook has no sheet %q (it has %s)", ErrUnreadable, sheet, strings.Join(names, ", "))}
		}
	}
	if int(ws.pos) >= len(bk.data) {
		return nil, &RowError{Source: path, Err: fmt.Errorf("%w: sheet %q starts past the end of the workbook stream", ErrUnreadable, ws.name)}
	}
	rd := &xlsReader{batchState: batchState{ctx: ctx}, name: path, bk: bk, recs: biffRecords{data: bk.data, pos: int(ws.pos)}}
	typ, _, ok, err := rd.recs.next()
	if err != nil || !ok || typ != recBOF {
		return nil, &RowError{Source: path, Err: fmt.Errorf("%w: sheet %q does not start with a BOF record", ErrUnreadable, ws.name)}
	}
	return rd, nil
}

// number renders a numeric cell under XF xf.
func (r *xlsReader) number(v float64, xf int) string {
	if xf >= 0 && xf < len(r.bk.xfDate) && r.bk.xfDate[xf] && v >= 0 && v < 2958466 {
		return xlsDate(v, r.bk.date1904)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if n := len(strings.TrimLeft(strings.ReplaceAll(s, ".", ""), "-0")); n > 15 {
		s = strconv.FormatFloat(v, 'G', 15, 64)
	}
	return s
}

// xlsDate renders a serial date (1900 or 1904 system) as ISO 8601.
func xlsDate(v float64, date1904 bool) string {
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	case days < 61:
		// Excel's 1900 system counts a February 29, 1900 that never was.
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days)-1)
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	}
	t = t.Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

var xlsErrors = map[byte]string{0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}

// cellsOf decodes the cells of one record.
func (r *xlsReader) cellsOf(typ uint16, b []byte, out []xlsCell) ([]xlsCell, error) {
	bad := func() ([]xlsCell, error) {
		return out, fmt.Errorf("%w: a short cell record (type 0x%04X)", errXLS, typ)
	}
	switch typ {
	case recLabelSST, recLabel, recNumber, recRK, recMulRK, recBoolErr, recFormula:
	default:
		return out, nil
	}
	if len(b) < 6 {
		return bad()
	}
	row := int64(binary.LittleEndian.Uint16(b)) + 1
	col := int(binary.LittleEndian.Uint16(b[2:]))
	xf := int(binary.LittleEndian.Uint16(b[4:]))
	switch typ {
	case recLabelSST:
		if len(b) < 10 {
			return bad()
		}
		i := int(binary.LittleEndian.Uint32(b[6:]))
		if i >= len(r.bk.sst) {
			return out, fmt.Errorf("%w: a cell refers to shared string %d of %d", errXLS, i, len(r.bk.sst))
		}
		out = append(out, xlsCell{row: row, col: col, val: r.bk.sst[i], big: r.bk.sstBig[i]})
	case recLabel:
		s, _, ok := xlsString16(b[6:])
		if !ok {
			return bad()
		}
		out = append(out, xlsCell{row: row, col: col, val: s, big: len(s) > MaxCellBytes})
	case recNumber:
		if len(b) < 14 {
			return bad()
		}
		out = append(out, xlsCell{row: row, col: col, val: r.number(math.Float64frombits(binary.LittleEndian.Uint64(b[6:])), xf)})
	case recRK:
		if len(b) < 10 {
			return bad()
		}
		out = append(out, xlsCell{row: row, col: col, val: r.number(rkValue(binary.LittleEndian.Uint32(b[6:])), xf)})
	case recMulRK:
		n := (len(b) - 6) / 6
		for k := 0; k < n; k++ {
			p := 4 + 6*k
			xf := int(binary.LittleEndian.Uint16(b[p:]))
			out = append(out, xlsCell{row: row, col: col + k, val: r.number(rkValue(binary.LittleEndian.Uint32(b[p+2:])), xf)})
		}
	case recBoolErr:
		if len(b) < 8 {
			return bad()
		}
		v := "FALSE"
		switch {
		case b[7] == 1:
			v = xlsErrors[b[6]]
		case b[6] != 0:
			v = "TRUE"
		}
		out = append(out, xlsCell{row: row, col: col, val: v})
	case recFormula:
		if len(b) < 14 {
			return bad()
		}
		res := b[6:14]
		if res[6] != 0xFF || res[7] != 0xFF {
			out = append(out, xlsCell{row: row, col: col, val: r.number(math.Float64frombits(binary.LittleEndian.Uint64(res)), xf)})
			break
		}
		switch res[0] {
		case 0: // a string, in the STRING record that follows
			save := r.recs.pos
			t2, body, ok, err := r.recs.next()
			if err != nil {
				return out, err
			}
			if !ok || t2 != recString {
				r.recs.pos = save
				break
			}
			s, _, ok := xlsString16(body)
			if !ok {
				return out, fmt.Errorf("%w: a broken STRING record", errXLS)
			}
			out = append(out, xlsCell{row: row, col: col, val: s, big: len(s) > MaxCellBytes})
		case 1:
			v := "FALSE"
			if res[2] != 0 {
				v = "TRUE"
			}
			out = append(out, xlsCell{row: row, col: col, val: v})
		case 2:
			out = append(out, xlsCell{row: row, col: col, val: xlsErrors[res[2]]})
		}
	}
	return out, nil
}

// nextRow gives the next sheet row that has cells.
func (r *xlsReader) nextRow() (int64, []string, string, bool, error) {
	fail := func(err error) (int64, []string, string, bool, error) {
		if !errors.Is(err, ErrUnreadable) {
			err = fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return 0, nil, "", false, &RowError{Source: r.name, Row: r.row + 1, Err: err}
	}
	r.cells = r.cells[:0]
	problem := ""
	cur := int64(0)
	recBytes := 0
	add := func(c xlsCell) {
		if c.big {
			if problem == "" {
				problem = fmt.Sprintf("cell %s%d holds more than %d KiB of text (the cap per cell)", columnName(c.col+1), c.row, MaxCellBytes>>10)
			}
			return
		}
		if c.val == "" {
			return
		}
		if recBytes += len(c.val); recBytes > MaxRecordBytes {
			if problem == "" {
				problem = fmt.Sprintf("row %d holds more than %d MiB of text (the cap per record)", c.row, MaxRecordBytes>>20)
			}
			return
		}
		for len(r.cells) < c.col {
			r.cells = append(r.cells, "")
		}
		if c.col < len(r.cells) {
			r.cells[c.col] = c.val
		} else {
			r.cells = append(r.cells, c.val)
		}
	}
	pending := r.next1
	r.next1 = nil
	for {
		if len(pending) == 0 && !r.done {
			if err := r.ctx.Err(); err != nil {
				return 0, nil, "", false, err
			}
			typ, body, ok, err := r.recs.next()
			if err != nil {
				return fail(err)
			}
			if !ok || typ == recEOF {
				r.done = true
			} else if pending, err = r.cellsOf(typ, body, pending[:0]); err != nil {
				return fail(err)
			}
		}
		if len(pending) == 0 && r.done {
			if cur == 0 {
				return 0, nil, "", false, nil
			}
			r.row = cur
			return cur, r.cells, problem, true, nil
		}
		for i, c := range pending {
			if c.col >= MaxSheetColumns {
				return fail(fmt.Errorf("a cell in column %d, past the sheet's last column", c.col+1))
			}
			switch {
			case cur == 0:
				if c.row <= r.row {
					return fail(fmt.Errorf("row %d comes after row %d (rows out of order)", c.row, r.row))
				}
				cur = c.row
			case c.row != cur:
				if c.row < cur {
					return fail(fmt.Errorf("row %d comes after row %d (rows out of order)", c.row, cur))
				}
				r.next1 = append([]xlsCell(nil), pending[i:]...)
				r.row = cur
				return cur, r.cells, problem, true, nil
			}
			add(c)
		}
		pending = pending[:0]
	}
}

func (r *xlsReader) Next() bool {
	if !r.begin() {
		return false
	}
	for !r.b.Full() {
		row, cells, problem, ok, err := r.nextRow()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			break
		}
		keep, problem := sheetRecord(cells, len(r.header), problem, false)
		if !keep {
			continue
		}
		r.b.Append(row, cells, problem)
	}
	return r.emit()
}

func (r *xlsReader) Release() {
	r.release()
	r.bk = nil
}
