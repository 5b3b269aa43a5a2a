#!/usr/bin/env bash
# Scan benchmark: initial scan and a rescan with nothing changed, with peak memory.
#   bench/scan.sh LIBRARY_DIR [POSTGRES_SERVER_URL]
# Without a URL a fresh SQLite catalog is used. With a postgres:// URL (e.g.
# postgres://postgres@127.0.0.1:5432/postgres), a fresh database albumen_bench_<random> is created
# on that server and dropped at exit; the URL's own database is only where CREATE/DROP DATABASE
# run (postgres when the URL names none), and nothing in it is touched. The URL's role needs
# CREATEDB.
set -euo pipefail
cd "$(dirname "$0")/.."
library=$(realpath "$1")
server_url=${2:-}
case $server_url in
  "" | postgres://* | postgresql://*) ;;
  *) echo "usage: $0 LIBRARY_DIR [postgres://USER[:PASSWORD]@HOST[:PORT][/DB]]" >&2; exit 2 ;;
esac

./scripts/bootstrap.sh
cargo build --release --locked -q
bin=${CARGO_TARGET_DIR:-target}/release/albumen

data=$(mktemp -d)
bench_db=
admin_url=
cleanup() {
  if [ -n "$bench_db" ]; then
    psql -q -X -v ON_ERROR_STOP=1 "$admin_url" -c "DROP DATABASE IF EXISTS $bench_db" >/dev/null ||
      echo "could not drop database $bench_db" >&2
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
args=(--library "$library" --data "$data")
if [ -n "$server_url" ]; then
  # scheme://authority[/database][?query] -> the same server with another database.
  query=
  case $server_url in *\?*) query="?${server_url#*\?}" ;; esac
  rest=${server_url%%\?*}
  scheme=${rest%%://*}
  rest=${rest#*://}
  authority=${rest%%/*}
  database=${rest#"$authority"}
  database=${database#/}
  admin_url="$scheme://$authority/${database:-postgres}$query"
  name=albumen_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  psql -q -X -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $name" >/dev/null
  bench_db=$name
  args+=(--database-url "$scheme://$authority/$bench_db$query")
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

if [ -n "$bench_db" ]; then backend="PostgreSQL, database $bench_db (dropped at exit)"; else backend=SQLite; fi
echo "backend: $backend; library: $library"
sync; run "initial scan"
run "rescan, no change"
