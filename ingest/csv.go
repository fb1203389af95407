package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
}

// MaxRecordBytes bounds one delimited record (all its lines). A record
// grows past it only when a quote is never closed and the rest of the file
// runs into one field; the file is then refused rather than held in memory.
const MaxRecordBytes = 16 << 20

type csvReader struct {
	batchState
	name   string
	r      *csv.Reader
	guard  *recordGuard
	done   bool
	latin1 bool
	fields []string
	// lastLine is the last line of the previous record.
	lastLine int
}

// endLine is the line a record just read ends on: where its last field
// starts plus the newlines inside that (quoted) field.
func (r *csvReader) endLine(rec []string) int {
	last := len(rec) - 1
	l, _ := r.r.FieldPos(last)
	// An unclosed quote runs to the end of the file and keeps its last
	// newline; that newline ends the last line rather than starting one.
	return l + strings.Count(strings.TrimSuffix(rec[last], "\n"), "\n")
}

// readError turns a read failure into one located file error. row is
// where the failing record starts when the error does not say.
func (r *csvReader) readError(err error, row int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		row, err = pe.StartLine, pe.Err
	}
	if errors.Is(err, ErrUnreadable) {
		return &RowError{Source: r.name, Row: int64(row), Err: err}
	}
	return &RowError{Source: r.name, Row: int64(row), Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
}

// recordGuard counts the bytes read since n was last reset (at the start of
// each record) and fails once one record passes MaxRecordBytes. The reader
// above it buffers ahead, so the bound holds within that buffer's size.
type recordGuard struct {
	r io.Reader
	n int64
}

var errRecordTooLong = fmt.Errorf("%w: a record longer than %d MiB (a quote that is never closed?)", ErrUnreadable, MaxRecordBytes>>20)

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > MaxRecordBytes+(2<<20) {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// NewCSVReader reads delimited text from r. name is used in errors. Blank
// lines before the header and a UTF-8 byte-order mark are skipped.
func NewCSVReader(ctx context.Context, r io.Reader, name string, opt CSVOptions) (Reader, error) {
	guard := &recordGuard{r: r}
	br := bufio.NewReaderSize(guard, 1<<20)
	// Peek enough to sniff the delimiter and check the text is text.
	peek, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
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
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	rd := &csvReader{batchState: batchState{ctx: ctx}, name: name, r: cr, guard: guard, latin1: opt.Latin1}
	guard.n = 0
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the file has no header row", ErrUnreadable)}
		}
		return nil, rd.readError(err, 1)
	}
	rd.lastLine = rd.endLine(rec)
	hdr := make([]string, len(rec))
	for i, f := range rec {
		hdr[i] = rd.cell(f)
	}
	rd.header = uniqueHeader(hdr)
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
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
	for _, l := range bytes.Split(p, []byte("\n")) {
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

func (r *csvReader) Next() bool {
	if r.done || !r.begin() {
		return false
	}
	for !r.b.Full() {
		r.guard.n = 0
		rec, err := r.r.Read()
		if errors.Is(err, io.EOF) {
			r.done = true
			break
		}
		if err != nil {
			r.err = r.readError(err, r.lastLine+1)
			return false
		}
		line, _ := r.r.FieldPos(0)
		last := r.endLine(rec)
		r.lastLine = last
		fields := rec
		if r.latin1 {
			r.fields = r.fields[:0]
			for _, f := range rec {
				r.fields = append(r.fields, r.cell(f))
			}
			fields = r.fields
		}
		problem := ""
		if len(rec) != len(r.header) {
			problem = fmt.Sprintf("%v: %d fields, the header has %d", ErrFieldCount, len(rec), len(r.header))
			if last > line {
				// A quote opened and closed lines later (or never): say so,
				// since the lines in between are inside this one record.
				problem += fmt.Sprintf(" (a quoted field runs from line %d to line %d: an unbalanced quote?)", line, last)
			}
		}
		r.b.Append(int64(line), fields, problem)
	}
	// Cells that are not valid UTF-8 are decoded as Windows-1252: checked a
	// column at a time, since nearly every batch is valid throughout.
	r.b.fixUTF8(r.cell)
	return r.emit()
}

func (r *csvReader) Release() { r.release() }
