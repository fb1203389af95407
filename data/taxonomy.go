package data

import _ "embed"

// TaxonomyYAML is the default title taxonomy (the information-security career
// ladder). titles.DefaultTaxonomy parses it; docs/taxonomy.md describes the
// format.
//
//go:embed taxonomy.yaml
var TaxonomyYAML []byte
