package titles

import (
	"bytes"
	"strings"
	"testing"

	"payband/data"
)

// FuzzParseTaxonomy: ParseTaxonomy never panics, every error names the
// file, and an accepted taxonomy written back with WriteYAML parses again
// to the same Fingerprint.
func FuzzParseTaxonomy(f *testing.F) {
	f.Add(data.TaxonomyYAML)
	for _, s := range []string{
		"",
		"version: 1\nthreshold: 0.8\nfamilies: []\n",
		"version: 1\nfamilies:\n  - id: security-manager\n    name: Security Manager\n    aliases: [ISSM, \"Info Sec Mgr\"]\n    soc: [11-3021]\n",
		"families:\n  - id: a\n    id: b\n",
		"version: [1\n",
		"families: &a [*a]\n",
		"threshold: .nan\n",
		"version: 1\nfamilies:\n  - id: x\n    name: \"\\u0000\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tax, err := ParseTaxonomy(bytes.NewReader(src), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := tax.WriteYAML(&out); err != nil {
			t.Fatalf("WriteYAML of an accepted taxonomy: %v", err)
		}
		back, err := ParseTaxonomy(bytes.NewReader(out.Bytes()), "roundtrip.yaml")
		if err != nil {
			t.Fatalf("WriteYAML output does not parse: %v\ninput:\n%q\noutput:\n%s", err, src, out.Bytes())
		}
		if back.Fingerprint() != tax.Fingerprint() {
			t.Fatalf("fingerprint changed on the round trip\ninput:\n%q\noutput:\n%s", src, out.Bytes())
		}
		NewMatcher(tax).Match("Information Security Manager")
	})
}
