package synth

import (
	"bufio"
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
)

var surveyHeader = []byte("work_year,experience_level,employment_type,job_title,salary,salary_currency," +
	"salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n")

const (
	firstSurveyYear = 2020
	lastSurveyYear  = 2025
)

// surveyYearWeights is the share of responses per work_year, 2020 to 2025.
var surveyYearWeights = []float64{1, 2, 4, 10, 33, 50}

var experience = []struct {
	code   string
	weight float64
	pay    float64
}{
	{"EN", 10, 0.72}, {"MI", 31, 1.00}, {"SE", 56, 1.25}, {"EX", 3, 1.60},
}

var employmentTypes = []string{"FT", "PT", "CT", "FL"}
var employmentWeights = []float64{96, 2, 1.5, 0.5}

var remoteRatios = []string{"0", "100", "50"}
var remoteWeights = []float64{79, 20, 1}

var companySizes = []string{"M", "L", "S"}
var companySizeWeights = []float64{90, 7, 3}

// currencies and their yearly average USD value, 2020 to 2025.
var currencies = []struct {
	code string
	usd  [lastSurveyYear - firstSurveyYear + 1]float64
}{
	{"USD", [6]float64{1, 1, 1, 1, 1, 1}},
	{"EUR", [6]float64{1.142, 1.183, 1.053, 1.081, 1.082, 1.10}},
	{"GBP", [6]float64{1.284, 1.376, 1.237, 1.244, 1.278, 1.31}},
	{"CAD", [6]float64{0.746, 0.798, 0.769, 0.741, 0.730, 0.72}},
}

const (
	curUSD = iota
	curEUR
	curGBP
	curCAD
)

var countries = []struct {
	code     string
	weight   float64
	pay      float64 // pay relative to the US
	currency int
}{
	{"US", 86, 1.00, curUSD}, {"CA", 3.5, 0.75, curCAD}, {"GB", 2.5, 0.70, curGBP}, {"DE", 1.2, 0.65, curEUR},
	{"NL", 0.8, 0.62, curEUR}, {"AU", 0.6, 0.75, curUSD}, {"FR", 0.5, 0.55, curEUR}, {"ES", 0.4, 0.45, curEUR},
	{"IE", 0.4, 0.70, curEUR}, {"AT", 0.3, 0.60, curEUR}, {"IN", 0.5, 0.25, curUSD}, {"PL", 0.3, 0.40, curUSD},
	{"CH", 0.2, 0.95, curUSD}, {"SG", 0.2, 0.70, curUSD}, {"IL", 0.2, 0.70, curUSD}, {"BR", 0.2, 0.30, curUSD},
	{"LT", 0.2, 0.35, curEUR}, {"SK", 0.2, 0.35, curEUR}, {"MX", 0.2, 0.30, curUSD}, {"SE", 0.2, 0.60, curUSD},
}

type surveyTables struct {
	vocab                                                 *vocabulary
	years                                                 picker
	exp, emp, remote, size, country                       picker
	expCodes, empCodes, remoteCodes, sizeCodes, ctryCodes [][]byte
	curCodes                                              [][]byte
}

var (
	surveyTablesOnce sync.Once
	surveyTab        *surveyTables
)

func getSurveyTables() *surveyTables {
	surveyTablesOnce.Do(func() {
		t := &surveyTables{vocab: surveyVocabulary()}
		t.years = newPicker(surveyYearWeights)
		var w []float64
		for _, e := range experience {
			t.expCodes = append(t.expCodes, csvField(e.code))
			w = append(w, e.weight)
		}
		t.exp = newPicker(w)
		t.emp, t.empCodes = newPicker(employmentWeights), fields(employmentTypes)
		t.remote, t.remoteCodes = newPicker(remoteWeights), fields(remoteRatios)
		t.size, t.sizeCodes = newPicker(companySizeWeights), fields(companySizes)
		w = nil
		for _, c := range countries {
			t.ctryCodes = append(t.ctryCodes, csvField(c.code))
			w = append(w, c.weight)
		}
		t.country = newPicker(w)
		for _, c := range currencies {
			t.curCodes = append(t.curCodes, csvField(c.code))
		}
		surveyTab = t
	})
	return surveyTab
}

func fields(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = csvField(s)
	}
	return out
}

func generateSurvey(ctx context.Context, bw *bufio.Writer, opts Options) error {
	t := getSurveyTables()
	r := newRand(opts.Seed, 2)
	b := make([]byte, 0, 256)
	if err := writeRow(bw, surveyHeader); err != nil {
		return err
	}
	for i := 0; i < opts.Rows; i++ {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		bad := -1
		if r.Float64() < badRowShare {
			bad = r.IntN(badKinds)
		}
		b = surveyRow(b[:0], t, r, bad)
		if err := writeRow(bw, b); err != nil {
			return err
		}
	}
	return nil
}

// surveyRow appends one survey row; bad is a bad-row kind or -1. The
// survey has no unit column, so the unknown-unit defect is an unknown
// currency without a USD figure.
func surveyRow(b []byte, t *surveyTables, r *rand.Rand, bad int) []byte {
	yi := t.years.pick(r)
	year := firstSurveyYear + yi
	if bad == badYear {
		b = append(b, "2031"...)
	} else {
		b = strconv.AppendInt(b, int64(year), 10)
	}
	b = append(b, ',')

	tv := &t.vocab.titles[t.vocab.pick.pick(r)]
	f := &families[tv.fam]
	// experience_level mostly agrees with a seniority word in the title.
	ei := t.exp.pick(r)
	switch k := r.IntN(10); tv.sen {
	case senIntern, senJunior:
		ei = min(k/7, 1) // EN, sometimes MI
	case senSenior:
		ei = 2 - min(k/8, 1) // SE, sometimes MI
	case senLead, senPrincipal:
		ei = 2 + min(k/7, 1) // SE, sometimes EX
	}
	if (f.id == "ciso" || f.id == "security-director") && ei < 2 {
		ei = 2 + r.IntN(2)
	}
	b = append(b, t.expCodes[ei]...)
	b = append(b, ',')
	et := t.emp.pick(r)
	b = append(b, t.empCodes[et]...)
	b = append(b, ',')
	if bad != badEmptyTitle {
		b = append(b, tv.csv...)
	}
	b = append(b, ',')

	ci := t.country.pick(r)
	c := &countries[ci]
	usd := lognormal(r, f.median, 0.30) * experience[ei].pay * growth(year) * c.pay
	if et == 1 {
		usd *= 0.5
	}
	usd = math.Min(math.Max(usd, 15000), 1200000)
	cur := curUSD
	if c.currency != curUSD && r.IntN(100) < 85 {
		cur = c.currency
	}
	rate := currencies[cur].usd[yi]
	step := 1000.0
	if r.IntN(3) == 0 {
		step = 100
	}
	local := int64(roundTo(usd/rate, step))
	inUSD := int64(math.Round(float64(local) * rate))

	switch bad {
	case badPayNA:
		b = append(b, "N/A,"...)
		b = append(b, t.curCodes[cur]...)
		b = append(b, ",N/A,"...)
	case badPayNegative:
		b = strconv.AppendInt(b, -local, 10)
		b = append(b, ',')
		b = append(b, t.curCodes[cur]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, -inUSD, 10)
		b = append(b, ',')
	case badPayAbsurd:
		b = append(b, "5,USD,5,"...)
	case badUnit:
		b = strconv.AppendInt(b, local, 10)
		b = append(b, ",ZZZ,,"...)
	default:
		b = strconv.AppendInt(b, local, 10)
		b = append(b, ',')
		b = append(b, t.curCodes[cur]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, inUSD, 10)
		b = append(b, ',')
	}

	ri := t.remote.pick(r)
	res := ci
	if ri != 0 && r.IntN(10) == 0 {
		res = t.country.pick(r)
	}
	b = append(b, t.ctryCodes[res]...)
	b = append(b, ',')
	b = append(b, t.remoteCodes[ri]...)
	b = append(b, ',')
	b = append(b, t.ctryCodes[ci]...)
	b = append(b, ',')
	b = append(b, t.sizeCodes[t.size.pick(r)]...)
	return append(b, '\n')
}
