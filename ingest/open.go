package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// ReaderOptions are the format options a user may force.
type ReaderOptions struct {
	Comma    rune   // delimiter for delimited text; 0 sniffs
	Encoding string // "", "utf-8", "windows-1252" or "latin1"
	Sheet    string // XLSX sheet; "" is the first
}

// Source is an opened input file: its reader and what was detected.
type Source struct {
	Reader Reader
	Format string // csv, tsv, jsonl, parquet, xlsx, xls; "+gz" when compressed
	closer []io.Closer
	count  *countingReader
}

// BytesRead is how many bytes of the file have been consumed so far.
func (s *Source) BytesRead() int64 {
	if s.count == nil {
		return 0
	}
	return s.count.n.Load()
}

// Close releases the reader and closes the file.
func (s *Source) Close() error {
	if s.Reader != nil {
		s.Reader.Release()
	}
	var err error
	for i := len(s.closer) - 1; i >= 0; i-- {
		if e := s.closer[i].Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// gzipMagic starts every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// OpenFile opens path and picks a reader by format (forced, or detected
// from the extension and the first bytes). Text formats (CSV, TSV, JSON
// lines) stream through a buffered reader and may be gzip-compressed; XLSX
// and Parquet need random access to the file, so they are read from the
// file itself and a compressed copy is refused.
func OpenFile(ctx context.Context, path, format string, opt ReaderOptions) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &RowError{Source: path, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}
	}
	src := &Source{closer: []io.Closer{f}, count: &countingReader{r: f}}
	fail := func(err error) (*Source, error) {
		src.Close()
		return nil, err
	}
	name := strings.ToLower(filepath.Base(path))
	head := make([]byte, 4)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	gz := bytes.HasPrefix(head, gzipMagic)
	if strings.HasSuffix(name, ".gz") && !gz {
		return fail(&RowError{Source: path, Err: fmt.Errorf("%w: named .gz but not gzip data", ErrUnreadable)})
	}
	if gz {
		name = strings.TrimSuffix(name, ".gz")
	}
	if format == "" {
		format = detectFormat(name)
	}
	var rd Reader
	switch format {
	case "xlsx", "xls", "parquet":
		if gz {
			return fail(&RowError{Source: path, Err: fmt.Errorf("%w: a gzip-compressed %s file cannot be read (the format needs random access); decompress it first", ErrUnreadable, strings.ToUpper(format))})
		}
		if format == "xlsx" {
			st, serr := f.Stat()
			if serr != nil {
				return fail(&RowError{Source: path, Err: fmt.Errorf("%w: %v", ErrUnreadable, serr)})
			}
			rd, err = NewXLSXReader(ctx, &countingFile{f: f, c: src.count}, st.Size(), path, head, opt.Sheet)
		} else if format == "xls" {
			st, serr := f.Stat()
			if serr != nil {
				return fail(&RowError{Source: path, Err: fmt.Errorf("%w: %v", ErrUnreadable, serr)})
			}
			rd, err = NewXLSReader(ctx, &countingFile{f: f, c: src.count}, st.Size(), path, head, opt.Sheet)
		} else {
			rd, err = NewParquetReader(ctx, &countingFile{f: f, c: src.count}, path)
		}
		if err != nil {
			return fail(err)
		}
	case "csv", "tsv", "txt", "jsonl":
		var r io.Reader = bufio.NewReaderSize(src.count, 1<<20)
		if gz {
			zr, err := gzip.NewReader(r)
			if err != nil {
				return fail(&RowError{Source: path, Err: fmt.Errorf("%w: bad gzip header: %v", ErrUnreadable, err)})
			}
			src.closer = append(src.closer, zr)
			r = &gzipErrReader{zr, path}
		}
		latin1 := false
		switch strings.ToLower(opt.Encoding) {
		case "", "utf-8", "utf8", "auto":
		case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1":
			latin1 = true
		default:
			return fail(fmt.Errorf("unknown encoding %q (use utf-8 or windows-1252)", opt.Encoding))
		}
		if format == "jsonl" {
			rd, err = NewJSONLReader(ctx, r, path)
		} else {
			co := CSVOptions{Comma: opt.Comma, Latin1: latin1}
			if format == "tsv" && co.Comma == 0 {
				co.Comma = '\t'
			}
			rd, err = NewCSVReader(ctx, r, path, co)
		}
		if err != nil {
			return fail(err)
		}
	default:
		return fail(&RowError{Source: path, Err: fmt.Errorf("%w: format %q is not supported (use csv, tsv, jsonl, parquet, xlsx or xls)", ErrUnreadable, format)})
	}
	src.Reader = rd
	src.Format = format
	if gz {
		src.Format += "+gz"
	}
	return src, nil
}

// ReaderAtSeeker is what a random-access reader (Parquet) needs of a file.
type ReaderAtSeeker interface {
	io.ReaderAt
	io.Seeker
}

// countingFile gives random-access readers (XLSX, Parquet) the file while
// counting the bytes they read for progress reports.
type countingFile struct {
	f *os.File
	c *countingReader
}

func (cf *countingFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := cf.f.ReadAt(p, off)
	cf.c.n.Add(int64(n))
	return n, err
}

func (cf *countingFile) Read(p []byte) (int, error) { return cf.c.Read(p) }

func (cf *countingFile) Seek(off int64, whence int) (int64, error) { return cf.f.Seek(off, whence) }

func detectFormat(name string) string {
	switch filepath.Ext(name) {
	case ".tsv", ".tab":
		return "tsv"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".parquet", ".pq":
		return "parquet"
	case ".xlsx", ".xlsm":
		return "xlsx"
	case ".xls":
		return "xls"
	}
	return "csv"
}

// gzipErrReader names a truncated or corrupt gzip stream clearly.
type gzipErrReader struct {
	r    io.Reader
	path string
}

func (g *gzipErrReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case err == nil, errors.Is(err, io.EOF):
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("%w: gzip data is truncated", ErrUnreadable)
	default:
		err = fmt.Errorf("%w: gzip data is corrupt: %v", ErrUnreadable, err)
	}
	return n, err
}
