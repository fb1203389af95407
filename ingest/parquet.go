package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

type parquetReader struct {
	batchState
	name   string
	pf     *file.Reader
	rr     pqarrow.RecordReader
	rows   int64 // data rows handed out so far
	fields []string
}

// NewParquetReader reads a Parquet file through pqarrow, one row group
// slice of at most BatchSize rows at a time, and renders every column as
// text: strings as they are, integers in decimal, floats without exponent
// (integral floats without a fraction), booleans as true/false, nulls as
// empty cells, other types as arrow-go prints them. Row numbers count the
// header as row 1, so the first record is row 2, as in a CSV with a header.
func NewParquetReader(ctx context.Context, r ReaderAtSeeker, name string) (rd Reader, err error) {
	defer func() {
		// The Parquet footer parser panics on some corrupt inputs.
		if p := recover(); p != nil {
			rd, err = nil, &RowError{Source: name, Err: fmt.Errorf("%w: not a readable Parquet file: %v", ErrUnreadable, p)}
		}
	}()
	pf, err := file.NewParquetReader(r)
	if err != nil {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: not a Parquet file: %v", ErrUnreadable, err)}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: BatchSize}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: Parquet schema: %v", ErrUnreadable, err)}
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
	}
	names := make([]string, 0, rr.Schema().NumFields())
	for _, f := range rr.Schema().Fields() {
		names = append(names, f.Name)
	}
	if len(names) == 0 {
		rr.Release()
		pf.Close()
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the Parquet file has no columns", ErrUnreadable)}
	}
	p := &parquetReader{batchState: batchState{ctx: ctx, header: uniqueHeader(names)}, name: name, pf: pf, rr: rr}
	p.b = newBatchBuilder(p.header)
	return p, nil
}

func (r *parquetReader) Next() bool {
	if !r.begin() {
		return false
	}
	if !r.rr.Next() {
		if err := r.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			r.err = &RowError{Source: r.name, Row: r.rows + 2, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
		}
		return false
	}
	rec := r.rr.RecordBatch()
	ncol := int(rec.NumCols())
	for i := 0; i < int(rec.NumRows()); i++ {
		r.fields = r.fields[:0]
		for j := 0; j < ncol; j++ {
			r.fields = append(r.fields, cellText(rec.Column(j), i))
		}
		r.rows++
		r.b.Append(r.rows+1, r.fields, "")
	}
	if r.b.Len() == 0 {
		return r.Next()
	}
	r.cur = r.b.NewRecord()
	return true
}

// cellText renders one Arrow value as the text a CSV would carry.
func cellText(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch c := a.(type) {
	case *array.String:
		return c.Value(i)
	case *array.LargeString:
		return c.Value(i)
	case *array.StringView:
		return c.Value(i)
	case *array.Binary:
		return string(c.Value(i))
	case *array.Int64:
		return strconv.FormatInt(c.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(c.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(c.Value(i)), 10)
	case *array.Int8:
		return strconv.FormatInt(int64(c.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(c.Value(i), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(c.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(c.Value(i)), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(c.Value(i)), 10)
	case *array.Float64:
		return floatText(c.Value(i), 64)
	case *array.Float32:
		return floatText(float64(c.Value(i)), 32)
	case *array.Boolean:
		return strconv.FormatBool(c.Value(i))
	case *array.Dictionary:
		return cellText(c.Dictionary(), c.GetValueIndex(i))
	}
	return a.ValueStr(i)
}

func floatText(f float64, bits int) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

func (r *parquetReader) Release() {
	r.release()
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
	}
	if r.pf != nil {
		_ = r.pf.Close()
		r.pf = nil
	}
}
