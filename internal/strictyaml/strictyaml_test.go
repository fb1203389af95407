package strictyaml

import (
	"errors"
	"strings"
	"testing"
)

type conf struct {
	Output  string `yaml:"output"`
	Sources []struct {
		Path string `yaml:"path"`
	} `yaml:"sources"`
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", "output: r\ncolour: red\n", "c.yaml:2:"},
		{"duplicate key", "output: r\noutput: s\n", "c.yaml:2:"},
		{"wrong type", "output: r\nsources: 3\n", "c.yaml:2:"},
		{"library panic", "output: r\nsources: !0 0\n", "c.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c conf
			_, err := Decode([]byte(tc.src), "c.yaml", &c)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want a *FileError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to start with %q", err, tc.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	src := "output: r\nsources:\n  - path: a.csv\n  - path: b.csv\n"
	var c conf
	d, err := Decode([]byte(src), "c.yaml", &c)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]int{
		"$.output":          1,
		"$.sources":         2, // the key's line, not its list's
		"$.sources[1]":      4,
		"$.sources[1].path": 4,
		"$.sources[1].year": 4, // absent: its parent's
		"$.gates.keep":      0,
	} {
		if got := d.Line(p); got != want {
			t.Errorf("Line(%s) = %d, want %d", p, got, want)
		}
	}
	if e := d.Errorf("$.sources[0]", "bad %s", "path"); e.Error() != "c.yaml:3: bad path" {
		t.Errorf("Errorf = %q", e)
	}
}
