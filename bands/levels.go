package bands

import "payband/titles"

// LevelLadder is the one level ladder, lowest first: the matcher's levels
// (titles.Levels) and then unspecified (nothing says), which sorts last.
// Levels sort by it in every table and chart, never alphabetically; the
// salaries view's level_rank (warehouse/sql/views.sql) spells the same
// list, and a test holds the two together.
var LevelLadder = append(titles.Levels(), titles.LevelUnspecified)

// levelColumns hold ladder values (the salaries view decodes every source's
// level words and codes onto the ladder) and sort by rank on LevelLadder.
var levelColumns = map[string]bool{"level": true, "seniority": true, "title_seniority": true, "experience_level": true}

// IsLevelColumn reports whether salaries column c holds LevelLadder values
// and sorts by rank on it.
func IsLevelColumn(c string) bool { return levelColumns[c] }
