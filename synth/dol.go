package synth

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// dolHeader is the FY2020+ DOL LCA disclosure layout (the FLAG system's
// public file), every column in the published order.
var dolHeader = []string{
	"CASE_NUMBER", "CASE_STATUS", "RECEIVED_DATE", "DECISION_DATE", "ORIGINAL_CERT_DATE", "VISA_CLASS",
	"JOB_TITLE", "SOC_CODE", "SOC_TITLE", "FULL_TIME_POSITION", "BEGIN_DATE", "END_DATE",
	"TOTAL_WORKER_POSITIONS", "NEW_EMPLOYMENT", "CONTINUED_EMPLOYMENT", "CHANGE_PREVIOUS_EMPLOYMENT",
	"NEW_CONCURRENT_EMPLOYMENT", "CHANGE_EMPLOYER", "AMENDED_PETITION", "EMPLOYER_NAME", "TRADE_NAME_DBA",
	"EMPLOYER_ADDRESS1", "EMPLOYER_ADDRESS2", "EMPLOYER_CITY", "EMPLOYER_STATE", "EMPLOYER_POSTAL_CODE",
	"EMPLOYER_COUNTRY", "EMPLOYER_PROVINCE", "EMPLOYER_PHONE", "EMPLOYER_PHONE_EXT", "NAICS_CODE",
	"EMPLOYER_POC_LAST_NAME", "EMPLOYER_POC_FIRST_NAME", "EMPLOYER_POC_MIDDLE_NAME", "EMPLOYER_POC_JOB_TITLE",
	"EMPLOYER_POC_ADDRESS1", "EMPLOYER_POC_ADDRESS2", "EMPLOYER_POC_CITY", "EMPLOYER_POC_STATE",
	"EMPLOYER_POC_POSTAL_CODE", "EMPLOYER_POC_COUNTRY", "EMPLOYER_POC_PROVINCE", "EMPLOYER_POC_PHONE",
	"EMPLOYER_POC_PHONE_EXT", "EMPLOYER_POC_EMAIL", "AGENT_REPRESENTING_EMPLOYER", "AGENT_ATTORNEY_LAST_NAME",
	"AGENT_ATTORNEY_FIRST_NAME", "AGENT_ATTORNEY_MIDDLE_NAME", "AGENT_ATTORNEY_ADDRESS1", "AGENT_ATTORNEY_ADDRESS2",
	"AGENT_ATTORNEY_CITY", "AGENT_ATTORNEY_STATE", "AGENT_ATTORNEY_POSTAL_CODE", "AGENT_ATTORNEY_COUNTRY",
	"AGENT_ATTORNEY_PROVINCE", "AGENT_ATTORNEY_PHONE", "AGENT_ATTORNEY_PHONE_EXT", "AGENT_ATTORNEY_EMAIL_ADDRESS",
	"LAWFIRM_NAME_BUSINESS_NAME", "STATE_OF_HIGHEST_COURT", "NAME_OF_HIGHEST_STATE_COURT", "WORKSITE_WORKERS",
	"SECONDARY_ENTITY", "SECONDARY_ENTITY_BUSINESS_NAME", "WORKSITE_ADDRESS1", "WORKSITE_ADDRESS2",
	"WORKSITE_CITY", "WORKSITE_COUNTY", "WORKSITE_STATE", "WORKSITE_POSTAL_CODE", "WAGE_RATE_OF_PAY_FROM",
	"WAGE_RATE_OF_PAY_TO", "WAGE_UNIT_OF_PAY", "PREVAILING_WAGE", "PW_UNIT_OF_PAY", "PW_TRACKING_NUMBER",
	"PW_WAGE_LEVEL", "PW_OES_YEAR", "PW_OTHER_SOURCE", "PW_OTHER_YEAR", "PW_SURVEY_PUBLISHER", "PW_SURVEY_NAME",
	"TOTAL_WORKSITE_LOCATIONS", "AGREE_TO_LC_STATEMENT", "H-1B_DEPENDENT", "WILLFUL_VIOLATOR", "SUPPORT_H1B",
	"STATUTORY_BASIS", "APPENDIX_A_ATTACHED", "PUBLIC_DISCLOSURE", "PREPARER_LAST_NAME", "PREPARER_FIRST_NAME",
	"PREPARER_MIDDLE_INITIAL", "PREPARER_BUSINESS_NAME", "PREPARER_EMAIL",
}

// The compact layout's columns (lcaHeader) by index.
const (
	cCase = iota
	cStatus
	cReceived
	cTitle
	cSOC
	cSOCTitle
	cEmployer
	cState
	cWageFrom
	cWageTo
	cWageUnit
	cPW
	cPWUnit
	cPWLevel
	cFullTime
	cCompactCols
)

// cellKind says how a DOL column is written to XLSX.
type cellKind uint8

const (
	kText cellKind = iota
	kNumber
	kDate
)

// dolKinds is each DOL column's cell kind, by name.
var dolKinds = map[string]cellKind{
	"RECEIVED_DATE": kDate, "DECISION_DATE": kDate, "ORIGINAL_CERT_DATE": kDate, "BEGIN_DATE": kDate, "END_DATE": kDate,
	"TOTAL_WORKER_POSITIONS": kNumber, "NEW_EMPLOYMENT": kNumber, "CONTINUED_EMPLOYMENT": kNumber,
	"CHANGE_PREVIOUS_EMPLOYMENT": kNumber, "NEW_CONCURRENT_EMPLOYMENT": kNumber, "CHANGE_EMPLOYER": kNumber,
	"AMENDED_PETITION": kNumber, "NAICS_CODE": kNumber, "TOTAL_WORKSITE_LOCATIONS": kNumber,
	"WAGE_RATE_OF_PAY_FROM": kNumber, "WAGE_RATE_OF_PAY_TO": kNumber, "PREVAILING_WAGE": kNumber,
}

var dolIndex = func() map[string]int {
	m := make(map[string]int, len(dolHeader))
	for i, h := range dolHeader {
		m[h] = i
	}
	return m
}()

// compactInDOL maps the compact columns to their DOL positions.
var compactInDOL = func() [cCompactCols]int {
	var m [cCompactCols]int
	for i, h := range strings.Split(strings.TrimSpace(string(lcaHeader)), ",") {
		m[i] = dolIndex[h]
	}
	return m
}()

type place struct{ city, county, zip string }

// cities are worksite and employer places per state (a few per state; a
// state without an entry uses its capital-like default).
var cities = map[string][]place{
	"CA": {{"SAN JOSE", "SANTA CLARA", "95110"}, {"SAN FRANCISCO", "SAN FRANCISCO", "94105"}, {"MOUNTAIN VIEW", "SANTA CLARA", "94043"}, {"LOS ANGELES", "LOS ANGELES", "90071"}, {"SUNNYVALE", "SANTA CLARA", "94089"}, {"IRVINE", "ORANGE", "92618"}},
	"TX": {{"AUSTIN", "TRAVIS", "78701"}, {"DALLAS", "DALLAS", "75201"}, {"IRVING", "DALLAS", "75039"}, {"HOUSTON", "HARRIS", "77002"}, {"PLANO", "COLLIN", "75024"}},
	"NY": {{"NEW YORK", "NEW YORK", "10001"}, {"BROOKLYN", "KINGS", "11201"}, {"ALBANY", "ALBANY", "12207"}},
	"NJ": {{"JERSEY CITY", "HUDSON", "07302"}, {"EDISON", "MIDDLESEX", "08837"}, {"PRINCETON", "MERCER", "08540"}},
	"WA": {{"SEATTLE", "KING", "98101"}, {"REDMOND", "KING", "98052"}, {"BELLEVUE", "KING", "98004"}},
	"IL": {{"CHICAGO", "COOK", "60601"}, {"NAPERVILLE", "DUPAGE", "60563"}},
	"MA": {{"BOSTON", "SUFFOLK", "02110"}, {"CAMBRIDGE", "MIDDLESEX", "02139"}},
	"VA": {{"ARLINGTON", "ARLINGTON", "22201"}, {"HERNDON", "FAIRFAX", "20171"}, {"RESTON", "FAIRFAX", "20190"}},
	"GA": {{"ATLANTA", "FULTON", "30303"}, {"ALPHARETTA", "FULTON", "30009"}},
	"PA": {{"PHILADELPHIA", "PHILADELPHIA", "19103"}, {"PITTSBURGH", "ALLEGHENY", "15222"}},
	"NC": {{"CHARLOTTE", "MECKLENBURG", "28202"}, {"RALEIGH", "WAKE", "27601"}},
	"FL": {{"MIAMI", "MIAMI-DADE", "33131"}, {"TAMPA", "HILLSBOROUGH", "33602"}},
	"DC": {{"WASHINGTON", "DISTRICT OF COLUMBIA", "20001"}},
}

var (
	lastNames  = []string{"SMITH", "JOHNSON", "PATEL", "KUMAR", "NGUYEN", "GARCIA", "CHEN", "WILLIAMS", "BROWN", "SINGH", "LEE", "MILLER", "DAVIS", "REDDY", "WANG"}
	firstNames = []string{"JOHN", "MARY", "RAJ", "PRIYA", "DAVID", "LINDA", "WEI", "MARIA", "JAMES", "ANITA", "MICHAEL", "SUSAN", "ARUN", "LISA", "KEVIN"}
	streets    = []string{"MAIN STREET", "MARKET STREET", "PARK AVENUE", "TECHNOLOGY DRIVE", "BROADWAY", "INNOVATION WAY", "CENTRAL EXPRESSWAY", "FIRST AVENUE"}
	lawFirms   = []string{"FRAGOMEN, DEL REY, BERNSEN & LOEWY, LLP", "BAL LLP", "SEYFARTH SHAW LLP", "OGLETREE DEAKINS", "LITTLER MENDELSON P.C.", "KLASKO IMMIGRATION LAW PARTNERS, LLP"}
	naics      = []string{"541511", "541512", "541519", "518210", "522110", "541330", "611310", "334413"}
	pwSources  = []string{"OFLC ONLINE DATA CENTER", "OFLC ONLINE DATA CENTER", "OFLC ONLINE DATA CENTER", "OTHER"}
)

// dolRow expands one compact row into the 96 DOL columns. Extra columns
// come from their own random stream, so the shared columns are the
// compact row's exactly.
type dolRow struct {
	r      *rand.Rand
	fields [][]byte // compact fields, unquoted
	out    []string
}

// splitCompact splits one generated compact CSV row (ending in '\n') into
// its fields, unquoted.
func splitCompact(row []byte, fields [][]byte) [][]byte {
	fields = fields[:0]
	row = row[:len(row)-1]
	for {
		var f []byte
		if len(row) > 0 && row[0] == '"' {
			i := 1
			for i < len(row) {
				if row[i] == '"' {
					if i+1 < len(row) && row[i+1] == '"' {
						f = append(f, '"')
						i += 2
						continue
					}
					i++
					break
				}
				f = append(f, row[i])
				i++
			}
			row = row[i:]
		} else {
			i := 0
			for i < len(row) && row[i] != ',' {
				i++
			}
			f, row = row[:i], row[i:]
		}
		fields = append(fields, f)
		if len(row) == 0 {
			return fields
		}
		row = row[1:] // the comma
	}
}

// expand fills d.out from the compact fields.
func (d *dolRow) expand() {
	r, f := d.r, d.fields
	out := d.out
	for i := range out {
		out[i] = ""
	}
	for i, j := range compactInDOL {
		if i < len(f) {
			out[j] = string(f[i])
		}
	}
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	set := func(name, v string) { out[dolIndex[name]] = v }
	received, err := time.Parse("01/02/2006", out[dolIndex["RECEIVED_DATE"]])
	if err != nil {
		received = time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	}
	date := func(t time.Time) string { return t.Format("01/02/2006") }
	set("DECISION_DATE", date(received.AddDate(0, 0, 6+r.IntN(3))))
	set("VISA_CLASS", pick([]string{"H-1B", "H-1B", "H-1B", "H-1B", "H-1B", "H-1B", "H-1B", "H-1B", "E-3 Australian", "H-1B1 Singapore"}))
	begin := received.AddDate(0, 0, 7+r.IntN(170))
	set("BEGIN_DATE", date(begin))
	set("END_DATE", date(begin.AddDate(3, 0, -1)))
	set("TOTAL_WORKER_POSITIONS", "1")
	flags := []string{"NEW_EMPLOYMENT", "CONTINUED_EMPLOYMENT", "CHANGE_PREVIOUS_EMPLOYMENT", "NEW_CONCURRENT_EMPLOYMENT", "CHANGE_EMPLOYER", "AMENDED_PETITION"}
	hit := r.IntN(len(flags))
	for i, fl := range flags {
		v := "0"
		if i == hit {
			v = "1"
		}
		set(fl, v)
	}
	state := out[dolIndex["WORKSITE_STATE"]]
	ps, ok := cities[state]
	if !ok {
		ps = []place{{"SPRINGFIELD", "GREENE", "00000"}}
		if state == "" {
			ps = []place{{"", "", ""}}
		}
	}
	ws := ps[r.IntN(len(ps))]
	emp := ps[r.IntN(len(ps))]
	num := func() string { return strconv.Itoa(100 + r.IntN(9800)) }
	set("EMPLOYER_ADDRESS1", num()+" "+pick(streets))
	if r.IntN(4) == 0 {
		set("EMPLOYER_ADDRESS2", "SUITE "+strconv.Itoa(100+r.IntN(900)))
	}
	set("EMPLOYER_CITY", emp.city)
	set("EMPLOYER_STATE", state)
	set("EMPLOYER_POSTAL_CODE", emp.zip)
	set("EMPLOYER_COUNTRY", "UNITED STATES OF AMERICA")
	phone := func() string { return "+1" + strconv.Itoa(2000000000+r.IntN(7999999999)) }
	set("EMPLOYER_PHONE", phone())
	set("NAICS_CODE", pick(naics))
	last, first := pick(lastNames), pick(firstNames)
	set("EMPLOYER_POC_LAST_NAME", last)
	set("EMPLOYER_POC_FIRST_NAME", first)
	set("EMPLOYER_POC_JOB_TITLE", pick([]string{"IMMIGRATION MANAGER", "HR DIRECTOR", "GLOBAL MOBILITY SPECIALIST", "VICE PRESIDENT, HUMAN RESOURCES"}))
	set("EMPLOYER_POC_ADDRESS1", out[dolIndex["EMPLOYER_ADDRESS1"]])
	set("EMPLOYER_POC_CITY", emp.city)
	set("EMPLOYER_POC_STATE", state)
	set("EMPLOYER_POC_POSTAL_CODE", emp.zip)
	set("EMPLOYER_POC_COUNTRY", "UNITED STATES OF AMERICA")
	set("EMPLOYER_POC_PHONE", phone())
	set("EMPLOYER_POC_EMAIL", strings.ToLower(first[:1]+last)+"@example.com")
	if r.IntN(10) < 8 {
		set("AGENT_REPRESENTING_EMPLOYER", "Yes")
		set("AGENT_ATTORNEY_LAST_NAME", pick(lastNames))
		set("AGENT_ATTORNEY_FIRST_NAME", pick(firstNames))
		set("AGENT_ATTORNEY_ADDRESS1", num()+" "+pick(streets))
		set("AGENT_ATTORNEY_CITY", "NEW YORK")
		set("AGENT_ATTORNEY_STATE", "NY")
		set("AGENT_ATTORNEY_POSTAL_CODE", "10017")
		set("AGENT_ATTORNEY_COUNTRY", "UNITED STATES OF AMERICA")
		set("AGENT_ATTORNEY_PHONE", phone())
		set("AGENT_ATTORNEY_EMAIL_ADDRESS", "immigration@lawfirm.example")
		set("LAWFIRM_NAME_BUSINESS_NAME", pick(lawFirms))
		set("STATE_OF_HIGHEST_COURT", "NY")
		set("NAME_OF_HIGHEST_STATE_COURT", "NEW YORK COURT OF APPEALS")
	} else {
		set("AGENT_REPRESENTING_EMPLOYER", "No")
	}
	set("WORKSITE_WORKERS", "1")
	set("SECONDARY_ENTITY", "No")
	set("WORKSITE_ADDRESS1", num()+" "+pick(streets))
	set("WORKSITE_CITY", ws.city)
	set("WORKSITE_COUNTY", ws.county)
	set("WORKSITE_POSTAL_CODE", ws.zip)
	if out[dolIndex["PREVAILING_WAGE"]] != "" {
		src := pick(pwSources)
		if src == "OTHER" {
			set("PW_OTHER_SOURCE", "Survey")
			set("PW_OTHER_YEAR", strconv.Itoa(received.Year()-1))
			set("PW_SURVEY_PUBLISHER", "Radford")
			set("PW_SURVEY_NAME", "Radford Global Technology Survey")
		} else {
			y := received.Year()
			if received.Month() < time.July {
				y--
			}
			set("PW_OES_YEAR", "07/01/"+strconv.Itoa(y)+" - 06/30/"+strconv.Itoa(y+1))
		}
	}
	set("TOTAL_WORKSITE_LOCATIONS", "1")
	set("AGREE_TO_LC_STATEMENT", "Yes")
	dep := pick([]string{"No", "No", "No", "Yes"})
	set("H-1B_DEPENDENT", dep)
	set("WILLFUL_VIOLATOR", "No")
	if dep == "Yes" {
		set("SUPPORT_H1B", "Yes")
		set("STATUTORY_BASIS", "Wage")
		set("APPENDIX_A_ATTACHED", "Yes")
	}
	set("PUBLIC_DISCLOSURE", "Disclose Business")
	set("PREPARER_LAST_NAME", pick(lastNames))
	set("PREPARER_FIRST_NAME", pick(firstNames))
	set("PREPARER_BUSINESS_NAME", pick(lawFirms))
	set("PREPARER_EMAIL", "preparer@lawfirm.example")
}

// rowConverter takes the compact CSV the generators write, line by line,
// and writes it in another layout or format.
type rowConverter struct {
	w       io.Writer
	dol     bool
	xlsx    bool
	inline  bool // xlsx: inline strings, no shared-strings table
	profile string
	seed    int64
	pending []byte
	header  bool // the header line has been handled
	fields  [][]byte
	row     dolRow
	cells   []string
	x       *xlsxWriter
	csv     *bufio.Writer
	line    []byte
	err     error
}

func (c *rowConverter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.pending = append(c.pending, p...)
			break
		}
		line := p[:i+1]
		if len(c.pending) > 0 {
			c.pending = append(c.pending, line...)
			line = c.pending
		}
		if err := c.line1(line); err != nil {
			c.err = err
			return 0, err
		}
		c.pending = c.pending[:0]
		p = p[i+1:]
	}
	return n, nil
}

// line1 handles one compact line (ending in '\n').
func (c *rowConverter) line1(line []byte) error {
	c.fields = splitCompact(line, c.fields)
	if !c.header {
		c.header = true
		hdr := make([]string, len(c.fields))
		for i, f := range c.fields {
			hdr[i] = string(f)
		}
		kinds := make([]cellKind, len(hdr))
		if c.dol {
			hdr = dolHeader
			kinds = make([]cellKind, len(hdr))
			c.row = dolRow{r: newRand(c.seed, 7), out: make([]string, len(dolHeader))}
		}
		for i, h := range hdr {
			kinds[i] = dolKinds[h]
			if c.profile == ProfileSurvey {
				kinds[i] = surveyKinds[h]
			}
		}
		c.cells = make([]string, len(hdr))
		if c.xlsx {
			x, err := newXLSXWriter(c.w, hdr, kinds, c.inline)
			if err != nil {
				return err
			}
			c.x = x
			return nil
		}
		c.csv = bufio.NewWriterSize(c.w, 1<<20)
		return c.writeCSV(hdr)
	}
	cells := c.cells
	if c.dol {
		c.row.fields = c.fields
		c.row.expand()
		cells = c.row.out
	} else {
		for i := range cells {
			cells[i] = ""
			if i < len(c.fields) {
				cells[i] = string(c.fields[i])
			}
		}
	}
	if c.x != nil {
		return c.x.write(cells)
	}
	return c.writeCSV(cells)
}

var surveyKinds = map[string]cellKind{"work_year": kNumber, "salary": kNumber, "salary_in_usd": kNumber, "remote_ratio": kNumber}

func (c *rowConverter) writeCSV(cells []string) error {
	b := c.line[:0]
	for i, f := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, csvField(f)...)
	}
	b = append(b, '\n')
	c.line = b
	_, err := c.csv.Write(b)
	return err
}

// Close writes what is buffered and ends the file.
func (c *rowConverter) Close() error {
	if c.err != nil {
		return c.err
	}
	if len(c.pending) > 0 {
		return fmt.Errorf("synth: a row without its line end")
	}
	if c.x != nil {
		return c.x.Close()
	}
	if c.csv != nil {
		if err := c.csv.Flush(); err != nil {
			return fmt.Errorf("synth: write: %w", err)
		}
	}
	return nil
}
