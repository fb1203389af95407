package synth

import (
	"bufio"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

var lcaHeader = []byte("CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,SOC_CODE,SOC_TITLE,EMPLOYER_NAME," +
	"WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_RATE_OF_PAY_TO,WAGE_UNIT_OF_PAY,PREVAILING_WAGE," +
	"PW_UNIT_OF_PAY,PW_WAGE_LEVEL,FULL_TIME_POSITION\n")

// Fiscal years covered; FY N runs from October 1 of N-1 to September 30 of N.
const (
	firstFY = 2016
	lastFY  = 2025
)

// fyWeights is the relative filing volume per fiscal year.
var fyWeights = []float64{8, 8.5, 8.5, 8.5, 8, 9, 10, 11, 11.5, 12}

var caseStatuses = []string{"Certified", "Certified - Withdrawn", "Withdrawn", "Denied"}
var caseStatusWeights = []float64{88, 6, 3.5, 2.5}

type wageUnit struct {
	name     string
	perYear  float64
	weight   float64
	stepCent int64 // amounts are rounded to this many cents
}

var wageUnits = []wageUnit{
	{"Year", 1, 82, 0},
	{"Hour", 2080, 15, 1},
	{"Week", 52, 1, 1},
	{"Bi-Weekly", 26, 1, 1},
	{"Month", 12, 1, 1},
}

var pwLevels = []string{"I", "II", "III", "IV"}

type state struct {
	code   string
	weight float64
	pay    float64 // pay relative to the national level
}

var states = []state{
	{"CA", 20, 1.15}, {"TX", 11, 0.95}, {"NY", 9, 1.12}, {"NJ", 7, 1.05}, {"WA", 7, 1.12},
	{"IL", 5, 1.00}, {"MA", 4.5, 1.08}, {"VA", 3.5, 1.03}, {"GA", 3.5, 0.95}, {"PA", 3.5, 0.97},
	{"NC", 3, 0.95}, {"FL", 3, 0.93}, {"MI", 2.5, 0.94}, {"OH", 2, 0.92}, {"MD", 1.5, 1.02},
	{"MN", 1.5, 0.98}, {"AZ", 1.5, 0.94}, {"CO", 1.5, 1.00}, {"CT", 1, 1.02}, {"OR", 1, 0.99},
	{"MO", 1, 0.90}, {"DC", 0.8, 1.10}, {"TN", 0.8, 0.90}, {"WI", 0.8, 0.92}, {"IN", 0.6, 0.90},
	{"UT", 0.6, 0.95}, {"DE", 0.4, 0.98}, {"AR", 0.4, 0.85}, {"KS", 0.3, 0.88}, {"IA", 0.3, 0.88},
	{"SC", 0.3, 0.88}, {"AL", 0.3, 0.86}, {"KY", 0.3, 0.87}, {"NE", 0.2, 0.88}, {"NH", 0.2, 0.98},
	{"RI", 0.2, 0.97}, {"NV", 0.2, 0.93}, {"OK", 0.2, 0.86}, {"LA", 0.2, 0.86}, {"ID", 0.1, 0.88},
}

var employers = [...][]string{
	groupTech: {
		"AMAZON.COM SERVICES LLC", "GOOGLE LLC", "MICROSOFT CORPORATION", "COGNIZANT TECHNOLOGY SOLUTIONS US CORP",
		"TATA CONSULTANCY SERVICES LIMITED", "INFOSYS LIMITED", "META PLATFORMS, INC.", "APPLE INC.",
		"DELOITTE CONSULTING LLP", "ACCENTURE LLP", "ERNST & YOUNG U.S. LLP", "IBM CORPORATION",
		"CAPGEMINI AMERICA INC", "WIPRO LIMITED", "HCL AMERICA INC", "CISCO SYSTEMS, INC.",
		"ORACLE AMERICA, INC.", "SALESFORCE, INC.", "JPMORGAN CHASE & CO", "PRICEWATERHOUSECOOPERS ADVISORY SERVICES LLC",
		"KPMG LLP", "PALO ALTO NETWORKS, INC.", "CROWDSTRIKE, INC.", "FORTINET, INC.", "BOOZ ALLEN HAMILTON INC.",
		"LEIDOS, INC.", "ZSCALER, INC.", "OKTA, INC.", "SECUREWORKS, INC.", "RAPID7 LLC", "CAPITAL ONE SERVICES, LLC",
		"WALMART ASSOCIATES, INC.", "INTEL CORPORATION", "NVIDIA CORPORATION", "VMWARE, INC.", "LTIMINDTREE LIMITED",
		"TECH MAHINDRA (AMERICAS),INC.", "GOOGLE INC.", "AMAZON WEB SERVICES, INC.", "FACEBOOK, INC.",
		"MICROSOFT CORP", "DELOITTE & TOUCHE LLP", "SYNTEL INC", "MPHASIS CORPORATION", "VIRTUSA CORPORATION",
		"ADOBE INC.", "SERVICENOW, INC.", "UBER TECHNOLOGIES, INC.", "LINKEDIN CORPORATION", "OPTIV SECURITY INC.",
	},
	groupFinance: {
		"JPMORGAN CHASE & CO", "GOLDMAN SACHS & CO. LLC", "MORGAN STANLEY & CO. LLC", "CITIGROUP GLOBAL MARKETS INC.",
		"BANK OF AMERICA N.A.", "WELLS FARGO BANK, N.A.", "BARCLAYS SERVICES CORP", "DEUTSCHE BANK SECURITIES INC.",
		"BLACKROCK FINANCIAL MANAGEMENT, INC.", "CREDIT SUISSE SECURITIES (USA) LLC", "FIDELITY INVESTMENTS",
		"CAPITAL ONE SERVICES, LLC", "CHARLES SCHWAB & CO., INC.", "BNY MELLON", "STATE STREET BANK AND TRUST COMPANY",
	},
	groupPhysical: {
		"ALLIED UNIVERSAL SECURITY SERVICES", "SECURITAS SECURITY SERVICES USA, INC.", "G4S SECURE SOLUTIONS (USA) INC.",
		"WALMART INC.", "TARGET CORPORATION", "THE HOME DEPOT, INC.", "AMAZON.COM SERVICES LLC",
		"GARDAWORLD SECURITY CORPORATION", "KAISER FOUNDATION HOSPITALS", "BECHTEL CORPORATION",
		"FLUOR ENTERPRISES, INC.", "TURNER CONSTRUCTION COMPANY",
	},
}

// lcaTables are the precomputed field bytes of the lca profile.
type lcaTables struct {
	vocab *vocabulary

	dates    [][10]byte // MM/DD/YYYY per day of the covered range
	julian   [][5]byte  // YYDDD per day, as in case numbers
	dayYear  []int      // fiscal year per day
	fyStart  []int      // first day index of each fiscal year
	fyLen    []int
	fyPicker picker

	statuses      [][]byte
	statusPicker  picker
	units         [][]byte
	unitPicker    picker
	pwLevels      [][]byte
	states        [][]byte
	statePicker   picker
	socCodes      [][][]byte // per family, per soc
	socTitles     [][][]byte
	employers     [][][]byte // per group
	employerPicks []picker
}

var (
	lcaTablesOnce sync.Once
	lcaTab        *lcaTables
)

func getLCATables() *lcaTables {
	lcaTablesOnce.Do(func() { lcaTab = buildLCATables() })
	return lcaTab
}

func buildLCATables() *lcaTables {
	t := &lcaTables{vocab: lcaVocabulary()}
	day := time.Date(firstFY-1, time.October, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(lastFY, time.October, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; day.Before(end); i++ {
		var d [10]byte
		copy(d[:], day.Format("01/02/2006"))
		var j [5]byte
		copy(j[:], appendPadded(appendPadded(nil, int64(day.Year()%100), 2), int64(day.YearDay()), 3))
		fy := day.Year()
		if day.Month() >= time.October {
			fy++
		}
		if len(t.fyStart) == 0 || t.dayYear[i-1] != fy {
			t.fyStart = append(t.fyStart, i)
			t.fyLen = append(t.fyLen, 0)
		}
		t.fyLen[len(t.fyLen)-1]++
		t.dates = append(t.dates, d)
		t.julian = append(t.julian, j)
		t.dayYear = append(t.dayYear, fy)
		day = day.AddDate(0, 0, 1)
	}
	t.fyPicker = newPicker(fyWeights)

	for _, s := range caseStatuses {
		t.statuses = append(t.statuses, csvField(s))
	}
	t.statusPicker = newPicker(caseStatusWeights)
	uw := make([]float64, len(wageUnits))
	for i, u := range wageUnits {
		t.units = append(t.units, csvField(u.name))
		uw[i] = u.weight
	}
	t.unitPicker = newPicker(uw)
	for _, l := range pwLevels {
		t.pwLevels = append(t.pwLevels, csvField(l))
	}
	sw := make([]float64, len(states))
	for i, s := range states {
		t.states = append(t.states, csvField(s.code))
		sw[i] = s.weight
	}
	t.statePicker = newPicker(sw)
	for _, f := range families {
		var codes, titles [][]byte
		for _, s := range f.socs {
			codes = append(codes, csvField(s.code))
			titles = append(titles, csvField(s.title))
		}
		t.socCodes = append(t.socCodes, codes)
		t.socTitles = append(t.socTitles, titles)
	}
	for _, list := range employers {
		var l [][]byte
		for _, e := range list {
			l = append(l, csvField(e))
		}
		t.employers = append(t.employers, l)
		t.employerPicks = append(t.employerPicks, newPicker(zipfWeights(len(list), 2, 0.9)))
	}
	return t
}

// Kinds of deliberately bad rows.
const (
	badEmptyTitle = iota
	badPayNA
	badPayNegative
	badUnit
	badPayAbsurd
	badYear
	badKinds
)

// dupRing holds recent good rows, to repeat as duplicates.
const dupRing = 64

// lcaGen is the state of one lca run.
type lcaGen struct {
	t       *lcaTables
	r       *rand.Rand
	row     []byte
	perDay  []uint32 // case numbers issued per day
	salt    uint64
	ring    [dupRing][]byte
	ringLen int
	// tr draws the row-level title noise (Options.Titles realistic) from
	// its own stream, so every other column is the same with or without.
	tr *rand.Rand
}

func generateLCA(ctx context.Context, bw *bufio.Writer, opts Options) error {
	g := &lcaGen{t: getLCATables(), r: newRand(opts.Seed, 1), row: make([]byte, 0, 512)}
	g.perDay = make([]uint32, len(g.t.dates))
	g.salt = g.r.Uint64()
	if opts.Titles == TitlesRealistic {
		g.tr = newRand(opts.Seed, 11)
	}
	for i := range g.ring {
		g.ring[i] = make([]byte, 0, 512)
	}
	if err := writeRow(bw, lcaHeader); err != nil {
		return err
	}
	for i := 0; i < opts.Rows; i++ {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		x := g.r.Float64()
		switch {
		case x < dupRowShare && g.ringLen > 0:
			n := min(g.ringLen, dupRing)
			if err := writeRow(bw, g.ring[g.r.IntN(n)]); err != nil {
				return err
			}
			continue
		case x < dupRowShare+badRowShare:
			g.buildRow(g.r.IntN(badKinds))
		default:
			g.buildRow(-1)
			slot := g.ringLen % dupRing
			g.ring[slot] = append(g.ring[slot][:0], g.row...)
			g.ringLen++
		}
		if err := writeRow(bw, g.row); err != nil {
			return err
		}
	}
	return nil
}

// buildRow fills g.row with one data row; bad is a bad-row kind or -1.
func (g *lcaGen) buildRow(bad int) {
	t, r := g.t, g.r
	b := g.row[:0]

	fyi := t.fyPicker.pick(r)
	day := t.fyStart[fyi] + r.IntN(t.fyLen[fyi])
	fy := t.dayYear[day]

	// CASE_NUMBER: I-200-YYDDD-NNNNNN, unique per day by an invertible
	// scramble (mod 10^6) of the day's counter; unique overall while no day
	// gets a million rows (about 3.6 billion rows in all).
	n := uint64(g.perDay[day])
	g.perDay[day]++
	seq := (n*387419 + (g.salt+uint64(day)*2654435761)%1000000) % 1000000
	b = append(b, "I-200-"...)
	b = append(b, t.julian[day][:]...)
	b = append(b, '-')
	b = appendPadded(b, int64(seq), 6)
	b = append(b, ',')

	b = append(b, t.statuses[t.statusPicker.pick(r)]...)
	b = append(b, ',')

	if bad == badYear {
		b = append(b, t.dates[day][:6]...)
		if r.IntN(2) == 0 {
			b = append(b, "1999"...)
		} else {
			b = append(b, "2099"...)
		}
	} else {
		b = append(b, t.dates[day][:]...)
	}
	b = append(b, ',')

	tv := &t.vocab.titles[t.vocab.pick.pick(r)]
	f := &families[tv.fam]
	if bad != badEmptyTitle {
		if g.tr != nil {
			if t, ok := rowTitle(g.tr, tv.text); ok {
				b = append(b, csvField(t)...)
			} else {
				b = append(b, tv.csv...)
			}
		} else {
			b = append(b, tv.csv...)
		}
	}
	b = append(b, ',')

	si := 0
	if len(f.socs) > 1 && r.IntN(5) == 0 {
		si = 1 + r.IntN(len(f.socs)-1)
	}
	b = append(b, t.socCodes[tv.fam][si]...)
	b = append(b, ',')
	b = append(b, t.socTitles[tv.fam][si]...)
	b = append(b, ',')

	emps := t.employers[f.group]
	b = append(b, emps[t.employerPicks[f.group].pick(r)]...)
	b = append(b, ',')

	st := t.statePicker.pick(r)
	b = append(b, t.states[st]...)
	b = append(b, ',')

	annual := lognormal(r, f.median, 0.22) * payMult[tv.sen] * growth(fy) * states[st].pay
	annual = math.Min(math.Max(annual, 18000), 1500000)
	fullTime := r.IntN(100) < 96
	ui := t.unitPicker.pick(r)
	if !fullTime && r.IntN(2) == 0 {
		ui = 1 // part-time positions are mostly paid by the hour
	}
	u := &wageUnits[ui]
	from := unitCents(r, annual, u)
	var to int64
	if r.IntN(100) < 12 {
		to = unitCents(r, annual*(1.05+0.4*r.Float64()), u)
	}
	pw := int64(float64(from) * (0.78 + 0.2*r.Float64()))
	if u.stepCent == 0 {
		pw = pw / 100 * 100
	}
	unit := t.units[ui]
	switch bad {
	case badPayNA:
		b = append(b, "N/A,,"...)
		b = append(b, unit...)
		b = append(b, ",N/A,"...)
	case badPayNegative:
		b = appendCents(b, -from)
		b = append(b, ',', ',')
		b = append(b, unit...)
		b = append(b, ',')
		b = appendCents(b, -pw)
		b = append(b, ',')
	case badPayAbsurd:
		b = append(b, "5.00,,Year,5.00,"...)
		unit = t.units[0]
	case badUnit:
		fn := int64(math.Round(annual / 26 * 100))
		b = appendCents(b, fn)
		b = append(b, ",,Fortnightly,"...)
		b = appendCents(b, fn*9/10)
		b = append(b, ',')
		unit = []byte("Fortnightly")
	default:
		b = appendCents(b, from)
		b = append(b, ',')
		if to > from {
			b = appendCents(b, to)
		}
		b = append(b, ',')
		b = append(b, unit...)
		b = append(b, ',')
		b = appendCents(b, pw)
		b = append(b, ',')
	}
	b = append(b, unit...)
	b = append(b, ',')

	if r.IntN(100) >= 4 {
		lvl := int(tv.sen) - 1 // intern/junior → I, mid → II, senior → III, lead+ → IV
		switch k := r.IntN(8); {
		case k == 0:
			lvl--
		case k == 1:
			lvl++
		}
		lvl = min(max(lvl, 0), 3)
		b = append(b, t.pwLevels[lvl]...)
	}
	b = append(b, ',')
	if fullTime {
		b = append(b, 'Y', '\n')
	} else {
		b = append(b, 'N', '\n')
	}
	g.row = b
}

// unitCents converts an annual amount to the unit, in cents, rounded the way
// filers write it: yearly amounts to whole hundreds or dollars, others to cents.
func unitCents(r *rand.Rand, annual float64, u *wageUnit) int64 {
	if u.stepCent == 0 {
		step := 100.0
		switch k := r.IntN(20); {
		case k < 5:
			step = 1000
		case k < 8:
			step = 1
		}
		return int64(roundTo(annual, step)) * 100
	}
	return int64(math.Round(annual / u.perYear * 100))
}

// Shares of rows whose title gets row-level noise (Options.Titles
// realistic), cumulative: a requisition code (nearly always a new
// distinct title), a location, a typo, the role word moved first. Tuned
// to about 65,000 distinct raw titles per million rows and 115,000 per two
// million, what real LCA files show.
const (
	rowReq  = 0.034
	rowLoc  = rowReq + 0.025
	rowTypo = rowLoc + 0.020
	rowSwap = rowTypo + 0.012
)

// rowTitle decorates a vocabulary title as one filer might; ok is false
// when the row keeps it as it is.
func rowTitle(r *rand.Rand, t string) (string, bool) {
	switch x := r.Float64(); {
	case x < rowReq:
		return t + requisition(r), true
	case x < rowLoc:
		return t + locations[r.IntN(len(locations))], true
	case x < rowTypo:
		return typo(r, t), true
	case x < rowSwap:
		words := strings.Fields(t)
		if n := len(words); n >= 2 && !strings.HasSuffix(words[n-2], ",") {
			return words[n-1] + ", " + strings.Join(words[:n-1], " "), true
		}
	}
	return t, false
}
