package ingest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"payband/warehouse"
)

// Datasets (docs/methodology.md, "Datasets"). Every source belongs to a
// dataset, a publisher's series: the name given with --dataset (or
// dataset: in a pipeline's source entry); else the publisher the file's
// name or profile says (isecjobs, aijobs, dol-lca, bls-oews); else the
// dataset of a loaded source the file is another snapshot of; else the
// file's name without its extension and a trailing date.
const (
	DatasetISecJobs = "isecjobs"
	DatasetAIJobs   = "aijobs"
	DatasetDOLLCA   = "dol-lca"
	DatasetBLSOEWS  = "bls-oews"
)

// SnapshotOverlap is the share of rows two sources must have in common,
// counted against the smaller of the two, for one to be taken as another
// snapshot of the other. The Kaggle copies of the surveys overlap them by
// 88% and 91%, an older isecjobs snapshot its successor by 98–100%, while
// the two Foorilla surveys (different datasets of the same shape) share
// 2.6%: a half sits far from both.
const SnapshotOverlap = 0.5

// datasetByName is the dataset a file's name or profile says, or "".
func datasetByName(path, profile string) string {
	switch profile {
	case "lca":
		return DatasetDOLLCA
	case "oews":
		return DatasetBLSOEWS
	}
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.Contains(base, "infosec") || strings.Contains(base, "isecjobs") || strings.Contains(base, "isec_jobs"):
		return DatasetISecJobs
	case strings.Contains(base, "aijobs") || strings.Contains(base, "ai_jobs") || strings.Contains(base, "ai-jobs"):
		return DatasetAIJobs
	case strings.Contains(base, "h1b") || strings.Contains(base, "lca_disclosure") || strings.HasPrefix(base, "lca_"):
		return DatasetDOLLCA
	}
	return ""
}

var trailingDate = regexp.MustCompile(`[-_ .]*(\d{4}[-_]?\d{2}[-_]?\d{2}|\d{4}[-_]q[1-4]|fy\d{4}(_q[1-4])?)$`)

// datasetStem is a file's name without extensions and a trailing date:
// "salaries_2025-08-03.csv.gz" → "salaries".
func datasetStem(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for {
		ext := filepath.Ext(base)
		if ext == "" || len(ext) > 8 {
			break
		}
		base = strings.TrimSuffix(base, ext)
	}
	if s := trailingDate.ReplaceAllString(base, ""); s != "" {
		base = s
	}
	return base
}

// Overlap is how much of a file is another loaded source's rows.
type Overlap struct {
	Source   string  // the other source's file name
	Dataset  string  // its dataset
	Shared   int64   // rows in common (as a multiset: equal rows count as often as both hold them)
	Fraction float64 // Shared over the smaller source's rows
}

// supersession is what the fingerprints said about a new source.
type supersession struct {
	overlaps     []Overlap
	dataset      string               // the dataset of the source it is a snapshot of, or ""
	supersedes   []warehouse.Snapshot // sources the new one supersedes
	supersededBy *warehouse.Snapshot  // the newer source that supersedes the new one
}

// findSnapshots compares the new source's rows with every other active
// source's (the fingerprint of a row: docs/methodology.md). A source
// sharing at least SnapshotOverlap of the smaller's rows is another
// snapshot of the same dataset, and of the two the newer supersedes the
// older as a whole (warehouse.Snapshot.Newer).
func findSnapshots(ls *warehouse.LoadSession, me warehouse.Snapshot) (supersession, error) {
	var s supersession
	shared, err := ls.SharedRows()
	if err != nil {
		return s, err
	}
	var matches []warehouse.Snapshot
	for _, o := range shared {
		frac := float64(o.Shared) / float64(max(min(o.Rows, me.Rows), 1))
		s.overlaps = append(s.overlaps, Overlap{Source: o.Name, Dataset: o.Dataset, Shared: o.Shared, Fraction: frac})
		if frac >= SnapshotOverlap {
			matches = append(matches, o.Snapshot)
		}
	}
	if len(matches) == 0 {
		return s, nil
	}
	newest := me
	for _, o := range matches {
		if o.Newer(newest) {
			newest = o
		}
	}
	s.dataset = matches[0].Dataset
	if newest.ID == me.ID {
		s.supersedes = matches
		return s, nil
	}
	s.supersededBy = &newest
	for _, o := range matches {
		if o.ID != newest.ID {
			s.supersedes = append(s.supersedes, o)
		}
	}
	return s, nil
}

// SnapshotLine says in one line what a load's fingerprints found: the
// overlap with the other source and which snapshot superseded which; ""
// when the file shares no rows with another.
func SnapshotLine(r Result) string {
	var best *Overlap
	for i := range r.Overlaps {
		if best == nil || r.Overlaps[i].Fraction > best.Fraction {
			best = &r.Overlaps[i]
		}
	}
	if best == nil {
		return ""
	}
	share := fmt.Sprintf("%s shares %d rows (%.1f%% of the smaller) with %s", r.Source, best.Shared, 100*best.Fraction, best.Source)
	switch {
	case r.SupersededBy != "":
		return fmt.Sprintf("%s: an older snapshot of dataset %s; superseded by %s, its rows retired (lineage kept)", share, r.Dataset, r.SupersededBy)
	case len(r.Supersedes) > 0:
		return fmt.Sprintf("%s: a newer snapshot of dataset %s; supersedes %s, whose rows are retired (lineage kept)", share, r.Dataset, strings.Join(r.Supersedes, ", "))
	}
	return share + fmt.Sprintf(": under %.0f%%, so not another snapshot", 100*SnapshotOverlap)
}
