package strictyaml

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// FileError is a bad YAML file: "FILE:LINE: reason", or "FILE: reason" when the
// line is unknown (Line 0). The config packages embed it in their own
// error types.
type FileError struct {
	File string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Doc is a decoded file, kept to find the line of any value for the
// caller's own validation messages.
type Doc struct {
	name string
	root ast.Node // nil for an empty document
}

// Decode decodes src into v strictly: a key v has no field for is an error
// (go-yaml's DisallowUnknownField; its Strict is the same option), as is a
// key given twice (go-yaml's default). A syntax or type error is a *FileError
// with the line of the offending token and go-yaml's message without its
// source excerpt. name is the file named in errors.
func Decode(src []byte, name string, v any) (*Doc, error) {
	if err := unmarshal(src, v); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			line := 0
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
			return nil, &FileError{File: name, Line: line, Err: errors.New(ye.GetMessage())}
		}
		return nil, &FileError{File: name, Err: err}
	}
	d := &Doc{name: name}
	// It parsed once already; a second parse keeps the tree for Line.
	if f, err := parser.ParseBytes(src, 0); err == nil && len(f.Docs) > 0 {
		d.root = f.Docs[0].Body
	}
	return d, nil
}

// unmarshal is yaml.UnmarshalWithOptions in strict mode, with a panic
// inside the YAML library (it has nil dereferences on some malformed input,
// such as a tag on a scalar where a list belongs: "KEY: !0 0") returned as
// an error.
func unmarshal(src []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed YAML (%v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(src, v, yaml.DisallowUnknownField())
}

// Errorf is a *FileError at the line of the YAML path p (see Line).
func (d *Doc) Errorf(p, format string, args ...any) *FileError {
	return &FileError{File: d.name, Line: d.Line(p), Err: fmt.Errorf(format, args...)}
}

// Line is the 1-based line of the YAML path p ("$.sources[1].path"): the
// line of the key for a mapping entry, of the element for a list entry.
// A path that is absent (a required key left out) gives its nearest
// present parent's line; 0 when none is found.
func (d *Doc) Line(p string) int {
	if d == nil || d.root == nil {
		return 0
	}
	for p != "" && p != "$" {
		if l := d.line(p); l > 0 {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

func (d *Doc) line(p string) int {
	i := strings.LastIndexAny(p, ".[")
	if i > 0 && p[i] == '.' {
		// A mapping key: the line the key is written on, even when its
		// value (a block list or mapping) starts on the next.
		parent, key := p[:i], p[i+1:]
		for _, mv := range mappingValues(d.node(parent)) {
			if tk := mv.Key.GetToken(); tk != nil && tk.Value == key && tk.Position != nil {
				return tk.Position.Line
			}
		}
		return 0
	}
	if n := d.node(p); n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	return 0
}

func (d *Doc) node(p string) ast.Node {
	if p == "$" {
		return d.root
	}
	yp, err := yaml.PathString(p)
	if err != nil {
		return nil
	}
	n, err := yp.FilterNode(d.root)
	if err != nil {
		return nil
	}
	return n
}

// mappingValues lists a mapping's entries; go-yaml gives a mapping of one
// entry as the entry itself.
func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}
