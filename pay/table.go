package pay

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// readTable reads one of the small CSV tables payband ships (CPI-U, FX
// rates, reference bands): a header whose first columns are want (case, a
// BOM and spaces ignored), then rows, each handed to row with its line
// number. Every message begins with name; row's errors are returned as
// they are.
func readTable(r io.Reader, name string, want []string, row func(line int, rec []string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty", name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	ok := len(header) >= len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.EqualFold(trimBOM(header[i]), want[i])
	}
	if !ok {
		return fmt.Errorf("%s: header %q, want %q", name, strings.Join(header, ","), strings.Join(want, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := row(line, rec); err != nil {
			return err
		}
	}
}

func trimBOM(s string) string { return strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")) }
