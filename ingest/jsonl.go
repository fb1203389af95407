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

type jsonlReader struct {
	batchState
	name    string
	br      *bufio.Reader
	line    int64
	index   map[string]int // raw key -> column
	ahead   []jsonRow      // rows read while finding the header
	done    bool
	fields  []string
	scratch []byte
}

// NewJSONLReader reads JSON lines (one object per line). The header is the
// keys of the first object in order of appearance, then any other key met
// in the first BatchSize lines, in order of appearance; keys first seen
// later are ignored. Strings are kept as they are, integral numbers are
// written without exponent or fraction (85000, not 8.5e4 or 85000.0),
// other numbers as written (or in plain decimal notation when the source
// used an exponent), true/false as such, null as an empty cell, and nested
// objects or arrays as their compact JSON text. A line that is not a JSON
// object becomes a row with a problem, not a file error. Blank lines are
// skipped. Row numbers are the line number plus one, so that the first
// object counts as row 2, as the first data line of a CSV with a header
// does.
func NewJSONLReader(ctx context.Context, r io.Reader, name string) (Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	peek, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
	}
	peek = bytes.TrimPrefix(peek, []byte("\ufeff"))
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the file is empty", ErrUnreadable)}
	}
	if looksBinary(peek) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: it is binary data, not JSON lines", ErrUnreadable)}
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	rd := &jsonlReader{batchState: batchState{ctx: ctx}, name: name, br: br, index: map[string]int{}}
	var keys []string
	for len(rd.ahead) < BatchSize {
		row, ok, err := rd.read()
		if err != nil {
			return nil, err
		}
		if !ok {
			rd.done = true
			break
		}
		for _, k := range row.keys {
			if _, seen := rd.index[k]; !seen {
				rd.index[k] = len(keys)
				keys = append(keys, k)
			}
		}
		rd.ahead = append(rd.ahead, row)
	}
	if len(keys) == 0 {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: no JSON object found in the first %d lines", ErrUnreadable, BatchSize)}
	}
	rd.header = uniqueHeader(keys)
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
}

// read returns the next non-blank line, parsed.
func (r *jsonlReader) read() (jsonRow, bool, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return jsonRow{}, false, &RowError{Source: r.name, Row: r.line + 1, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
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
func (r *jsonlReader) readLine() (line []byte, tooLong bool, err error) {
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

func (r *jsonlReader) append(row jsonRow) {
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

func (r *jsonlReader) Next() bool {
	if !r.begin() {
		return false
	}
	for len(r.ahead) > 0 && !r.b.Full() {
		r.append(r.ahead[0])
		r.ahead[0] = jsonRow{}
		r.ahead = r.ahead[1:]
	}
	for !r.done && !r.b.Full() {
		row, ok, err := r.read()
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

func (r *jsonlReader) Release() {
	r.release()
	r.ahead = nil
}
