#!/usr/bin/env bash
# End-to-end benchmark: one generated LCA-shaped file, timed four ways in one
# run, with peak RSS from /usr/bin/time -v:
#   (a) DuckDB's own CREATE TABLE AS SELECT * FROM read_csv(...)
#   (b) payband ingest
#   (c) payband run: ingest, normalize, bands, charts, report
#   (d) the pandas + matplotlib script in bench/pandas_job.py
# ROWS (default 2000000) sets the file size. SQLPATH=1 also times the
# SQL-only ingest design (bench/sqlpath) on the same file.
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

rm -f "$OUT/results.txt" "$OUT"/*.duckdb "$OUT"/*.duckdb.wal
measure a_duckdb "$OUT/duckdbload" "$CSV" "$OUT/a.duckdb"
measure b_ingest "$BIN" --db "$OUT/b.duckdb" -q ingest "$CSV"
cat >"$OUT/pipeline.yaml" <<YAML
output: c_reports
sources:
  - path: $(basename "$CSV")
    profile: lca
YAML
rm -rf "$OUT/c_reports"
measure c_run "$BIN" --db "$OUT/c.duckdb" -q run --config "$OUT/pipeline.yaml"
# Debian's python3-pandas and python3-matplotlib live under /usr/bin/python3,
# which may not be the python3 first on PATH.
PY=python3
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import pandas, matplotlib' 2>/dev/null; then PY=$p; break; fi
done
if "$PY" -c 'import pandas, matplotlib' 2>/dev/null; then
	measure d_pandas "$PY" bench/pandas_job.py "$CSV" "$OUT/d_out"
else
	echo "bench: python3-pandas and python3-matplotlib are not installed; skipping (d)" >&2
fi

if [ "${SQLPATH:-0}" = 1 ]; then
	go build -tags duckdb_arrow -o "$OUT/sqlpath" ./bench/sqlpath
	"$OUT/sqlpath" "$CSV" "$OUT"
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "file: $CSV ($ROWS rows, $(du -h "$CSV" | cut -f1))"
awk 'NR==1 {base=$2} {printf "%-10s %8.2f s  %6.0f MiB peak RSS  ratio to (a) %.2f\n", $1, $2, $3/1024, $2/base}' "$OUT/results.txt"
awk '$1=="c_run" {c=$2} $1=="d_pandas" {d=$2} END {if (c && d) printf "(d)/(c) = %.2f\n", d/c}' "$OUT/results.txt"
