package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxJSONLine bounds one JSON line; a longer line is a row problem, read
// past without holding it.
const maxJSONLine = 16 << 20

// jsonRow is one parsed line: its keys in order and their cell text, or
// the reason it could not be read.
type jsonRow struct {
	line    int64
	keys    []string
	vals    []string
	problem string
}

// maxAheadBytes bounds the cell bytes of the records read ahead while the
// header is being found.
const maxAheadBytes = 64 << 20

// jsonRows is a source of JSON records: the lines of a JSON lines file,
// or the elements of a top-level array or object.
type jsonRows interface {
	// next returns the next record; ok is false at the end.
	next() (row jsonRow, ok bool, err error)
}

type jsonReader struct {
	batchState
	name   string
	src    jsonRows
	kind   string         // "jsonl" or "json"
	index  map[string]int // raw key -> column
	ahead  []jsonRow      // rows read while finding the header
	done   bool
	fields []string
}

// NewJSONLReader reads JSON lines (one object per line). The header is the
// keys of the first object in order of appearance, then any other key met
// in the first BatchSize lines (or the first 64 MiB of them), in order of
// appearance; keys first seen later are ignored. Strings are kept as they
// are, integral numbers are written without exponent or fraction (85000,
// not 8.5e4 or 85000.0), other numbers as written (or in plain decimal
// notation when the source used an exponent), true/false as such, null as
// an empty cell, and nested objects or arrays as their compact JSON text.
// A line that is not a JSON object becomes a row with a problem, not a
// file error. Blank lines are skipped. Row numbers are the line number
// plus one, so that the first object counts as row 2, as the first data
// line of a CSV with a header does. A file with more than MaxColumns
// distinct keys is refused; an object with more is a row problem.
func NewJSONLReader(ctx context.Context, r io.Reader, name string) (Reader, error) {
	br, err := jsonPeek(r, name)
	if err != nil {
		return nil, err
	}
	return newJSONReader(ctx, &jsonLines{name: name, br: br}, name, "jsonl")
}

// NewJSONReader reads JSON in any of three shapes, told apart by the first
// bytes: a top-level array of objects, one object whose members are
// objects (rows keyed by a row id, as pandas' to_json(orient="index")
// writes), or JSON lines. Arrays and objects are streamed token by token,
// never decoded whole. Their header and cells follow NewJSONLReader's
// rules; a row's number is its 1-based element index plus one, so the
// first element is row 2 as in a CSV with a header (the member names of
// an object of objects are not kept). An element that is not an object is
// a row problem; JSON that breaks off or does not parse mid-stream fails
// the file, since the stream cannot be resynchronized.
func NewJSONReader(ctx context.Context, r io.Reader, name string) (Reader, error) {
	br, err := jsonPeek(r, name)
	if err != nil {
		return nil, err
	}
	peek, perr := br.Peek(64 << 10)
	switch jsonShape(peek, perr != nil) {
	case '[', '{':
		g := &recordGuard{r: br}
		dec := json.NewDecoder(g)
		dec.UseNumber()
		t, err := dec.Token()
		if err != nil {
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: malformed JSON: %v", ErrUnreadable, err)}
		}
		open, _ := t.(json.Delim)
		return newJSONReader(ctx, &jsonStream{name: name, dec: dec, guard: g, open: open}, name, "json")
	}
	return newJSONReader(ctx, &jsonLines{name: name, br: br}, name, "jsonl")
}

// jsonPeek checks the input is text and skips a byte-order mark.
func jsonPeek(r io.Reader, name string) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	peek, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &RowError{Source: name, Err: unreadable(err)}
	}
	peek = bytes.TrimPrefix(peek, []byte("\ufeff"))
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the file is empty", ErrUnreadable)}
	}
	if looksBinary(peek) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: it is binary data, not JSON", ErrUnreadable)}
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	return br, nil
}

// jsonShape tells the shape from the first bytes: '[' for an array, '{'
// for an object of objects, 'l' for JSON lines. A file starting with '{'
// is an object of objects when its first member's value is an object and
// its first line is not one whole JSON value with more lines after it
// (that is JSON lines, whose first record happens to start with an
// object). all says p holds the whole file.
func jsonShape(p []byte, all bool) byte {
	p = bytes.TrimPrefix(p, []byte("\ufeff"))
	p = bytes.TrimLeft(p, " \t\r\n")
	if len(p) == 0 {
		return 'l'
	}
	if p[0] == '[' {
		return '['
	}
	if p[0] != '{' {
		return 'l'
	}
	dec := json.NewDecoder(bytes.NewReader(p))
	if _, err := dec.Token(); err != nil {
		return 'l'
	}
	if k, err := dec.Token(); err != nil {
		return 'l'
	} else if _, ok := k.(string); !ok {
		return 'l'
	}
	if v, err := dec.Token(); err != nil || v != json.Delim('{') {
		return 'l'
	}
	first, rest, found := bytes.Cut(p, []byte("\n"))
	if !found && !all {
		return '{' // one line longer than the peek: not a JSON line
	}
	if json.Valid(bytes.TrimSpace(first)) && len(bytes.TrimSpace(rest)) > 0 {
		return 'l'
	}
	return '{'
}

func newJSONReader(ctx context.Context, src jsonRows, name, kind string) (Reader, error) {
	rd := &jsonReader{batchState: batchState{ctx: ctx}, name: name, src: src, kind: kind, index: map[string]int{}}
	var keys []string
	held := 0
	for len(rd.ahead) < BatchSize && held < maxAheadBytes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row, ok, err := src.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			rd.done = true
			break
		}
		for i, k := range row.keys {
			if _, seen := rd.index[k]; !seen {
				if len(keys) == MaxColumns {
					return nil, &RowError{Source: name, Row: row.line + 1, Err: fmt.Errorf("%w: more than %d distinct keys in the first records; payband reads at most %d columns", ErrUnreadable, MaxColumns, MaxColumns)}
				}
				rd.index[k] = len(keys)
				keys = append(keys, k)
			}
			held += len(k) + len(row.vals[i]) + 32
		}
		rd.ahead = append(rd.ahead, row)
	}
	if len(keys) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: no JSON object found in the first %d records", ErrUnreadable, len(rd.ahead))}
	}
	rd.header = uniqueHeader(keys)
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
}

// jsonLines reads JSON lines.
type jsonLines struct {
	name    string
	br      *bufio.Reader
	line    int64
	scratch []byte
}

// next returns the next non-blank line, parsed.
func (r *jsonLines) next() (jsonRow, bool, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return jsonRow{}, false, &RowError{Source: r.name, Row: r.line + 1, Err: unreadable(err)}
		}
		if line == nil && !tooLong && errors.Is(err, io.EOF) {
			return jsonRow{}, false, nil
		}
		r.line++
		if tooLong {
			return jsonRow{line: r.line, problem: fmt.Sprintf("line longer than %d bytes", maxJSONLine)}, true, nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			if errors.Is(err, io.EOF) {
				return jsonRow{}, false, nil
			}
			continue
		}
		row := parseJSONObject(line)
		row.line = r.line
		return row, true, nil
	}
}

// readLine returns one line without its end; nil at the end of input.
// A line longer than maxJSONLine is skipped and reported as tooLong.
func (r *jsonLines) readLine() (line []byte, tooLong bool, err error) {
	r.scratch = r.scratch[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.scratch)+len(chunk) > maxJSONLine {
			tooLong = true
			r.scratch = r.scratch[:0]
		} else if !tooLong {
			r.scratch = append(r.scratch, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil:
			if len(r.scratch) == 0 && !tooLong {
				return nil, false, err
			}
			return bytes.TrimRight(r.scratch, "\r\n"), tooLong, err
		}
		return bytes.TrimRight(r.scratch, "\r\n"), tooLong, nil
	}
}

// recordGuard counts the bytes read since n was last reset (at the start
// of each record) and fails once one record passes MaxRecordBytes. The
// decoder above it reads ahead in chunks, so the bound holds within that.
type recordGuard struct {
	r io.Reader
	n int64
}

var errRecordTooLong = fmt.Errorf("%w: a JSON element longer than %d MiB", ErrUnreadable, MaxRecordBytes>>20)

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > MaxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// jsonStream reads the elements of a top-level array, or the members of
// a top-level object, one at a time.
type jsonStream struct {
	name  string
	dec   *json.Decoder
	guard *recordGuard
	open  json.Delim // '[' or '{'
	n     int64      // elements read
	done  bool
}

func (s *jsonStream) fail(err error) error {
	switch {
	case errors.Is(err, ErrUnreadable):
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("%w: malformed JSON: the %s is cut short", ErrUnreadable, map[json.Delim]string{'[': "array", '{': "object"}[s.open])
	default:
		err = fmt.Errorf("%w: malformed JSON: %v", ErrUnreadable, err)
	}
	return &RowError{Source: s.name, Row: s.n + 1, Err: err}
}

func (s *jsonStream) next() (jsonRow, bool, error) {
	if s.done {
		return jsonRow{}, false, nil
	}
	if !s.dec.More() {
		if _, err := s.dec.Token(); err != nil { // the closing bracket
			return jsonRow{}, false, s.fail(err)
		}
		if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
			s.n++
			return jsonRow{}, false, s.fail(errors.New("data after the top-level value"))
		}
		s.done = true
		return jsonRow{}, false, nil
	}
	s.n++
	s.guard.n = 0
	row := jsonRow{line: s.n}
	var member string
	if s.open == '{' {
		t, err := s.dec.Token()
		if err != nil {
			return row, false, s.fail(err)
		}
		member, _ = t.(string)
	}
	t, err := s.dec.Token()
	if err != nil {
		return row, false, s.fail(err)
	}
	d, isDelim := t.(json.Delim)
	switch {
	case isDelim && d == '{':
	case isDelim && d == '[':
		if err := s.skip(1); err != nil {
			return row, false, s.fail(err)
		}
		row.problem = s.notObject(member)
		return row, true, nil
	default:
		row.problem = s.notObject(member)
		return row, true, nil
	}
	pos := map[string]int{}
	for s.dec.More() {
		kt, err := s.dec.Token()
		if err != nil {
			return row, false, s.fail(err)
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := s.dec.Decode(&raw); err != nil {
			return row, false, s.fail(err)
		}
		if row.problem != "" {
			continue // past the key cap: read through, keep nothing
		}
		v := renderJSON(raw)
		if i, dup := pos[k]; dup {
			row.vals[i] = v
			continue
		}
		if len(row.keys) == MaxColumns {
			row.keys, row.vals = nil, nil
			row.problem = fmt.Sprintf("the object has more than %d keys", MaxColumns)
			continue
		}
		pos[k] = len(row.keys)
		row.keys = append(row.keys, k)
		row.vals = append(row.vals, v)
	}
	if _, err := s.dec.Token(); err != nil {
		return row, false, s.fail(err)
	}
	if s.n == 1 && s.open == '{' && columnOriented(row.keys) {
		return row, false, &RowError{Source: s.name, Err: fmt.Errorf("%w: the JSON object holds columns keyed by row index (pandas orient=\"columns\"), not rows; write it as an array of records", ErrUnreadable)}
	}
	return row, true, nil
}

// skip reads past the rest of an array or object whose opening bracket
// was read (depth open brackets).
func (s *jsonStream) skip(depth int) error {
	for depth > 0 {
		t, err := s.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func (s *jsonStream) notObject(member string) string {
	if s.open == '{' {
		return fmt.Sprintf("the value of %q is not a JSON object", member)
	}
	return "the array element is not a JSON object"
}

// columnOriented reports keys "0", "1", ...: the first member of an
// object of columns, each holding its values by row index.
func columnOriented(keys []string) bool {
	if len(keys) == 0 {
		return false
	}
	for i, k := range keys {
		if i == 2 {
			break
		}
		if k != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

// parseJSONObject reads one object keeping its key order.
func parseJSONObject(line []byte) jsonRow {
	var row jsonRow
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	bad := func(err error) jsonRow {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return jsonRow{problem: "malformed JSON: the object is cut short"}
		}
		return jsonRow{problem: fmt.Sprintf("malformed JSON: %v", err)}
	}
	t, err := dec.Token()
	if err != nil {
		return bad(err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return jsonRow{problem: "the line is not a JSON object"}
	}
	pos := map[string]int{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return bad(err)
		}
		v := renderJSON(raw)
		if i, dup := pos[k]; dup {
			row.vals[i] = v // the last of repeated keys wins, as in encoding/json
			continue
		}
		if len(row.keys) == MaxColumns {
			return jsonRow{problem: fmt.Sprintf("the object has more than %d keys", MaxColumns)}
		}
		pos[k] = len(row.keys)
		row.keys = append(row.keys, k)
		row.vals = append(row.vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return bad(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jsonRow{problem: "malformed JSON: data after the object"}
	}
	return row
}

// renderJSON turns one JSON value into cell text.
func renderJSON(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return string(raw)
		}
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		return s
	case 'n':
		return ""
	case 't', 'f':
		return string(raw)
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return string(raw)
		}
		return buf.String()
	}
	return renderNumber(string(raw))
}

// renderNumber writes integral numbers without exponent or fraction and
// other numbers without exponent.
func renderNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	if strings.ContainsAny(s, "eE") {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

func (r *jsonReader) append(row jsonRow) {
	r.fields = r.fields[:0]
	for range r.header {
		r.fields = append(r.fields, "")
	}
	for i, k := range row.keys {
		if j, ok := r.index[k]; ok {
			r.fields[j] = row.vals[i]
		}
	}
	r.b.Append(row.line+1, r.fields, row.problem)
}

func (r *jsonReader) Next() bool {
	if !r.begin() {
		return false
	}
	for len(r.ahead) > 0 && !r.b.Full() {
		r.append(r.ahead[0])
		r.ahead[0] = jsonRow{}
		r.ahead = r.ahead[1:]
	}
	for !r.done && !r.b.Full() {
		row, ok, err := r.src.next()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			break
		}
		r.append(row)
	}
	return r.emit()
}

func (r *jsonReader) Release() {
	r.release()
	r.ahead = nil
}

// Kind is "json" for an array or object of records, "jsonl" for lines.
func (r *jsonReader) Kind() string { return r.kind }
