// Package titles normalizes job titles: a Taxonomy (data/taxonomy.yaml by
// default, format in docs/taxonomy.md) lists job families with their
// canonical title, SOC 2018 codes, aliases and token rules. A Matcher
// cleans a raw title (Unicode NFKC and case folding; requisition codes,
// places and "Remote" dropped; words in parentheses kept as weaker cues;
// abbreviations expanded; typos of decisive words corrected; level words
// pulled out, role and rank words told apart) and then tries the exact,
// alias, rule and fuzzy stages, security families first. Overrides (an
// analyst's CSV) come before every stage. Every result carries a
// confidence and the method that produced it, and Explain lists every step
// for a person. Titles are normalized once per distinct value (Cache), not
// once per row. Package payband/taxonomy/onet builds a taxonomy for every
// O*NET occupation on top of the security families.
//
// titles knows only payband/data among payband packages; it does not touch
// the warehouse.
package titles
