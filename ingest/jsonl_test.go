package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

func readAllJSON(t testing.TB, data []byte) (header []string, rows []string, err error) {
	rd, err := NewJSONReader(context.Background(), bytes.NewReader(data), "t.json")
	if err != nil {
		return nil, nil, err
	}
	defer rd.Release()
	header = rd.Header()
	for rd.Next() {
		rec := rd.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for j := 0; j < int(rec.NumCols()); j++ {
				cells = append(cells, rec.Column(j).(interface{ ValueStr(int) string }).ValueStr(i))
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		_ = rec.Column(len(header)).(*array.Int64)
	}
	return header, rows, rd.Err()
}

// The three JSON shapes give the same header and rows (row numbers
// aside: a line's number + 1, an element's 1-based index + 1).
func TestJSONShapes(t *testing.T) {
	lines := "{\"a\":1,\"b\":\"x\"}\n{\"a\":2.50,\"c\":null}\n7\n{\"a\":3}\n"
	array := "[\n  {\"a\": 1, \"b\": \"x\"},\n  {\"a\": 2.50, \"c\": null},\n  7,\n  {\"a\": 3}\n]\n"
	object := `{"r1": {"a": 1, "b": "x"}, "r2": {"a": 2.50, "c": null}, "r3": 7, "r4": {"a": 3}}`
	want := []string{"1|x||2|", "2.50|||3|", "|||4|the array element is not a JSON object", "3|||5|"}
	for _, tc := range []struct{ name, in string }{{"lines", lines}, {"array", array}, {"object", object}} {
		t.Run(tc.name, func(t *testing.T) {
			h, rows, err := readAllJSON(t, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if tc.name == "lines" {
				w = []string{"1|x||2|", "2.50|||3|", "|||4|the line is not a JSON object", "3|||5|"}
			}
			if tc.name == "object" {
				w = append([]string(nil), want...)
				w[2] = `|||4|the value of "r3" is not a JSON object`
			}
			if strings.Join(h, ",") != "a,b,c" || strings.Join(rows, "\n") != strings.Join(w, "\n") {
				t.Errorf("header %q rows:\n%s\nwant:\n%s", h, strings.Join(rows, "\n"), strings.Join(w, "\n"))
			}
		})
	}
	for _, tc := range []struct{ in, err string }{
		{"[{\"a\":1},{\"a\":2}", "the array is cut short"},
		{"[{\"a\":1}] [", "data after the top-level value"},
		{`{"work_year": {"0": 2024, "1": 2023}, "job_title": {"0": "a", "1": "b"}}`, "pandas orient"},
		{"[1, 2]", "no JSON object found"},
	} {
		if _, _, err := readAllJSON(t, []byte(tc.in)); !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.err)
		}
	}
}

// FuzzJSONReader: any bytes either fail with a located RowError or give
// rows whose numbers increase; an array of the same objects as JSON lines
// gives the same cells.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{"{\"a\":1}\n{\"b\":2}\n", "[{\"a\":1},2,[3],{\"a\":\"x\"}]", `{"k":{"a":1},"j":{"b":[1,{}]}}`, "[", "{\"a\":1e400}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, rows, err := readAllJSON(t, data)
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a RowError", err, err)
			}
			return
		}
		last := int64(0)
		for _, r := range rows {
			parts := strings.Split(r, "|")
			var n int64
			fmt.Sscan(parts[len(h)], &n)
			if n <= last {
				t.Fatalf("row numbers not increasing: %q", rows)
			}
			last = n
		}
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) && !bytes.Contains(data, []byte("\n")) {
			return
		}
		// The lines of a JSON lines file, as an array.
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			var arr bytes.Buffer
			arr.WriteString("[")
			n := 0
			for _, l := range bytes.Split(data, []byte("\n")) {
				l = bytes.TrimSpace(l)
				if len(l) == 0 {
					continue
				}
				if !jsonValid(l) || l[0] != '{' {
					return // not an object line: the shapes report it differently
				}
				if n > 0 {
					arr.WriteString(",")
				}
				arr.Write(l)
				n++
			}
			arr.WriteString("]")
			h2, rows2, err := readAllJSON(t, arr.Bytes())
			if err != nil || strings.Join(h2, ",") != strings.Join(h, ",") || len(rows2) != len(rows) {
				t.Fatalf("as an array: %q %d rows %v; as lines %q %d rows", h2, len(rows2), err, h, len(rows))
			}
		}
	})
}

func jsonValid(b []byte) bool { return json.Valid(b) }
