package reports

// KV is one group key of a band, in the order the user asked for.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

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
}

// Label joins the group values for display ("security-manager 2024").
func (b Band) Label() string {
	s := ""
	for i, kv := range b.Group {
		if i > 0 {
			s += " · "
		}
		s += kv.Value
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
