package ingest

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchSize is the number of rows a Reader puts in one record batch. It bounds
// memory: a reader holds at most one batch of raw strings at a time.
const BatchSize = 8192

// RowColumn is the name of the int64 column every Reader adds to its batches:
// the row's position in the file as a person finds it (the line number of a
// delimited-text record, the sheet row of a spreadsheet). Formats without a
// header line count as if the header were row 1: a JSON line's row is its
// line number + 1 and a Parquet record's row is its 1-based index + 1, so
// the same data gets the same row numbers in every format.
const RowColumn = "__row"

// Reader streams a tabular file as bounded Arrow record batches. Every batch
// has one Utf8 column per source column, named as in the file's header (after
// trimming and BOM removal; duplicate names get a "_2", "_3" suffix), plus the
// int64 RowColumn. Empty cells are empty strings, never nulls.
//
// The shape follows arrow-go's array.RecordReader: call Next until it returns
// false, use Record for the current batch (valid until the next call to Next),
// then check Err and call Release.
type Reader interface {
	// Header is the source's column names in file order (without RowColumn).
	Header() []string
	Next() bool
	Record() arrow.RecordBatch
	Err() error
	Release()
}

// ProblemColumn is the Utf8 column every Reader adds beside RowColumn: ""
// for a well-formed row, else why the row could not be split into the
// header's fields (for example a wrong field count). Such rows are rejected
// with that reason rather than guessed at.
const ProblemColumn = "__problem"

// batchBuilder accumulates raw rows into one Arrow record batch of Utf8
// columns. Every format's reader uses it so batches look the same.
//
// It fills plain slices and wraps them as Arrow buffers when the batch is
// cut, instead of using arrow-go's StringBuilder: its per-value checks and
// offset bookkeeping cost more than the CSV parse itself. Each batch gets
// fresh slices (sized like the last), since a consumer may Retain a batch
// past the next Next.
type batchBuilder struct {
	schema   *arrow.Schema
	cols     []strCol
	rows     numCol[int64]
	problems strCol
	n        int
	bytes    int // string bytes in the batch so far
	maxBytes int // maxBatchBytes, or less in tests (CSVOptions.maxBatchBytes)
	// skip marks the columns a reader told to leave out (xlsxReader's
	// Project) hands on empty: they are not appended to, and every batch
	// gives them one shared run of zero offsets (zeros).
	skip  []bool
	zeros []int32
}

// maxBatchBytes cuts a batch early when its cells hold this many bytes, so
// a file of huge cells cannot build a batch of gigabytes (and the int32
// offsets of a Utf8 column never overflow: one record is at most
// MaxRecordBytes).
const maxBatchBytes = 64 << 20

// maxBatchCells cuts a batch early on wide files: every cell costs an
// offset and a slot whatever its text, so 16,384 columns of 8,192 rows
// would be 134 M cells (gigabytes) before a byte of text counts.
var maxBatchCells = 1 << 20

// uniqueHeader trims names and makes duplicates unique ("a", "a_2", ...),
// so every column stays addressable by name.
func uniqueHeader(names []string) []string {
	out := make([]string, len(names))
	seen := make(map[string]int, len(names))
	for i, n := range names {
		n = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
		if n == "" {
			n = fmt.Sprintf("column_%d", i+1)
		}
		seen[n]++
		if c := seen[n]; c > 1 {
			n = fmt.Sprintf("%s_%d", n, c)
		}
		out[i] = n
	}
	return out
}

func newBatchBuilder(header []string) *batchBuilder {
	fields := make([]arrow.Field, 0, len(header)+2)
	for _, h := range header {
		fields = append(fields, arrow.Field{Name: h, Type: arrow.BinaryTypes.String})
	}
	fields = append(fields,
		arrow.Field{Name: RowColumn, Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: ProblemColumn, Type: arrow.BinaryTypes.String})
	b := &batchBuilder{schema: arrow.NewSchema(fields, nil), cols: make([]strCol, len(header)), maxBytes: maxBatchBytes}
	b.reset(nil)
	return b
}

// reset starts a batch, sizing each column like the last batch's (dataLen;
// nil for the first) plus an eighth, so the slices rarely grow.
func (b *batchBuilder) reset(dataLen []int) {
	rows := min(BatchSize/8, maxBatchCells/max(len(b.cols), 1)+1)
	if b.n > 0 {
		rows = b.n
	}
	for i := range b.cols {
		n := 0
		if dataLen != nil {
			n = dataLen[i] + dataLen[i]/8
		}
		b.cols[i].reset(rows, n)
	}
	b.rows.reset(rows)
	b.problems.reset(rows, 0)
	b.n, b.bytes = 0, 0
}

// Append adds one row. Missing trailing fields are empty; extra fields are
// dropped (the caller reports the field count in problem).
func (b *batchBuilder) Append(row int64, fields []string, problem string) {
	for i := range b.cols {
		if b.skip != nil && b.skip[i] {
			continue
		}
		if i < len(fields) {
			b.cols[i].append(fields[i])
			b.bytes += len(fields[i])
		} else {
			b.cols[i].append("")
		}
	}
	b.rows.append(row)
	b.problems.append(problem)
	b.n++
}

func (b *batchBuilder) Len() int { return b.n }

// fixUTF8 rewrites, in every column holding bytes that are not valid
// UTF-8, each cell through decode. One utf8.Valid over a column's bytes
// costs a fraction of one call a cell.
func (b *batchBuilder) fixUTF8(decode func(string) string) {
	for i := range b.cols {
		c := &b.cols[i]
		if utf8.Valid(c.data) {
			continue
		}
		old := *c
		c.reset(len(old.offsets)-1, len(old.data)+len(old.data)/8)
		for j := 1; j < len(old.offsets); j++ {
			cell := string(old.data[old.offsets[j-1]:old.offsets[j]])
			if !utf8.ValidString(cell) {
				cell = decode(cell)
			}
			c.append(cell)
		}
	}
}

// Full reports whether the batch should be cut: BatchSize rows,
// maxBatchBytes of cells, or maxBatchCells cells.
func (b *batchBuilder) Full() bool {
	return b.n >= BatchSize || b.bytes >= b.maxBytes || b.n*len(b.cols) >= maxBatchCells
}

// NewRecord hands over the accumulated rows and starts the next batch.
func (b *batchBuilder) NewRecord() arrow.RecordBatch {
	arrs := make([]arrow.Array, 0, len(b.cols)+2)
	dataLen := make([]int, len(b.cols))
	for i := range b.cols {
		if b.skip != nil && b.skip[i] {
			arrs = append(arrs, b.emptyColumn())
			continue
		}
		dataLen[i] = len(b.cols[i].data)
		arrs = append(arrs, b.cols[i].array())
	}
	arrs = append(arrs, b.rows.array(), b.problems.array())
	rec := array.NewRecordBatch(b.schema, arrs, int64(b.n))
	for _, a := range arrs {
		a.Release()
	}
	b.reset(dataLen)
	return rec
}

// Skip tells the builder which columns (0-based) its reader leaves out:
// Append ignores their fields and every batch has them empty.
func (b *batchBuilder) Skip(skip []bool) {
	b.skip = skip
	b.zeros = make([]int32, BatchSize+1)
}

// emptyColumn is a column of b.n empty strings over the shared zero
// offsets; arrays never write to their buffers, so all may share them.
func (b *batchBuilder) emptyColumn() arrow.Array {
	if b.n+1 > len(b.zeros) {
		b.zeros = make([]int32, b.n+1)
	}
	d := array.NewData(arrow.BinaryTypes.String, b.n, []*memory.Buffer{
		nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(b.zeros[:b.n+1])),
		memory.NewBufferBytes([]byte{}), // empty, but not a nil pointer for a C reader
	}, nil, 0, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// Release drops the batch being built; its slices are garbage collected.
func (b *batchBuilder) Release() {
	b.cols, b.rows, b.problems = nil, numCol[int64]{}, strCol{}
}

// batchState is what every Reader keeps between calls: the header, the
// builder, the batch handed out and the first error. Readers embed it and
// supply Next (and Release, when they hold more than this).
type batchState struct {
	ctx    context.Context
	header []string
	b      *batchBuilder
	cur    arrow.RecordBatch
	err    error
}

func (s *batchState) Header() []string          { return s.header }
func (s *batchState) Record() arrow.RecordBatch { return s.cur }
func (s *batchState) Err() error                { return s.err }

// begin drops the batch handed out last and reports whether reading may go
// on: no earlier error and the context still live.
func (s *batchState) begin() bool {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	if s.err != nil {
		return false
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return false
	}
	return true
}

// emit hands over the rows accumulated since begin, if there are any.
func (s *batchState) emit() bool {
	if s.b.Len() == 0 {
		return false
	}
	s.cur = s.b.NewRecord()
	return true
}

// release frees the current batch and the builder.
func (s *batchState) release() {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	if s.b != nil {
		s.b.Release()
	}
}
