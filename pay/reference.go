package pay

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"payband/data"
)

// ReferenceBand is a published pay band shipped in data/reference_bands.csv:
// a figure someone else published (a career page, an official statistic),
// shown beside computed bands and never mixed into them. Pay is annual, in
// US dollars of Year; a figure the publisher did not give is NaN.
type ReferenceBand struct {
	Publisher, Code, Occupation, Family, Area, Note string
	Year                                            int
	Mean, Low, High                                 float64
}

var referenceColumns = []string{"publisher", "code", "occupation", "family", "year", "area", "mean", "low", "high", "note"}

// ReferenceBands parses the embedded data/reference_bands.csv.
func ReferenceBands() ([]ReferenceBand, error) {
	return parseReferenceBands(bytes.NewReader(data.ReferenceBands))
}

func parseReferenceBands(r io.Reader) ([]ReferenceBand, error) {
	var out []ReferenceBand
	err := readTable(r, "reference bands", referenceColumns, func(line int, rec []string) error {
		if len(rec) != len(referenceColumns) {
			return fmt.Errorf("reference bands line %d: %d fields, want %d", line, len(rec), len(referenceColumns))
		}
		year, err := strconv.Atoi(strings.TrimSpace(rec[4]))
		if err != nil {
			return fmt.Errorf("reference bands line %d: year %q is not an integer", line, rec[4])
		}
		var nums [3]float64
		for i, col := range []int{6, 7, 8} {
			v := strings.TrimSpace(rec[col])
			if v == "" {
				nums[i] = math.NaN() // not published
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || math.IsInf(f, 0) {
				return fmt.Errorf("reference bands line %d: %s %q is not a positive number", line, referenceColumns[col], rec[col])
			}
			nums[i] = f
		}
		b := ReferenceBand{
			Publisher: strings.TrimSpace(rec[0]), Code: strings.TrimSpace(rec[1]),
			Occupation: strings.TrimSpace(rec[2]), Family: strings.TrimSpace(rec[3]),
			Year: year, Area: strings.TrimSpace(rec[5]),
			Mean: nums[0], Low: nums[1], High: nums[2],
			Note: strings.TrimSpace(rec[9]),
		}
		if b.Low > b.High {
			return fmt.Errorf("reference bands line %d: low %v is above high %v", line, b.Low, b.High)
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
