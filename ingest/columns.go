package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Batches are built in plain slices and wrapped as Arrow buffers when cut,
// rather than with arrow-go's builders: their per-value checks and
// bookkeeping cost more than the parse and the row rules. A column's
// slices belong to the array made from them; the next batch gets fresh
// ones, sized like the last.

// validity is an Arrow validity bitmap being built, one bit a row.
type validity struct {
	bits  []byte
	nulls int
}

func (v *validity) reset(rows int) {
	v.bits, v.nulls = make([]byte, 0, (rows+7)/8), 0
}

// add records row i (rows come in order from 0) as valid or null.
func (v *validity) add(i int, ok bool) {
	if i&7 == 0 {
		v.bits = append(v.bits, 0)
	}
	if ok {
		v.bits[i>>3] |= 1 << (i & 7)
	} else {
		v.nulls++
	}
}

// buffer is the bitmap, or nil when no row is null (as Arrow allows).
func (v *validity) buffer() *memory.Buffer {
	if v.nulls == 0 {
		return nil
	}
	return memory.NewBufferBytes(v.bits)
}

// strCol is one Utf8 column being built: n+1 offsets and the bytes, and
// for a nullable column the validity.
type strCol struct {
	offsets  []int32
	data     []byte
	nullable bool
	valid    validity
}

func (c *strCol) reset(rows, bytes int) {
	c.offsets = make([]int32, 1, rows+1)
	c.data = make([]byte, 0, bytes)
	if c.nullable {
		c.valid.reset(rows)
	}
}

func (c *strCol) append(s string) {
	c.data = append(c.data, s...)
	c.offsets = append(c.offsets, int32(len(c.data)))
	if c.nullable {
		c.valid.add(len(c.offsets)-2, true)
	}
}

// appendOrNull appends s, or a null for "" (the column must be nullable).
func (c *strCol) appendOrNull(s string) {
	if s != "" {
		c.append(s)
		return
	}
	c.offsets = append(c.offsets, int32(len(c.data)))
	c.valid.add(len(c.offsets)-2, false)
}

// array wraps the column's slices without copying.
func (c *strCol) array() arrow.Array {
	var valid *memory.Buffer
	nulls := 0
	if c.nullable {
		valid, nulls = c.valid.buffer(), c.valid.nulls
	}
	d := array.NewData(arrow.BinaryTypes.String, len(c.offsets)-1, []*memory.Buffer{
		valid,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)),
		memory.NewBufferBytes(c.data),
	}, nil, nulls, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// numCol is one fixed-width column being built.
type numCol[T int32 | int64 | float64] struct {
	vals     []T
	nullable bool
	valid    validity
}

func (c *numCol[T]) reset(rows int) {
	c.vals = make([]T, 0, rows)
	if c.nullable {
		c.valid.reset(rows)
	}
}

func (c *numCol[T]) append(v T) {
	c.vals = append(c.vals, v)
	if c.nullable {
		c.valid.add(len(c.vals)-1, true)
	}
}

func (c *numCol[T]) appendNull() {
	c.vals = append(c.vals, 0)
	c.valid.add(len(c.vals)-1, false)
}

func (c *numCol[T]) array() arrow.Array {
	var valid *memory.Buffer
	nulls := 0
	if c.nullable {
		valid, nulls = c.valid.buffer(), c.valid.nulls
	}
	var (
		typ  arrow.DataType
		vals []byte
	)
	switch v := any(c.vals).(type) {
	case []int32:
		typ, vals = arrow.PrimitiveTypes.Int32, arrow.Int32Traits.CastToBytes(v)
	case []int64:
		typ, vals = arrow.PrimitiveTypes.Int64, arrow.Int64Traits.CastToBytes(v)
	case []float64:
		typ, vals = arrow.PrimitiveTypes.Float64, arrow.Float64Traits.CastToBytes(v)
	}
	d := array.NewData(typ, len(c.vals), []*memory.Buffer{valid, memory.NewBufferBytes(vals)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
