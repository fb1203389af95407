package bands

import "strings"

// KV is one group key of a band, in the order the user asked for.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Null is true when the rows have no value for Key (SQL NULL, or the
	// empty family and title of an unmatched row): JSON shows null, a
	// person reads MissingLabel(Key).
	Null bool `json:"null,omitempty"`
}

// Display is the value as a person reads it: MissingLabel for a missing one.
func (kv KV) Display() string {
	if kv.Null {
		return MissingLabel(kv.Key)
	}
	return kv.Value
}

// MissingLabel is what a table or chart shows for a group with no value:
// "(unmatched)" for a title that matched no family, "(no state)" and so on
// for the others.
func MissingLabel(col string) string {
	switch col {
	case "family", "title":
		return "(unmatched)"
	case "soc_code":
		return "(no SOC code)"
	}
	return "(no " + strings.ReplaceAll(col, "_", " ") + ")"
}

// Missing is a table cell for a missing group value: the JSON renderer
// writes null, the others its text.
type Missing string

// Band is one computed pay band: statistics over annual pay_usd of the rows
// in one group. Values are unrounded; renderers round to whole dollars.
type Band struct {
	Group  []KV
	N      int
	Min    float64
	P10    float64
	P25    float64
	Median float64
	P75    float64
	P90    float64
	Max    float64
	Mean   float64
	Stddev float64
	// MedianCILow and MedianCIHigh bound a distribution-free 95% confidence
	// interval for the median (order statistics); zero when n is too small.
	MedianCILow  float64
	MedianCIHigh float64
	LowN         bool   // fewer than 30 rows
	Basis        string // "nominal" or "real:YEAR"
	Scope        Scope  // the population the band measures
}

// Value returns the group value for key as a person reads it, or "".
func (b Band) Display(key string) string {
	for _, kv := range b.Group {
		if kv.Key == key {
			return kv.Display()
		}
	}
	return ""
}

// Label joins the group values for display ("security-manager 2024").
func (b Band) Label() string {
	s := ""
	for i, kv := range b.Group {
		if i > 0 {
			s += " · "
		}
		s += kv.Display()
	}
	if s == "" {
		s = "all"
	}
	return s
}

// Value returns the group value for key, or "".
func (b Band) Value(key string) string {
	for _, kv := range b.Group {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}
