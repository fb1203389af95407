package clickhouse

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// kind is a column's type, the same on both sides: DuckDB's in the export
// query, ClickHouse's in the table.
type kind int

const (
	kString kind = iota
	kInt32
	kInt64
	kFloat64
	kBool // UInt8 in ClickHouse
)

// column is one column of an exported table.
type column struct {
	name string
	kind kind
	null bool // Nullable in ClickHouse
}

// chType is the column's ClickHouse type.
func (c column) chType() string {
	t := [...]string{kString: "String", kInt32: "Int32", kInt64: "Int64", kFloat64: "Float64", kBool: "UInt8"}[c.kind]
	if c.null {
		return "Nullable(" + t + ")"
	}
	return t
}

// duckType is the column's DuckDB type, for the cast in the export query.
func (c column) duckType() string {
	return [...]string{kString: "VARCHAR", kInt32: "INTEGER", kInt64: "BIGINT", kFloat64: "DOUBLE", kBool: "BOOLEAN"}[c.kind]
}

// rowEncoder writes rows of an Arrow batch as ClickHouse RowBinary: each
// value in column order, little-endian numbers, strings as a varint length
// and the bytes, and a Nullable value led by one byte (1 for null).
type rowEncoder struct {
	cols []column
	vals []func(w *bufio.Writer, r int)
	null []arrow.Array
}

// stringArray is what DuckDB hands a VARCHAR over as: String, LargeString
// or StringView.
type stringArray interface {
	arrow.Array
	Value(i int) string
}

// bind prepares enc for rec, checking each column's Arrow type.
func (enc *rowEncoder) bind(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != len(enc.cols) {
		return fmt.Errorf("%d columns, want %d", rec.NumCols(), len(enc.cols))
	}
	enc.vals = enc.vals[:0]
	enc.null = enc.null[:0]
	var buf [binary.MaxVarintLen64]byte
	for i, c := range enc.cols {
		a := rec.Column(i)
		if !c.null && a.NullN() > 0 {
			return fmt.Errorf("column %s has %d null values, and its table column is not Nullable", c.name, a.NullN())
		}
		var f func(w *bufio.Writer, r int)
		ok := true
		switch c.kind {
		case kString:
			s, is := a.(stringArray)
			ok = is
			f = func(w *bufio.Writer, r int) {
				v := s.Value(r)
				n := binary.PutUvarint(buf[:], uint64(len(v)))
				w.Write(buf[:n])
				w.WriteString(v)
			}
		case kInt32:
			x, is := a.(*array.Int32)
			ok = is
			f = func(w *bufio.Writer, r int) {
				w.Write(binary.LittleEndian.AppendUint32(buf[:0], uint32(x.Value(r))))
			}
		case kInt64:
			x, is := a.(*array.Int64)
			ok = is
			f = func(w *bufio.Writer, r int) {
				w.Write(binary.LittleEndian.AppendUint64(buf[:0], uint64(x.Value(r))))
			}
		case kFloat64:
			x, is := a.(*array.Float64)
			ok = is
			f = func(w *bufio.Writer, r int) {
				w.Write(binary.LittleEndian.AppendUint64(buf[:0], math.Float64bits(x.Value(r))))
			}
		case kBool:
			x, is := a.(*array.Boolean)
			ok = is
			f = func(w *bufio.Writer, r int) {
				b := byte(0)
				if x.Value(r) {
					b = 1
				}
				w.WriteByte(b)
			}
		}
		if !ok {
			return fmt.Errorf("column %s arrives as %s, want %s", c.name, a.DataType(), c.duckType())
		}
		enc.vals = append(enc.vals, f)
		if c.null {
			enc.null = append(enc.null, a)
		} else {
			enc.null = append(enc.null, nil)
		}
	}
	return nil
}

// write writes row r of the bound batch. bufio.Writer keeps the first
// error, which the caller's Flush returns.
func (enc *rowEncoder) write(w *bufio.Writer, r int) {
	for i, f := range enc.vals {
		if a := enc.null[i]; a != nil {
			if a.IsNull(r) {
				w.WriteByte(1)
				continue
			}
			w.WriteByte(0)
		}
		f(w, r)
	}
}

// rbString, rbInt64 and rbNullString write one RowBinary value of a row
// built in Go (a sources row, a snapshot name).
func rbString(w *bufio.Writer, s string) {
	var buf [binary.MaxVarintLen64]byte
	w.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
	w.WriteString(s)
}

func rbInt64(w *bufio.Writer, n int64) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(n))
	w.Write(buf[:])
}

func rbNullString(w *bufio.Writer, s *string) {
	if s == nil {
		w.WriteByte(1)
		return
	}
	w.WriteByte(0)
	rbString(w, *s)
}
