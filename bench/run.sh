#!/usr/bin/env bash
# End-to-end benchmark: one generated LCA-shaped file, timed four ways in one
# run, with peak RSS from /usr/bin/time -v:
#   (a) DuckDB's own CREATE TABLE AS SELECT * FROM read_csv(...)
#   (b) payband ingest
#   (c) payband run: ingest, normalize, bands, charts, report
#   (d) the pandas + matplotlib script in bench/pandas_job.py
#   (e) the same rows as a 96-column DOL XLSX through payband ingest, beside
#       their CSV and pandas' read_excel (bench/pandas_excel.py)
# ROWS (default 2000000) sets the file size; REPEAT (default 1) runs the
# four that many times in rounds and prints each round's ratios and the
# medians. SQLPATH=1 also times the SQL-only ingest design (bench/sqlpath)
# on the same file.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-2000000}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
BIN=bin/payband
[ -x "$BIN" ] || make build
go build -tags duckdb_arrow -o "$OUT/duckdbload" ./bench/duckdbload
CSV="$OUT/lca_$ROWS.csv"
if [ ! -f "$CSV" ]; then
	echo "generating $ROWS rows"
	"$BIN" gen --profile lca --rows "$ROWS" --seed 1 --out "$CSV"
fi
TIME=/usr/bin/time
if ! "$TIME" -v true >/dev/null 2>&1; then
	echo "bench: /usr/bin/time is needed (apt-get install time)" >&2
	exit 1
fi

measure() { # name, command...
	local name=$1
	shift
	local log="$OUT/$name.time"
	local start end
	start=$(date +%s.%N)
	"$TIME" -v "$@" >"$OUT/$name.out" 2>"$log" || { echo "$name failed:"; tail -5 "$log"; return 1; }
	end=$(date +%s.%N)
	local rss
	rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
	printf '%s %.2f %d\n' "$name" "$(echo "$end - $start" | bc -l)" "$rss" >>"$OUT/results.txt"
}

# Debian's python3-pandas and python3-matplotlib live under /usr/bin/python3,
# which may not be the python3 first on PATH.
PY=python3
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import pandas, matplotlib' 2>/dev/null; then PY=$p; break; fi
done
HAVE_PANDAS=0
if "$PY" -c 'import pandas, matplotlib' 2>/dev/null; then
	HAVE_PANDAS=1
else
	echo "bench: python3-pandas and python3-matplotlib are not installed; skipping (d)" >&2
fi
cat >"$OUT/pipeline.yaml" <<YAML
output: c_reports
sources:
  - path: $(basename "$CSV")
    profile: lca
YAML

# REPEAT rounds of (a) to (d), each round in this order, so every ratio
# compares runs made within a minute or two of each other.
rm -f "$OUT/results.txt"
for round in $(seq "${REPEAT:-1}"); do
	rm -rf "$OUT"/*.duckdb "$OUT"/*.duckdb.wal "$OUT/c_reports"
	measure a_duckdb "$OUT/duckdbload" "$CSV" "$OUT/a.duckdb"
	measure b_ingest "$BIN" --db "$OUT/b.duckdb" -q ingest "$CSV"
	measure c_run "$BIN" --db "$OUT/c.duckdb" -q run --config "$OUT/pipeline.yaml"
	if [ "$HAVE_PANDAS" = 1 ]; then
		measure d_pandas "$PY" bench/pandas_job.py "$CSV" "$OUT/d_out"
	fi
done

# (e) The same LCA rows as a 96-column DOL workbook (XLSX_ROWS rows,
# default 300000) through `payband ingest`, beside the same rows as CSV and
# pandas' read_excel on the same workbook. XLSX=0 skips it.
if [ "${XLSX:-1}" = 1 ]; then
	XROWS=${XLSX_ROWS:-300000}
	DOLCSV="$OUT/dol_$XROWS.csv"
	DOLXLSX="$OUT/dol_$XROWS.xlsx"
	[ -f "$DOLCSV" ] || "$BIN" gen --profile lca --layout dol --rows "$XROWS" --seed 1 --out "$DOLCSV"
	[ -f "$DOLXLSX" ] || "$BIN" gen --profile lca --layout dol --format xlsx --rows "$XROWS" --seed 1 --out "$DOLXLSX"
	rm -f "$OUT"/e*.duckdb "$OUT"/e*.duckdb.wal
	measure e_csv "$BIN" --db "$OUT/e_csv.duckdb" -q ingest "$DOLCSV"
	measure e_xlsx "$BIN" --db "$OUT/e_xlsx.duckdb" -q ingest "$DOLXLSX"
	XPY=
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import pandas, openpyxl' 2>/dev/null; then XPY=$p; break; fi
	done
	if [ -n "$XPY" ]; then
		measure e_pandas_read_excel "$XPY" bench/pandas_excel.py "$DOLXLSX"
	else
		echo "bench: python3-pandas and python3-openpyxl are needed for pandas' read_excel; skipping it" >&2
	fi
	awk '/^e_/ { t[$1] = $2; r[$1] = $3 } END {
		printf "(e) %s rows, 96 columns: CSV ingest %.2f s, XLSX ingest %.2f s (%.2fx the CSV, %.0f MiB)", '"$XROWS"', t["e_csv"], t["e_xlsx"], t["e_xlsx"] / t["e_csv"], r["e_xlsx"] / 1024
		if ("e_pandas_read_excel" in t) printf ", pandas read_excel %.2f s (%.1fx the XLSX ingest)", t["e_pandas_read_excel"], t["e_pandas_read_excel"] / t["e_xlsx"]
		print ""
	}' "$OUT/results.txt"
fi

if [ "${SQLPATH:-0}" = 1 ]; then
	go build -tags duckdb_arrow -o "$OUT/sqlpath" ./bench/sqlpath
	"$OUT/sqlpath" "$CSV" "$OUT"
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "file: $CSV ($ROWS rows, $(du -h "$CSV" | cut -f1))"
# One line per run, then each round's ratios, then the median of each.
awk -v rounds="${REPEAT:-1}" '
	{ n[$1]++; t[$1, n[$1]] = $2; r[$1, n[$1]] = $3; names[$1] = 1; order[++k] = $1 }
	function median(name, m,   i, j, x, v) {
		for (i = 1; i <= m; i++) v[i] = t[name, i]
		for (i = 2; i <= m; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
		return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	END {
		split("a_duckdb b_ingest c_run d_pandas", list, " ")
		for (i = 1; i <= rounds; i++) {
			line = sprintf("round %d:", i)
			for (j = 2; j <= 4; j++) if ((list[j], i) in t) line = line sprintf("  %s/a %.2f", substr(list[j], 1, 1), t[list[j], i] / t["a_duckdb", i])
			if (("d_pandas", i) in t) line = line sprintf("  d/c %.2f", t["d_pandas", i] / t["c_run", i])
			print line
		}
		base = median("a_duckdb", n["a_duckdb"])
		for (i = 1; i <= 4; i++) {
			name = list[i]
			if (!(name in names)) continue
			peak = 0
			for (j = 1; j <= n[name]; j++) if (r[name, j] > peak) peak = r[name, j]
			printf "%-10s median %8.2f s  %6.0f MiB peak RSS  ratio to (a) %.2f\n", name, median(name, n[name]), peak / 1024, median(name, n[name]) / base
		}
		if ("d_pandas" in names) printf "(d)/(c) = %.2f (medians)\n", median("d_pandas", n["d_pandas"]) / median("c_run", n["c_run"])
	}' "$OUT/results.txt"
