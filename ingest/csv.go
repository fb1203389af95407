package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/charmap"
)

// CSVOptions tunes the delimited-text reader.
type CSVOptions struct {
	// Comma is the field delimiter; 0 sniffs it from the first lines
	// (',', ';', '\t' or '|').
	Comma rune
	// Latin1 decodes every cell as Windows-1252. When false, cells that are
	// not valid UTF-8 are decoded as Windows-1252 one by one, which also
	// copes with files that mix encodings.
	Latin1 bool

	maxBatchBytes int // cuts batches smaller than maxBatchBytes; 0 is maxBatchBytes (tests)
}

// MaxRecordBytes bounds one delimited record (all its lines) and one JSON
// record. A longer line is read past without being held and rejected; a
// quoted field that would carry a record past it is a malformed record.
const MaxRecordBytes = 16 << 20

// MaxRecordLines bounds the lines one delimited record may span through
// quoted line breaks. Real multi-line cells (an address, a job
// description) take a few lines; a quote that runs on for more is taken
// to be unbalanced.
const MaxRecordLines = 64

// MaxColumns bounds the columns of a delimited header and the distinct
// keys of a JSON file (and of one JSON record). A wider file is refused.
const MaxColumns = 65536

// The delimited-text grammar is Python's csv module's default dialect
// (doublequote, non-strict), which is what most of these files were
// written with and what analysts check them with:
//
//   - a field that starts with a quote is quoted: delimiters and line
//     breaks in it are data and "" is one quote;
//   - a quote that closes a quoted field and is followed by anything but a
//     delimiter or the line end does not start a new field: what follows
//     is appended to the field unquoted ("a"b -> ab);
//   - a quote inside an unquoted field is data (a"b -> a"b).
//
// Unlike encoding/csv with LazyQuotes, where a stray quote keeps the field
// open, this closes a quote as soon as the text says it is closed. On top
// of the grammar one rule recovers from quotes that are never closed:
//
//   - a record whose quoted field carries it over line ends is kept whole
//     only when it ends with exactly the header's field count, its quote
//     closes cleanly (the closing quote is followed by a delimiter or the
//     line end, not by text) before the end of the file, and it spans at
//     most MaxRecordLines lines and MaxRecordBytes bytes;
//   - otherwise (a malformed record) its first line is read again alone,
//     a quote still open at the line end counting as a failure: with the
//     header's field count and its quotes closed it is a row, else it is
//     one reject, "malformed record", at that line. Reading resumes at the
//     next line, which is read as if the malformed record had not begun.
//
// Blank lines are skipped (they still count as lines). Line ends are LF
// or CRLF, or CR alone when the first line ends with a lone CR (old Mac
// "CSV (Macintosh)" files). A line break inside a quoted field is stored
// as "\n". Rows are numbered by the line their record starts on.

// csvReader reads delimited text as Arrow batches.
type csvReader struct {
	batchState
	name   string
	lines  lineSource
	p      fieldParser
	latin1 bool
	done   bool
	rows   int64
	// bodySeen: a non-blank line followed the header.
	bodySeen bool
	cells    []string
}

// readError wraps a read failure as one located file error.
func (r *csvReader) readError(err error, row int) error {
	return &RowError{Source: r.name, Row: int64(row), Err: unreadable(err)}
}

// NewCSVReader reads delimited text from r. name is used in errors. Blank
// lines before the header and a UTF-8 byte-order mark are skipped.
func NewCSVReader(ctx context.Context, r io.Reader, name string, opt CSVOptions) (Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	// Peek enough to sniff the delimiter and check the text is text.
	peek, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &RowError{Source: name, Err: unreadable(err)}
	}
	peek = bytes.TrimPrefix(peek, []byte("\ufeff"))
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the file is empty", ErrUnreadable)}
	}
	if looksBinary(peek) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: it is binary data, not delimited text", ErrUnreadable)}
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	comma := opt.Comma
	if comma == 0 {
		comma = sniffDelimiter(peek)
	}
	if comma >= utf8.RuneSelf || comma == '"' || comma == '\r' || comma == '\n' {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the delimiter %q cannot be used (one ASCII character other than a quote or a line end)", ErrUnreadable, comma)}
	}
	rd := &csvReader{batchState: batchState{ctx: ctx}, name: name, latin1: opt.Latin1}
	rd.lines = lineSource{br: br, sep: lineSep(peek)}
	rd.p = fieldParser{comma: byte(comma)}
	// The header: its field count is not known yet, so only the quote and
	// length rules apply.
	ok, err := rd.readRecord(MaxColumns + 1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the file has no header row", ErrUnreadable)}
	}
	if rd.p.tooLong {
		return nil, &RowError{Source: name, Row: int64(rd.p.line), Err: fmt.Errorf("%w: the header line is longer than %d MiB", ErrUnreadable, MaxRecordBytes>>20)}
	}
	if rd.p.nfields > MaxColumns {
		return nil, &RowError{Source: name, Row: int64(rd.p.line), Err: fmt.Errorf("%w: the header has more than %d columns", ErrUnreadable, MaxColumns)}
	}
	hdr := make([]string, rd.p.nfields)
	for i := range hdr {
		hdr[i] = rd.cell(string(rd.p.field(i)))
	}
	rd.header = uniqueHeader(hdr)
	rd.b = newBatchBuilder(rd.header)
	if opt.maxBatchBytes > 0 {
		rd.b.maxBytes = opt.maxBatchBytes
	}
	return rd, nil
}

// lineSep picks the line end: a lone CR when the first line end in p is a
// CR not followed by LF, else LF (with an optional CR before it).
func lineSep(p []byte) byte {
	i := bytes.IndexAny(p, "\r\n")
	if i >= 0 && p[i] == '\r' && i+1 < len(p) && p[i+1] != '\n' {
		return '\r'
	}
	return '\n'
}

// looksBinary reports NUL-heavy or control-heavy data: a PNG renamed .csv,
// an XLSX given to the CSV reader, random bytes.
func looksBinary(p []byte) bool {
	if len(p) > 8192 {
		p = p[:8192]
	}
	ctl := 0
	for _, c := range p {
		if c == 0 {
			ctl += 8
		} else if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	return ctl*20 > len(p)
}

// sniffDelimiter picks the candidate that occurs most often, and equally
// often, on the first non-blank lines, counting outside quotes only.
func sniffDelimiter(p []byte) rune {
	cands := []byte{',', ';', '\t', '|'}
	var lines [][]byte
	sep := lineSep(p)
	for _, l := range bytes.Split(p, []byte{sep}) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
		if len(lines) == 10 {
			break
		}
	}
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut by the peek
	}
	best, bestScore := byte(','), 0
	for _, c := range cands {
		consistent := true
		first := -1
		for _, l := range lines {
			n := countOutsideQuotes(l, c)
			if first < 0 {
				first = n
			} else if n != first {
				consistent = false
			}
		}
		score := first
		if consistent {
			score *= 2
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return rune(best)
}

func countOutsideQuotes(l []byte, c byte) int {
	n, q := 0, false
	for _, b := range l {
		switch {
		case b == '"':
			q = !q
		case b == c && !q:
			n++
		}
	}
	return n
}

var win1252 = charmap.Windows1252.NewDecoder()

func (r *csvReader) cell(s string) string {
	if r.latin1 || !utf8.ValidString(s) {
		if d, err := win1252.String(s); err == nil {
			return d
		}
	}
	return s
}

// lineSource hands out the lines of the input, first any lines given back
// by a malformed record, then the input's. Lines come without their end.
type lineSource struct {
	br   *bufio.Reader
	sep  byte
	line int // number of the last line handed out
	// back holds lines given back, in order, with their numbers; a nil
	// line is one that was too long to hold.
	back    [][]byte
	backNum []int
	long    []byte // a line longer than br's buffer, assembled
	eof     bool
}

// next returns the next line, its number and whether it was held past
// MaxRecordBytes (tooLong: the line is skipped, its text is not kept). The
// line is valid until the next call unless it came from back.
func (s *lineSource) next() (line []byte, num int, tooLong bool, err error) {
	if len(s.back) > 0 {
		line, num = s.back[0], s.backNum[0]
		s.back, s.backNum = s.back[1:], s.backNum[1:]
		return line, num, line == nil, nil
	}
	if s.eof {
		return nil, 0, false, io.EOF
	}
	s.long = s.long[:0]
	held := 0
	for {
		chunk, err := s.br.ReadSlice(s.sep)
		if errors.Is(err, bufio.ErrBufferFull) {
			held += len(chunk)
			if held > MaxRecordBytes {
				tooLong = true
				s.long = s.long[:0]
			} else {
				s.long = append(s.long, chunk...)
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, false, err
		}
		if errors.Is(err, io.EOF) {
			s.eof = true
			if len(chunk) == 0 && held == 0 {
				return nil, 0, false, io.EOF
			}
		} else {
			chunk = chunk[:len(chunk)-1]
		}
		s.line++
		if held > 0 {
			if held+len(chunk) > MaxRecordBytes {
				tooLong = true
			}
			if tooLong {
				return nil, s.line, true, nil
			}
			s.long = append(s.long, chunk...)
			chunk = s.long
		}
		if s.sep == '\n' && len(chunk) > 0 && chunk[len(chunk)-1] == '\r' {
			chunk = chunk[:len(chunk)-1]
		}
		return chunk, s.line, false, nil
	}
}

// giveBack queues lines to be handed out again, before the input's. The
// lines must be owned copies (never nil unless too long).
func (s *lineSource) giveBack(lines [][]byte, nums []int) {
	s.back = append(append([][]byte(nil), lines...), s.back...)
	s.backNum = append(append([]int(nil), nums...), s.backNum...)
}

// fieldParser splits records into fields. Field text goes to data, each
// field's end to ends; fields past keep are counted, not kept.
type fieldParser struct {
	comma   byte
	data    []byte
	ends    []int
	keep    int
	nfields int
	line    int // the line the record starts on
	// For the record being read: how it ended.
	lines   int  // lines it spans
	open    bool // a quoted field is still open at the end of the last line
	tooLong bool // a line past MaxRecordBytes, or the record past it
	// malformed: the record was read again as its first line alone.
	malformed bool
	// quoteLine is the line (1 = the record's first) the last quoted field
	// opened on; strayClose: a quoted field that spans lines closed with a
	// quote followed by text.
	quoteLine  int
	strayClose bool
	st         int
	held       [][]byte // copies of the record's lines when it spans several
	heldNums   []int
	heldLen    int
}

const (
	stStart  = iota // at the start of a field
	stField         // in an unquoted field
	stQuoted        // in a quoted field
	stQuote         // just after a quote in a quoted field
)

func (p *fieldParser) field(i int) []byte {
	s := 0
	if i > 0 {
		s = p.ends[i-1]
	}
	return p.data[s:p.ends[i]]
}

func (p *fieldParser) reset(keep int) {
	p.data, p.ends = p.data[:0], p.ends[:0]
	p.keep, p.nfields = keep, 0
	p.lines, p.open, p.tooLong, p.malformed = 0, false, false, false
	p.quoteLine, p.strayClose = 0, false
	p.st = stStart
	p.held, p.heldNums, p.heldLen = p.held[:0], p.heldNums[:0], 0
}

func (p *fieldParser) add(b []byte) {
	if p.nfields < p.keep {
		p.data = append(p.data, b...)
	}
}

func (p *fieldParser) save() {
	if p.nfields < p.keep {
		p.ends = append(p.ends, len(p.data))
	}
	p.nfields++
}

// parseLine continues the record with one line and reports whether a
// quoted field is still open at its end (the record goes on).
func (p *fieldParser) parseLine(line []byte) bool {
	p.lines++
	i := 0
	for {
		switch p.st {
		case stStart:
			if i == len(line) {
				p.save()
				return false
			}
			if line[i] == '"' {
				p.st = stQuoted
				p.quoteLine = p.lines
				i++
				continue
			}
			p.st = stField
		case stField:
			j := bytes.IndexByte(line[i:], p.comma)
			if j < 0 {
				p.add(line[i:])
				p.save()
				p.st = stStart
				return false
			}
			p.add(line[i : i+j])
			p.save()
			i += j + 1
			p.st = stStart
		case stQuoted:
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				p.add(line[i:])
				p.add(newline)
				return true
			}
			p.add(line[i : i+j])
			i += j + 1
			p.st = stQuote
		case stQuote:
			switch {
			case i == len(line):
				p.save()
				p.st = stStart
				return false
			case line[i] == '"':
				p.add(quote)
				i++
				p.st = stQuoted
			case line[i] == p.comma:
				p.save()
				i++
				p.st = stStart
			default:
				// A quote closed by text rather than a delimiter or the line
				// end: legal, but when the field began on an earlier line it
				// is the mark of a stray quote that ran on.
				if p.quoteLine < p.lines {
					p.strayClose = true
				}
				p.st = stField
			}
		}
	}
}

var (
	newline = []byte{'\n'}
	quote   = []byte{'"'}
)

// readRecord reads the next record into r.p, keeping at most keep fields.
// It applies the malformed-record rule for want fields (0: the header,
// whose count is unknown). ok is false at the end of the input.
func (r *csvReader) readRecord(keep int) (ok bool, err error) {
	p := &r.p
	want := 0
	if r.header != nil {
		want = len(r.header)
	}
	for {
		line, num, tooLong, err := r.lines.next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, r.readError(err, r.lines.line+1)
		}
		if !tooLong && len(line) == 0 {
			continue // a blank line
		}
		if r.header != nil {
			r.bodySeen = true
		}
		p.reset(keep)
		p.line = num
		if tooLong {
			p.tooLong = true
			return true, nil
		}
		if !p.parseLine(line) {
			return true, nil // one line, the usual case
		}
		// A quoted field carries the record on: hold its lines, so that
		// they can be read again if the record turns out malformed.
		p.hold(line, num)
		for p.open = true; p.open; {
			line, num, tooLong, err = r.lines.next()
			if errors.Is(err, io.EOF) {
				break // the quote is never closed
			}
			if err != nil {
				return false, r.readError(err, r.lines.line+1)
			}
			if tooLong || p.lines >= MaxRecordLines || p.heldLen+len(line) > MaxRecordBytes {
				if tooLong {
					// The overlong line cannot be given back: it is
					// rejected on its own.
					p.hold(nil, num)
				} else {
					p.hold(line, num)
				}
				p.tooLong = true
				break
			}
			p.hold(line, num)
			p.open = p.parseLine(line)
		}
		if !p.open && !p.tooLong && !p.strayClose && (want == 0 || p.nfields == want) {
			return true, nil
		}
		r.recoverLine(keep)
		return true, nil
	}
}

// hold keeps a copy of one line of a multi-line record.
func (p *fieldParser) hold(line []byte, num int) {
	if line == nil {
		p.held = append(p.held, nil)
	} else {
		p.held = append(p.held, append(make([]byte, 0, len(line)), line...))
	}
	p.heldNums = append(p.heldNums, num)
	p.heldLen += len(line)
}

// recoverLine handles a malformed multi-line record: its first line is
// parsed again alone into r.p, and the lines after it are given back to be
// read afresh (a line too long to hold is given back as such, and is
// rejected when reached).
func (r *csvReader) recoverLine(keep int) {
	p := &r.p
	first, num := p.held[0], p.heldNums[0]
	r.lines.giveBack(p.held[1:], p.heldNums[1:])
	p.reset(keep)
	p.line = num
	if p.open = p.parseLine(first); p.open {
		// The open field ends with the line (without the line break the
		// parser added), so the count says what the line holds.
		if p.nfields < p.keep {
			p.data = p.data[:len(p.data)-1]
		}
		p.save()
	}
	p.malformed = true
}

func (r *csvReader) Next() bool {
	if r.done || !r.begin() {
		return false
	}
	n := len(r.header)
	for !r.b.Full() {
		ok, err := r.readRecord(n)
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			break
		}
		p := &r.p
		problem := ""
		switch {
		case p.tooLong && p.lines == 0:
			problem = fmt.Sprintf("%v: a line longer than %d MiB", ErrMalformedRecord, MaxRecordBytes>>20)
		case p.malformed && p.open:
			problem = fmt.Sprintf("%v: a quote opened on this line is not closed (%d fields, the header has %d)", ErrMalformedRecord, p.nfields, n)
		case p.malformed && p.nfields != n:
			problem = fmt.Sprintf("%v: %d fields, the header has %d (a quoted field did not close where the record should end)", ErrMalformedRecord, p.nfields, n)
		case p.nfields != n:
			problem = fmt.Sprintf("%v: %d fields, the header has %d", ErrFieldCount, p.nfields, n)
		}
		r.cells = r.cells[:0]
		for i := range min(len(p.ends), n) {
			f := p.field(i)
			if r.latin1 {
				r.cells = append(r.cells, r.cell(string(f)))
			} else {
				r.cells = append(r.cells, unsafeString(f))
			}
		}
		r.b.Append(int64(p.line), r.cells, problem)
		r.rows++
	}
	// Cells that are not valid UTF-8 are decoded as Windows-1252: checked a
	// column at a time, since nearly every batch is valid throughout.
	r.b.fixUTF8(r.cell)
	if r.done && r.rows == 0 && r.bodySeen {
		r.err = &RowError{Source: r.name, Err: fmt.Errorf("%w: the file has a header and more lines but no row could be read from them", ErrUnreadable)}
		return false
	}
	return r.emit()
}

func (r *csvReader) Release() { r.release() }

// unsafeString views b as a string without copying; the batch builder
// copies the cell before b changes.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
