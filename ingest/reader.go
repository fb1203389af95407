package ingest

import (
	"context"
	"fmt"
	"strings"

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
type batchBuilder struct {
	mem      memory.Allocator
	schema   *arrow.Schema
	cols     []*array.StringBuilder
	rows     *array.Int64Builder
	problems *array.StringBuilder
	n        int
	dataLen  []int // bytes each column held in the last batch
}

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

func newBatchBuilder(mem memory.Allocator, header []string) *batchBuilder {
	fields := make([]arrow.Field, 0, len(header)+2)
	for _, h := range header {
		fields = append(fields, arrow.Field{Name: h, Type: arrow.BinaryTypes.String})
	}
	fields = append(fields,
		arrow.Field{Name: RowColumn, Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: ProblemColumn, Type: arrow.BinaryTypes.String})
	b := &batchBuilder{mem: mem, schema: arrow.NewSchema(fields, nil)}
	b.cols = make([]*array.StringBuilder, len(header))
	for i := range header {
		b.cols[i] = array.NewStringBuilder(mem)
	}
	b.rows = array.NewInt64Builder(mem)
	b.problems = array.NewStringBuilder(mem)
	return b
}

// Append adds one row. Missing trailing fields are empty; extra fields are
// dropped (the caller reports the field count in problem).
func (b *batchBuilder) Append(row int64, fields []string, problem string) {
	for i, c := range b.cols {
		if i < len(fields) {
			c.Append(fields[i])
		} else {
			c.Append("")
		}
	}
	b.rows.Append(row)
	b.problems.Append(problem)
	b.n++
}

func (b *batchBuilder) Len() int { return b.n }

// NewRecord hands over the accumulated rows and resets the builder.
func (b *batchBuilder) NewRecord() arrow.RecordBatch {
	arrs := make([]arrow.Array, 0, len(b.cols)+2)
	if len(b.dataLen) != len(b.cols) {
		b.dataLen = make([]int, len(b.cols))
	}
	for i, c := range b.cols {
		b.dataLen[i] = c.DataLen()
		arrs = append(arrs, c.NewArray())
	}
	arrs = append(arrs, b.rows.NewArray(), b.problems.NewArray())
	rec := array.NewRecordBatch(b.schema, arrs, int64(b.n))
	for _, a := range arrs {
		a.Release()
	}
	// The next batch is sized like this one: reserving up front saves the
	// builders' repeated grow-and-copy.
	for i, c := range b.cols {
		c.Reserve(b.n)
		c.ReserveData(b.dataLen[i] + b.dataLen[i]/8)
	}
	b.rows.Reserve(b.n)
	b.n = 0
	return rec
}

func (b *batchBuilder) Release() {
	for _, c := range b.cols {
		c.Release()
	}
	b.rows.Release()
	b.problems.Release()
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
