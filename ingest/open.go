package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// ReaderOptions are the format options a user may force.
type ReaderOptions struct {
	Comma    rune   // delimiter for delimited text; 0 sniffs
	Encoding string // "", "utf-8", "windows-1252" or "latin1"
	Sheet    string // XLSX sheet; "" is the first
}

// Source is an opened input file: its reader and what was detected. The
// file is read once: the bytes the reader parses are hashed as they pass
// (Finish gives the sha256), so what is recorded is what was loaded.
type Source struct {
	Reader Reader
	Format string // csv, tsv, jsonl, json, parquet, xlsx, xls; "+gz" when compressed
	closer []io.Closer
	in     *hashingReader
	f      *os.File
	st     os.FileInfo // the file as opened (fstat)
	// sum is the sha256 when it is known before the rows are read (formats
	// read with random access are hashed first, from the same descriptor).
	sum  string
	stop func() bool // ends the cancellation watch
}

// BytesRead is how many bytes of the file have been consumed so far.
func (s *Source) BytesRead() int64 {
	if s.in == nil {
		return 0
	}
	return s.in.n.Load()
}

// Close releases the reader and closes the file.
func (s *Source) Close() error {
	if s.Reader != nil {
		s.Reader.Release()
	}
	if s.stop != nil {
		s.stop()
	}
	var err error
	for i := len(s.closer) - 1; i >= 0; i-- {
		if e := s.closer[i].Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// EarlySHA256 is the file's sha256 when it is known before its rows are
// read (XLSX and Parquet, hashed at open), else "".
func (s *Source) EarlySHA256() string { return s.sum }

// Finish ends the read of a source whose rows have all been read: it
// reads whatever the reader left unread (so the hash covers the whole
// file), checks that the file is the one opened — the end of its data
// came at the size it had when opened, and its size and modification
// time are unchanged — and returns the sha256 of the bytes read. A file
// rewritten or truncated while it loaded fails with ErrChanged.
func (s *Source) Finish(ctx context.Context) (string, error) {
	name := s.f.Name()
	if s.sum == "" {
		if s.in.eofAt < 0 {
			if _, err := io.Copy(io.Discard, s.in); err != nil {
				return "", &RowError{Source: name, Err: unreadable(err)}
			}
		}
		s.sum = hex.EncodeToString(s.in.h.Sum(nil))
	}
	if !s.st.Mode().IsRegular() {
		return s.sum, nil
	}
	now, err := s.f.Stat()
	if err != nil {
		return "", &RowError{Source: name, Err: unreadable(err)}
	}
	if s.in.eofAt >= 0 && s.in.eofAt != s.st.Size() {
		return "", &RowError{Source: name, Err: fmt.Errorf("%w: its data ended after %d bytes, but it had %d when opened (rewritten or truncated while it was read); nothing of it was loaded", ErrChanged, s.in.eofAt, s.st.Size())}
	}
	if now.Size() != s.st.Size() || !now.ModTime().Equal(s.st.ModTime()) {
		return "", &RowError{Source: name, Err: fmt.Errorf("%w: it was %d bytes modified %s when opened and is %d bytes modified %s now; nothing of it was loaded",
			ErrChanged, s.st.Size(), s.st.ModTime().UTC().Format(time.RFC3339Nano), now.Size(), now.ModTime().UTC().Format(time.RFC3339Nano))}
	}
	return s.sum, nil
}

// Size is the number of bytes of the file: its size when opened, or for
// a pipe the bytes read so far.
func (s *Source) Size() int64 {
	if s.st.Mode().IsRegular() {
		return s.st.Size()
	}
	return s.BytesRead()
}

// hashingReader reads the file once, hashing and counting every byte it
// hands on, and notes where the file's data first ended.
type hashingReader struct {
	ctx   context.Context
	r     io.Reader
	h     hash.Hash
	n     atomic.Int64
	eofAt int64 // bytes read when the first EOF came; -1 before
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if err := hr.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := hr.r.Read(p)
	if n > 0 {
		hr.h.Write(p[:n])
		hr.n.Add(int64(n))
	}
	if errors.Is(err, io.EOF) && hr.eofAt < 0 {
		hr.eofAt = hr.n.Load()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && hr.ctx.Err() != nil {
		err = hr.ctx.Err() // the read was woken by cancellation
	}
	return n, err
}

// gzipMagic starts every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// openInput opens path for reading, honouring ctx while it waits. Regular
// files and pipes (named pipes, /dev/stdin, process substitution) are read;
// a directory, device or socket is refused. Opening a named pipe waits for
// a writer; cancelling ctx ends the wait. Reads from a pipe are woken by
// cancellation too (its descriptor is in the runtime's poller, so a read
// deadline interrupts it).
func openInput(ctx context.Context, path string) (*os.File, os.FileInfo, func() bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, nil, &RowError{Source: path, Err: unreadable(err)}
	}
	mode := st.Mode()
	switch {
	case mode.IsDir():
		return nil, nil, nil, &RowError{Source: path, Err: fmt.Errorf("%w: it is a directory, not a file", ErrUnreadable)}
	case !mode.IsRegular() && mode&os.ModeNamedPipe == 0:
		return nil, nil, nil, &RowError{Source: path, Err: fmt.Errorf("%w: it is a device or socket (%s), not a file or a pipe", ErrUnreadable, mode.Type())}
	}
	var f *os.File
	if mode.IsRegular() {
		f, err = os.Open(path)
	} else {
		f, err = openPipe(ctx, path)
	}
	if err != nil {
		return nil, nil, nil, &RowError{Source: path, Err: unreadable(err)}
	}
	st, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, nil, &RowError{Source: path, Err: unreadable(err)}
	}
	if !st.Mode().IsRegular() && st.Mode()&os.ModeNamedPipe == 0 {
		f.Close()
		return nil, nil, nil, &RowError{Source: path, Err: fmt.Errorf("%w: it is a device or socket (%s), not a file or a pipe", ErrUnreadable, st.Mode().Type())}
	}
	stop := context.AfterFunc(ctx, func() {
		// Wakes a read blocked on a pipe; regular files do not block.
		_ = f.SetReadDeadline(time.Unix(1, 0))
	})
	return f, st, stop, nil
}

// openPipe opens a named pipe for reading. open(2) blocks until a writer
// opens the other end and cannot be interrupted, so it runs aside; on
// cancellation the wait is ended by opening the pipe for writing (which
// completes the blocked open at once) and closing it again.
func openPipe(ctx context.Context, path string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
	}
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
	select {
	case o := <-ch:
		if o.f != nil {
			o.f.Close()
		}
	case <-time.After(time.Second):
		// The open is still blocked (the pipe is gone?); leave it.
	}
	return nil, ctx.Err()
}

// OpenFile opens path and picks a reader by format (forced, or detected
// from the extension and the first bytes). Text formats (CSV, TSV, JSON)
// stream through a buffered reader, may be gzip-compressed and may come
// from a pipe; XLSX and Parquet need random access to the file, so they
// are read from the file itself (hashed while the reader opens, through
// the same descriptor), and a compressed copy or a pipe is refused.
func OpenFile(ctx context.Context, path, format string, opt ReaderOptions) (*Source, error) {
	f, st, stop, err := openInput(ctx, path)
	if err != nil {
		return nil, err
	}
	in := &hashingReader{ctx: ctx, r: f, h: sha256.New(), eofAt: -1}
	src := &Source{closer: []io.Closer{f}, in: in, f: f, st: st, stop: stop}
	fail := func(err error) (*Source, error) {
		src.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(in, 1<<20)
	name := strings.ToLower(filepath.Base(path))
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(&RowError{Source: path, Err: unreadable(err)})
	}
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
		if !st.Mode().IsRegular() {
			return fail(&RowError{Source: path, Err: fmt.Errorf("%w: a pipe cannot be read as %s (the format needs random access); save it to a file first", ErrUnreadable, strings.ToUpper(format))})
		}
		// Random access cannot be hashed as it goes: the file is hashed
		// whole, through the same descriptor (ReadAt, which leaves the
		// offset alone), while the reader opens (a workbook's shared
		// strings, a Parquet footer), and Finish checks it did not change
		// after. The hash is known before any row is read.
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fail(&RowError{Source: path, Err: unreadable(err)})
		}
		type hashed struct {
			sum string
			err error
		}
		hc := make(chan hashed, 1)
		go func() {
			sum, err := hashAt(ctx, f, in)
			hc <- hashed{sum, err}
		}()
		if format == "xlsx" {
			rd, err = NewXLSXReader(ctx, f, st.Size(), path, head, opt.Sheet)
		} else if format == "xls" {
			rd, err = NewXLSReader(ctx, f, st.Size(), path, head, opt.Sheet)
		} else {
			rd, err = NewParquetReader(ctx, &countingFile{f: f}, path)
		}
		h := <-hc
		if h.err != nil {
			if err == nil {
				rd.Release()
			}
			return fail(&RowError{Source: path, Err: unreadable(h.err)})
		}
		if err != nil {
			return fail(err)
		}
		src.sum = h.sum
	case "csv", "tsv", "txt", "jsonl", "json":
		var r io.Reader = br
		if gz {
			zr, err := gzip.NewReader(r)
			if err != nil {
				return fail(&RowError{Source: path, Err: fmt.Errorf("%w: bad gzip header: %v", ErrUnreadable, err)})
			}
			src.closer = append(src.closer, zr)
			r = bufio.NewReaderSize(&gzipErrReader{zr, path}, 1<<20)
		}
		latin1 := false
		switch strings.ToLower(opt.Encoding) {
		case "", "utf-8", "utf8", "auto":
		case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1":
			latin1 = true
		default:
			return fail(fmt.Errorf("unknown encoding %q (use utf-8 or windows-1252)", opt.Encoding))
		}
		if format == "jsonl" || format == "json" {
			rd, err = NewJSONReader(ctx, r, path)
			if err == nil {
				format = rd.(interface{ Kind() string }).Kind()
			}
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
		return fail(&RowError{Source: path, Err: fmt.Errorf("%w: format %q is not supported (use csv, tsv, json, jsonl, parquet, xlsx or xls)", ErrUnreadable, format)})
	}
	src.Reader = rd
	src.Format = format
	if gz {
		src.Format += "+gz"
	}
	return src, nil
}

// hashAt hashes the whole file through ReadAt (leaving the offset of f
// alone), counting the bytes in in for progress and noting the end.
func hashAt(ctx context.Context, f *os.File, in *hashingReader) (string, error) {
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.ReadAt(buf, off)
		h.Write(buf[:n])
		off += int64(n)
		in.n.Store(off)
		if errors.Is(err, io.EOF) {
			in.eofAt = off
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// ReaderAtSeeker is what a random-access reader (Parquet) needs of a file.
type ReaderAtSeeker interface {
	io.ReaderAt
	io.Seeker
}

// countingFile gives random-access readers (Parquet) the file.
type countingFile struct {
	f *os.File
}

func (cf *countingFile) ReadAt(p []byte, off int64) (int, error) { return cf.f.ReadAt(p, off) }

func (cf *countingFile) Read(p []byte) (int, error) { return cf.f.Read(p) }

func (cf *countingFile) Seek(off int64, whence int) (int64, error) { return cf.f.Seek(off, whence) }

func detectFormat(name string) string {
	switch filepath.Ext(name) {
	case ".tsv", ".tab":
		return "tsv"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".json":
		return "json"
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
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
	default:
		err = fmt.Errorf("%w: gzip data is corrupt: %v", ErrUnreadable, err)
	}
	return n, err
}
