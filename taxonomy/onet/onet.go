package onet

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"payband/titles"
)

// O*NET "Alternate Titles" columns Import needs.
var onetColumns = []string{"O*NET-SOC Code", "Title", "Alternate Title", "Short Title"}

// Import builds a taxonomy with one family per O*NET-SOC occupation from
// the "Alternate Titles" workbook (columns O*NET-SOC Code, Title, Alternate
// Title, Short Title, Source(s)), on top of base. The result keeps base's
// vocabulary, threshold and families, ahead of the imported ones; an
// alternate title that base already places in a security family is left
// out, so imported families never capture what the security families match.
// Imported family ids are "onet-" plus the O*NET-SOC code, e.g.
// "onet-29-1141.00"; their SOC is the 2018 SOC code, "29-1141".
//
// The workbook is read with a streaming row iterator, so memory holds the
// families, not the sheet. An alternate title that several occupations
// share is kept in each: the matcher down-weights an alias by the number
// of families listing it (docs/taxonomy.md), so a bare "Analyst" or
// "Security Officer" stays under the threshold.
func Import(ctx context.Context, path string, base *titles.Taxonomy) (*titles.Taxonomy, error) {
	if base == nil {
		return nil, errors.New("import O*NET: no base taxonomy")
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("import O*NET: %w", err)
	}
	defer f.Close()
	sheet := "Alternate Titles"
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("import O*NET: %s: no sheets", path)
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("import O*NET: %s: %w", path, err)
	}
	defer rows.Close()

	bm := titles.NewMatcher(base)
	out := base.CloneVocabulary()
	out.Version = base.Version + "+onet"
	out.Families = append(out.Families, base.Families...)
	taken := map[string]bool{}
	for _, fam := range base.Families {
		taken[fam.ID] = true
	}

	var col map[string]int
	byCode := map[string]int{}      // O*NET-SOC code -> index in out.Families
	seen := map[string]bool{}       // code + folded alias: drop repeats
	isSecurity := map[string]bool{} // alias verdicts of the base matcher
	line := 0
	for rows.Next() {
		line++
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("import O*NET: %s: row %d: %w", path, line, err)
		}
		if col == nil {
			col = map[string]int{}
			for i, c := range cells {
				col[strings.TrimSpace(c)] = i
			}
			for _, want := range onetColumns {
				if _, ok := col[want]; !ok {
					return nil, fmt.Errorf("import O*NET: %s: sheet %q has no column %q", path, sheet, want)
				}
			}
			continue
		}
		get := func(name string) string {
			if i := col[name]; i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		code, title := get("O*NET-SOC Code"), get("Title")
		if code == "" || title == "" {
			continue
		}
		if !titles.ValidSOC(code) {
			return nil, fmt.Errorf("import O*NET: %s: row %d: O*NET-SOC code %q", path, line, code)
		}
		fi, ok := byCode[code]
		if !ok {
			id := "onet-" + code
			if taken[id] {
				return nil, fmt.Errorf("import O*NET: %s: row %d: family id %q already in the base taxonomy", path, line, id)
			}
			taken[id] = true
			out.Families = append(out.Families, titles.Family{ID: id, Name: title, SOC: []string{code[:7]}})
			fi = len(out.Families) - 1
			byCode[code] = fi
		}
		for _, alt := range []string{get("Alternate Title"), get("Short Title")} {
			if alt == "" {
				continue
			}
			k := code + "\x00" + strings.ToLower(alt)
			if seen[k] {
				continue
			}
			seen[k] = true
			sec, done := isSecurity[alt]
			if !done {
				m := bm.Match(alt)
				sec = m.Family != "" && base.IsSecurity(m.Family)
				isSecurity[alt] = sec
			}
			if sec {
				continue
			}
			out.Families[fi].Aliases = append(out.Families[fi].Aliases, alt)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("import O*NET: %s: %w", path, err)
	}
	if col == nil {
		return nil, fmt.Errorf("import O*NET: %s: sheet %q is empty", path, sheet)
	}
	if len(byCode) == 0 {
		return nil, fmt.Errorf("import O*NET: %s: no occupations", path)
	}
	if err := out.Check(); err != nil {
		return nil, fmt.Errorf("import O*NET: %w", err)
	}
	return out, nil
}
