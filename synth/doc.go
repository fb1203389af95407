// Package synth owns the synthetic data behind `payband gen` (SPEC §9):
// deterministic, realistic salary files for demos, tests and benchmarks.
//
// Two profiles are produced, matching the ingest profiles of the same name:
//
//   - "lca": a US DOL H-1B LCA disclosure file with the FY2020+ column names
//     (CASE_NUMBER, CASE_STATUS, RECEIVED_DATE, JOB_TITLE, SOC_CODE, ...).
//   - "survey": an isecjobs.com / infosec-jobs.com style salary survey
//     (work_year, experience_level, ..., salary_in_usd, ..., company_size).
//
// The package owns the title vocabulary (the information-security families
// of the default taxonomy, non-security titles and confusers such as
// "Securities Analyst" or "Security Guard") and the real-world noise applied
// to it (case, abbreviations, seniority words, word-order swaps, requisition
// numbers, locations, typos); pay drawn per family, seniority and year from
// log-normal distributions and written in mixed wage units and ranges; and
// the deliberate defects a loader must cope with: about 1% bad rows (empty
// title, pay "N/A", negative or absurd pay, unknown unit or currency, year
// out of range) and, in the lca profile, about 0.3% rows repeating an
// earlier case.
//
// Output depends only on Options: the same options give the same bytes.
// The package is self-contained and imports no other payband package.
package synth
