package ingest

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// zipMagic starts every XLSX file (an XLSX is a zip archive).
var zipMagic = []byte("PK\x03\x04")

type xlsxReader struct {
	batchState
	name string
	file *excelize.File
	rows *excelize.Rows
	row  int64 // sheet row number of the current row
	done bool
}

// NewXLSXReader reads one sheet of an XLSX workbook: sheet, or the first
// sheet when sheet is "". Cells are read as the spreadsheet displays them
// (number formats applied); a formula cell gives its cached value and is
// never evaluated. Blank rows before the header are skipped; row numbers
// are the sheet's own row numbers. The worksheet is streamed row by row
// (excelize spills large worksheets to a temporary file); the
// shared-strings table is held in memory, as every XLSX reader must.
// head is the file's first bytes, used to refuse non-zip data early.
func NewXLSXReader(ctx context.Context, path string, head []byte, sheet string) (Reader, error) {
	name := path
	if !bytes.HasPrefix(head, zipMagic) {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: not an XLSX file (not a zip archive)", ErrUnreadable)}
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: not a readable XLSX workbook: %v", ErrUnreadable, err)}
	}
	rd := &xlsxReader{batchState: batchState{ctx: ctx}, name: name, file: f}
	sheets := f.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			f.Close()
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the workbook has no sheets", ErrUnreadable)}
		}
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: the workbook has no sheet %q (it has %s)", ErrUnreadable, sheet, strings.Join(sheets, ", "))}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, &RowError{Source: name, Err: fmt.Errorf("%w: sheet %q: %v", ErrUnreadable, sheet, err)}
	}
	rd.rows = rows
	for {
		cells, ok, err := rd.next()
		if err != nil {
			rd.close()
			return nil, err
		}
		if !ok {
			rd.close()
			return nil, &RowError{Source: name, Err: fmt.Errorf("%w: sheet %q has no header row", ErrUnreadable, sheet)}
		}
		if !blankRow(cells) {
			rd.header = uniqueHeader(cells)
			break
		}
	}
	rd.b = newBatchBuilder(rd.header)
	return rd, nil
}

// next reads the next sheet row. Missing rows in the sheet come back as
// empty rows, so rd.row stays the sheet row number.
func (r *xlsxReader) next() ([]string, bool, error) {
	if !r.rows.Next() {
		if err := r.rows.Error(); err != nil {
			return nil, false, &RowError{Source: r.name, Row: r.row + 1, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
		}
		return nil, false, nil
	}
	r.row++
	cells, err := r.rows.Columns()
	if err != nil {
		return nil, false, &RowError{Source: r.name, Row: r.row, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
	}
	return cells, true, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (r *xlsxReader) Next() bool {
	if r.done || !r.begin() {
		return false
	}
	for !r.b.Full() {
		cells, ok, err := r.next()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			break
		}
		// Blank rows (spacing, or the formatted but empty tail many sheets
		// carry) are not records.
		if blankRow(cells) {
			continue
		}
		problem := ""
		if len(cells) > len(r.header) && !blankRow(cells[len(r.header):]) {
			problem = fmt.Sprintf("%v: %d cells, the header has %d", ErrFieldCount, len(cells), len(r.header))
		}
		r.b.Append(r.row, cells, problem)
	}
	return r.emit()
}

func (r *xlsxReader) close() {
	if r.rows != nil {
		_ = r.rows.Close()
		r.rows = nil
	}
	if r.file != nil {
		_ = r.file.Close()
		r.file = nil
	}
}

func (r *xlsxReader) Release() {
	r.release()
	r.close()
}
