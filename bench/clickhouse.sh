#!/usr/bin/env bash
# Scale-out benchmark (docs/scale-out.md): ROWS (default 10000000) generated
# LCA rows loaded into a warehouse, exported to two ClickHouse shards on
# 127.0.0.1 behind a Distributed table, then `bands --by family,year` timed
# on each engine. One round; the figures are printed, not asserted.
# Needs Debian's clickhouse-server. The two servers run from a temporary
# directory and are stopped on exit; HTTP ports 28123 and 28124, native
# ports 29001 and 29002 (override with CH_PORT_BASE).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
OUT=${OUT:-bench/out}
BASE=${CH_PORT_BASE:-28000}
mkdir -p "$OUT"
BIN=bin/payband
make build >/dev/null
command -v clickhouse-server >/dev/null || { echo "bench: clickhouse-server is needed (apt-get install clickhouse-server)" >&2; exit 1; }

CSV="$OUT/lca_$ROWS.csv"
DB="$OUT/ch_$ROWS.duckdb"
tim() { # label, command...: wall seconds on stdout
	local label=$1 start end
	shift
	start=$(date +%s.%N)
	"$@" >"$OUT/ch_last.out" 2>"$OUT/ch_last.err" || { echo "$label failed:" >&2; tail -5 "$OUT/ch_last.err" >&2; exit 1; }
	end=$(date +%s.%N)
	awk -v l="$label" -v s="$start" -v e="$end" 'BEGIN { printf "%-42s %8.2f s\n", l, e - s }'
}

[ -f "$CSV" ] || tim "gen $ROWS rows" "$BIN" gen --profile lca --rows "$ROWS" --seed 1 --out "$CSV"
rm -f "$DB" "$DB.wal"
tim "ingest" "$BIN" --db "$DB" ingest "$CSV"

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
shards=""
for i in 1 2; do
	shards+="<shard><replica><host>127.0.0.1</host><port>$((BASE + 1000 + i))</port></replica></shard>"
done
for i in 1 2; do
	d="$tmp/s$i"
	mkdir -p "$d"
	cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/err.log</errorlog></logger>
  <http_port>$((BASE + 122 + i))</http_port>
  <tcp_port>$((BASE + 1000 + i))</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$d/data/</path><tmp_path>$d/tmp/</tmp_path><user_files_path>$d/uf/</user_files_path>
  <format_schema_path>$d/fs/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <default_profile>default</default_profile><default_database>default</default_database>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <profiles><default></default></profiles><quotas><default></default></quotas>
  <remote_servers><pb>$shards</pb></remote_servers>
</yandex>
XML
	clickhouse-server --config-file="$d/config.xml" >"$d/stdout" 2>&1 &
	pids+=($!)
done
for i in 1 2; do
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$((BASE + 122 + i))/ping" >/dev/null && break
		sleep 0.2
	done
done
URL="clickhouse://127.0.0.1:$((BASE + 123))/payband?cluster=pb&shards=127.0.0.1:$((BASE + 123)),127.0.0.1:$((BASE + 124))"
tim "export to two shards" "$BIN" --db "$DB" export --to "$URL"
cat "$OUT/ch_last.out"
tim "export again (nothing to do)" "$BIN" --db "$DB" export --to "$URL"
tim "bands --by family,year, local" "$BIN" --db "$DB" bands --by family,year --format csv
cp "$OUT/ch_last.out" "$OUT/ch_bands_local.csv"
tim "bands --by family,year, clickhouse" "$BIN" --db "$DB" bands --by family,year --format csv --engine "$URL"
cp "$OUT/ch_last.out" "$OUT/ch_bands_clickhouse.csv"
if cmp -s "$OUT/ch_bands_local.csv" "$OUT/ch_bands_clickhouse.csv"; then
	echo "bands: the two engines print the same $(($(wc -l <"$OUT/ch_bands_local.csv") - 1)) rows"
else
	echo "bands: the engines differ:"
	diff "$OUT/ch_bands_local.csv" "$OUT/ch_bands_clickhouse.csv" | head
	exit 1
fi
tim "bands --by family,year --real 2024, local" "$BIN" --db "$DB" bands --by family,year --real 2024 --format csv
tim "bands --by family,year --real 2024, ch" "$BIN" --db "$DB" bands --by family,year --real 2024 --format csv --engine "$URL"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
