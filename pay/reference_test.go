package pay

import (
	"strings"
	"testing"
)

func TestReferenceBands(t *testing.T) {
	bands, err := ReferenceBands()
	if err != nil {
		t.Fatal(err)
	}
	var seed *ReferenceBand
	for i := range bands {
		if bands[i].Family == "security-manager" && bands[i].Year == 2016 {
			seed = &bands[i]
		}
	}
	if seed == nil {
		t.Fatalf("no 2016 security-manager band in %+v", bands)
	}
	want := ReferenceBand{
		Publisher: "career page (seed material)", Occupation: "Security Manager", Family: "security-manager",
		Area: "US", Note: "average, starting and maximum yearly salary, 2016 figures",
		Year: 2016, Mean: 60985, Low: 33037, High: 109370,
	}
	if *seed != want {
		t.Errorf("seed band = %+v, want %+v", *seed, want)
	}
}

func TestParseReferenceBandsErrors(t *testing.T) {
	const header = "publisher,code,occupation,family,year,area,mean,low,high,note\n"
	for name, in := range map[string]string{
		"empty":    "",
		"header":   "publisher,code\n",
		"year":     header + "p,,o,f,y2016,US,1,1,1,n\n",
		"negative": header + "p,,o,f,2016,US,-1,1,1,n\n",
		"inverted": header + "p,,o,f,2016,US,5,9,1,n\n",
		"fields":   header + "p,,o,f,2016,US,5,1,9\n",
	} {
		if _, err := parseReferenceBands(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted %q", name, in)
		}
	}
	bands, err := parseReferenceBands(strings.NewReader(header + "p,11-3021,o,f,2016,US,,1,9,n\n"))
	if err != nil || len(bands) != 1 || bands[0].Mean == bands[0].Mean {
		t.Errorf("missing mean should be NaN: %+v, %v", bands, err)
	}
}
