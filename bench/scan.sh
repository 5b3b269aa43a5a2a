#!/usr/bin/env bash
# Scan benchmark: initial scan and a rescan with nothing changed, with peak memory.
#   bench/scan.sh LIBRARY_DIR [DATABASE_URL]
# Without DATABASE_URL a fresh SQLite catalog is used; with a postgres:// URL, the database is
# emptied first (it must be one you can drop tables in).
set -euo pipefail
cd "$(dirname "$0")/.."
library=$(realpath "$1")
db_url=${2:-}

./scripts/bootstrap.sh
cargo build --release --locked -q
bin=${CARGO_TARGET_DIR:-target}/release/albumen

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
args=(--library "$library" --data "$data")
if [ -n "$db_url" ]; then
  psql -q "$db_url" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
  args+=(--database-url "$db_url")
fi

run() {
  local label=$1
  /usr/bin/time -f '%M' -o "$data/rss" "$bin" "${args[@]}" scan --json > "$data/report.json"
  python3 - "$label" "$data/report.json" "$data/rss" <<'PY'
import json, sys
label, report, rss = sys.argv[1], json.load(open(sys.argv[2])), int(open(sys.argv[3]).read().split()[-1])
print(f"{label:<22} {report['seconds']:8.3f} s  {report['files']:>7} files  {report['albums']:>5} albums"
      f"  added {report['added']:>7}  unchanged {report['unchanged']:>7}  problems {report['problems']:>4}"
      f"  peak RSS {rss / 1024:6.1f} MB")
PY
}

echo "backend: ${db_url:+PostgreSQL}${db_url:-SQLite}; library: $library"
sync; run "initial scan"
run "rescan, no change"
