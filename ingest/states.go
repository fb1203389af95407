package ingest

import "strings"

// StateCode returns the two-letter postal code of a US state, district or
// territory given by code or name in any case ("va", "VA", "Virginia"),
// and whether s named one. It is the mapping ingest applies to LCA
// worksites, so a filter means what the loaded rows hold.
func StateCode(s string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if usCodes[u] {
		return u, true
	}
	c, ok := usStateKeys[stateKey(u)]
	return c, ok
}
