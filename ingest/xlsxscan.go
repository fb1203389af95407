package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a minimal pull scanner over SpreadsheetML bytes: tags and
// the text of the few elements a reader needs (<v>, <t>), with entity and
// CDATA decoding, and nothing else. encoding/xml allocates a token, a name
// and an attribute slice per tag, which is most of the cost of reading a
// worksheet; this scanner hands out views into its buffer instead. It is
// not a validating parser: the worksheet and shared-strings parts are
// machine-written, and what it does not understand it skips.
type xmlScanner struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	rerr error // the reader's error, once seen (io.EOF at the end)
}

// maxTagBytes bounds one tag (name and attributes). A cell's tag is a few
// dozen bytes; a longer one is hostile or broken.
const maxTagBytes = 1 << 20

var errTagTooLong = fmt.Errorf("%w: an XML tag longer than %d KiB", ErrUnreadable, maxTagBytes>>10)

// errXML is a malformed part: a tag never closed, an unknown entity.
var errXML = errors.New("malformed XML")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 256<<10)}
}

// fill reads more bytes, keeping buf[pos:end]. It reports whether any
// arrived. The buffer grows only when a single item (a tag) needs it.
func (s *xmlScanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= 2*maxTagBytes {
			s.rerr = errTagTooLong
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// err is the reader's error other than a clean end.
func (s *xmlScanner) err() error {
	if s.rerr == nil || errors.Is(s.rerr, io.EOF) {
		return nil
	}
	return s.rerr
}

type tagKind uint8

const (
	tagStart tagKind = iota + 1
	tagEnd
	tagEmpty // <x/>
)

// tag is a view of one tag in the scanner's buffer, valid until the next
// call on the scanner.
type tag struct {
	kind  tagKind
	name  []byte // local name (prefix removed)
	attrs []byte // the raw attribute text
}

// nextTag skips text up to the next element tag and returns it; comments,
// processing instructions, CDATA and doctype declarations are skipped.
// ok is false at the end of input (check err).
func (s *xmlScanner) nextTag() (t tag, ok bool, err error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			s.pos = s.end
			if !s.fill() {
				return t, false, s.err()
			}
			continue
		}
		s.pos += i
		t, ok, err = s.readTag()
		if err != nil || !ok || t.kind != 0 {
			return t, ok, err
		}
	}
}

// readTag reads the tag at s.pos (a '<'). A skipped construct (comment,
// PI, CDATA, doctype) comes back with kind 0.
func (s *xmlScanner) readTag() (tag, bool, error) {
	for s.end-s.pos < 12 && s.fill() {
	}
	rest := s.buf[s.pos:s.end]
	// The common case: an element tag whose first '>' is outside quotes
	// (no quote in it, or balanced double quotes).
	if len(rest) > 1 && rest[1] != '!' && rest[1] != '?' {
		if k := bytes.IndexByte(rest, '>'); k > 0 {
			b := rest[1:k]
			if bytes.IndexByte(b, '\'') < 0 && bytes.Count(b, []byte{'"'})%2 == 0 {
				return s.tagAt(k), true, nil
			}
		}
	}
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return tag{}, true, s.skipPast([]byte("-->"))
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		return tag{}, true, s.skipPast([]byte("]]>"))
	case bytes.HasPrefix(rest, []byte("<?")):
		return tag{}, true, s.skipPast([]byte("?>"))
	case bytes.HasPrefix(rest, []byte("<!")):
		return tag{}, true, s.skipPast([]byte(">"))
	}
	// Find the closing '>' outside quoted attribute values.
	j, quote := 1, byte(0)
	for {
		for ; s.pos+j < s.end; j++ {
			c := s.buf[s.pos+j]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				goto found
			}
		}
		if j > maxTagBytes {
			return tag{}, false, errTagTooLong
		}
		if !s.fill() {
			if err := s.err(); err != nil {
				return tag{}, false, err
			}
			return tag{}, false, fmt.Errorf("%w: the part ends inside a tag", errXML)
		}
	}
found:
	return s.tagAt(j), true, nil
}

// tagAt takes the tag from s.pos to the '>' at s.pos+j.
func (s *xmlScanner) tagAt(j int) tag {
	body := s.buf[s.pos+1 : s.pos+j]
	s.pos += j + 1
	var t tag
	switch {
	case len(body) > 0 && body[0] == '/':
		t.kind = tagEnd
		body = body[1:]
	case len(body) > 0 && body[len(body)-1] == '/':
		t.kind = tagEmpty
		body = body[:len(body)-1]
	default:
		t.kind = tagStart
	}
	n := 0
	for n < len(body) && !isXMLSpace(body[n]) {
		n++
	}
	t.name = localName(body[:n])
	t.attrs = body[n:]
	return t
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// skipPast consumes input up to and including end.
func (s *xmlScanner) skipPast(end []byte) error {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], end); i >= 0 {
			s.pos += i + len(end)
			return nil
		}
		// Keep the last len(end)-1 bytes: the marker may straddle reads.
		if k := s.end - len(end) + 1; k > s.pos {
			s.pos = k
		}
		if !s.fill() {
			if err := s.err(); err != nil {
				return err
			}
			return fmt.Errorf("%w: the part ends inside a comment or CDATA section", errXML)
		}
	}
}

// skipElement consumes the content of an element whose start tag was just
// read, through its end tag (nesting counted by name).
func (s *xmlScanner) skipElement(name []byte) error {
	want := string(name)
	depth := 1
	for {
		t, ok, err := s.nextTag()
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: <%s> is never closed", errXML, want)
		}
		if string(t.name) != want {
			continue
		}
		switch t.kind {
		case tagStart:
			depth++
		case tagEnd:
			if depth--; depth == 0 {
				return nil
			}
		}
	}
}

// text appends the character data at s.pos, up to the next tag, to dst,
// decoded (entities, CDATA, line ends normalized as XML requires). Past
// limit bytes it stops appending and reports over, but still consumes the
// text, so an oversized cell costs no memory.
func (s *xmlScanner) text(dst []byte, limit int) (out []byte, over bool, err error) {
	for {
		if s.pos == s.end && !s.fill() {
			return dst, over, s.err()
		}
		chunk := s.buf[s.pos:s.end]
		i := bytes.IndexByte(chunk, '<')
		if i < 0 {
			i = len(chunk)
		}
		if k := bytes.IndexByte(chunk[:i], '&'); k >= 0 {
			i = k
		}
		if k := bytes.IndexByte(chunk[:i], '\r'); k >= 0 {
			i = k
		}
		if i > 0 {
			dst, over = appendLimited(dst, chunk[:i], limit, over)
			s.pos += i
			continue
		}
		switch chunk[0] {
		case '\r':
			// \r\n and a lone \r both read as \n.
			s.pos++
			if s.pos == s.end {
				s.fill()
			}
			if s.pos < s.end && s.buf[s.pos] == '\n' {
				s.pos++
			}
			dst, over = appendLimited(dst, []byte{'\n'}, limit, over)
		case '&':
			for s.end-s.pos < 12 && s.fill() {
			}
			r, n, ok := entity(s.buf[s.pos:s.end])
			if !ok {
				return dst, over, fmt.Errorf("%w: an unknown or broken entity %q", errXML, clip(s.buf[s.pos:s.end], 12))
			}
			s.pos += n
			var tmp [utf8.UTFMax]byte
			dst, over = appendLimited(dst, tmp[:utf8.EncodeRune(tmp[:], r)], limit, over)
		case '<':
			for s.end-s.pos < 9 && s.fill() {
			}
			rest := s.buf[s.pos:s.end]
			switch {
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				s.pos += 9
				for {
					if k := bytes.Index(s.buf[s.pos:s.end], []byte("]]>")); k >= 0 {
						dst, over = appendLimited(dst, s.buf[s.pos:s.pos+k], limit, over)
						s.pos += k + 3
						break
					}
					k := s.end - s.pos - 2
					if k > 0 {
						dst, over = appendLimited(dst, s.buf[s.pos:s.pos+k], limit, over)
						s.pos += k
					}
					if !s.fill() {
						if err := s.err(); err != nil {
							return dst, over, err
						}
						return dst, over, fmt.Errorf("%w: a CDATA section is never closed", errXML)
					}
				}
			case bytes.HasPrefix(rest, []byte("<!--")):
				if err := s.skipPast([]byte("-->")); err != nil {
					return dst, over, err
				}
			case bytes.HasPrefix(rest, []byte("<?")):
				if err := s.skipPast([]byte("?>")); err != nil {
					return dst, over, err
				}
			case bytes.HasPrefix(rest, []byte("<!")):
				if err := s.skipPast([]byte(">")); err != nil {
					return dst, over, err
				}
			default:
				return dst, over, nil
			}
		}
	}
}

func appendLimited(dst, b []byte, limit int, over bool) ([]byte, bool) {
	if over {
		return dst, true
	}
	if len(dst)+len(b) > limit {
		return dst, true
	}
	return append(dst, b...), false
}

func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// entity decodes the reference at the start of b ("&amp;", "&#38;",
// "&#x26;"): the rune and the bytes it took.
func entity(b []byte) (rune, int, bool) {
	semi := bytes.IndexByte(clip(b, 12), ';')
	if semi < 2 {
		return 0, 0, false
	}
	name := b[1:semi]
	switch string(name) {
	case "amp":
		return '&', semi + 1, true
	case "lt":
		return '<', semi + 1, true
	case "gt":
		return '>', semi + 1, true
	case "quot":
		return '"', semi + 1, true
	case "apos":
		return '\'', semi + 1, true
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0, false
	}
	var v uint64
	var err error
	if name[1] == 'x' {
		v, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !isXMLChar(rune(v)) {
		return 0, 0, false
	}
	return rune(v), semi + 1, true
}

// isXMLChar is XML 1.0's Char production (what encoding/xml accepts in a
// character reference).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// cellAttrs reads a <c> tag's r, t and s attributes in one pass.
func cellAttrs(attrs []byte) (ref, typ, style []byte, hasRef, hasStyle bool) {
	b := attrs
	for {
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return
		}
		key := b[:eq]
		for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		b = b[eq+1:]
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return
		}
		end := bytes.IndexByte(b[1:], b[0])
		if end < 0 {
			return
		}
		val := b[1 : 1+end]
		b = b[2+end:]
		if bytes.IndexByte(val, '&') >= 0 {
			val = decodeAttr(val)
		}
		switch string(localName(key)) {
		case "r":
			ref, hasRef = val, true
		case "t":
			typ = val
		case "s":
			style, hasStyle = val, true
		}
	}
}

// attr finds attribute name (local part) in a tag's raw attribute text and
// returns its value, entity-decoded only when it holds an entity.
func attr(attrs []byte, name string) ([]byte, bool) {
	b := attrs
	for {
		i := 0
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		b = b[i:]
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil, false
		}
		key := b[:eq]
		for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		b = b[eq+1:]
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return nil, false
		}
		q := b[0]
		end := bytes.IndexByte(b[1:], q)
		if end < 0 {
			return nil, false
		}
		val := b[1 : 1+end]
		b = b[2+end:]
		if string(localName(key)) == name {
			if bytes.IndexByte(val, '&') >= 0 {
				return decodeAttr(val), true
			}
			return val, true
		}
	}
}

func decodeAttr(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); {
		if v[i] == '&' {
			if r, n, ok := entity(v[i:]); ok {
				out = utf8.AppendRune(out, r)
				i += n
				continue
			}
		}
		out = append(out, v[i])
		i++
	}
	return out
}

// xlsxOneStep turns on the one-step reading of the usual cell (cellTag,
// plainText); the tests turn it off to check both ways agree.
var xlsxOneStep = true

// cellTag reads, in one step, a <c> start or empty tag at s.pos in the
// shape machine writers use: nothing before it, attributes r, s and t only,
// one space before each, values in double quotes without an entity, the
// whole tag in the buffer. Any other shape is left to nextTag and
// cellAttrs (ok is false and s.pos unchanged); what cellTag does read, it
// reads as they would.
func (s *xmlScanner) cellTag() (ref, typ, style []byte, hasRef, hasStyle bool, kind tagKind, ok bool) {
	b := s.buf[s.pos:s.end]
	if !xlsxOneStep || len(b) < 3 || b[0] != '<' || b[1] != 'c' {
		return
	}
	i := 2
	for {
		if i >= len(b) {
			return
		}
		switch b[i] {
		case '>':
			s.pos += i + 1
			return ref, typ, style, hasRef, hasStyle, tagStart, true
		case '/':
			if i+1 < len(b) && b[i+1] == '>' {
				s.pos += i + 2
				return ref, typ, style, hasRef, hasStyle, tagEmpty, true
			}
			return
		case ' ':
		default:
			return
		}
		// ` k="value"`
		if i+4 >= len(b) || b[i+2] != '=' || b[i+3] != '"' {
			return
		}
		key := b[i+1]
		j := i + 4
		for j < len(b) && b[j] != '"' {
			if c := b[j]; c == '&' || c == '<' || c == '>' {
				return
			}
			j++
		}
		if j >= len(b) {
			return
		}
		val := b[i+4 : j]
		switch key {
		case 'r':
			ref, hasRef = val, true
		case 't':
			typ = val
		case 's':
			style, hasStyle = val, true
		default:
			return
		}
		i = j + 1
	}
}

// plainText finds, at s.pos, character data ending at a '<' inside the
// buffer with no entity, CDATA or carriage return in it: the usual cell
// value. It returns the text's length, or -1 for anything else.
func (s *xmlScanner) plainText(limit int) int {
	b := s.buf[s.pos:s.end]
	for i, c := range b {
		switch c {
		case '<':
			if i+1 < len(b) && b[i+1] == '!' || i > limit {
				return -1
			}
			return i
		case '&', '\r':
			return -1
		}
	}
	return -1
}

// hasLit is bytes.HasPrefix for a literal prefix. Written out, with lit a
// constant after inlining, the compiler compares the bytes in a load or
// two instead of calling memequal: the scanner asks it of nearly every
// cell.
func hasLit(b []byte, lit string) bool {
	return len(b) >= len(lit) && string(b[:len(lit)]) == lit
}
