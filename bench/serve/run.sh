#!/usr/bin/env bash
# Delivery benchmark (issue 6): one command, prints figures; not a test.
#   bench/serve/run.sh [SECONDS]          (default 20 s per wrk run)
# Builds albumen --release, generates a 50-photo album of ~6 MB JPEGs (bench/gen_library.py,
# cached in $ALBUMEN_BENCH_LIBRARY or /tmp/albumen-bench-serve-library), starts `albumen serve`
# with a fresh catalog, logs in through POST /api/v1/session and measures with wrk (16
# connections, 2 threads, loopback):
#   (a) a cached `standard` preview through Albumen,
#   (b) the album page (50 photos),
#   (c) nginx serving the same preview file statically, in the same run,
#   (d) the album's ZIP export: throughput against `cat` of the same files, and Albumen's
#       resident memory while it streams (sampled every 20 ms) against idle.
# Needs wrk, nginx, curl, python3 with numpy and pillow (scripts/bootstrap.sh installs the
# system packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20}
connections=16
threads=2

./scripts/bootstrap.sh
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
cargo build --release --locked -q -p albumen
bin=${CARGO_TARGET_DIR:-target}/release/albumen

library=${ALBUMEN_BENCH_LIBRARY:-/tmp/albumen-bench-serve-library}
if [ ! -d "$library" ]; then
  echo "bench: generating 50 photos of 4800x3300 in $library (once)" >&2
  python3 bench/gen_library.py --out "$library" --albums 1 --per-album 50 \
    --width 4800 --height 3300 >&2
fi

work=$(mktemp -d)
chmod 755 "$work"
server_pid=
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

password="bench admin password"
ALBUMEN_ADMIN_PASSWORD="$password" ALBUMEN_LOG=warn \
  "$bin" --library "$library" --data "$work/data" serve --bind 127.0.0.1:0 >"$work/serve.out" &
server_pid=$!
addr=
for _ in $(seq 1 200); do
  addr=$(sed -n 's|.*at http://\([^/]*\)/.*|\1|p' "$work/serve.out")
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "$addr" ] || { echo "bench: albumen did not start" >&2; cat "$work/serve.out" >&2; exit 1; }
base="http://$addr"

cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/session" |
  sed -n 's/^set-cookie: \([^;]*\);.*/\1/Ip' | tr -d '\r')
[ -n "$cookie" ] || { echo "bench: login failed" >&2; exit 1; }

# Wait for the background scan.
album=
for _ in $(seq 1 1200); do
  album=$(curl -s -H "Cookie: $cookie" "$base/api/v1/albums" |
    python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["id"] if a and a[0]["photo_count"]==50 else "")')
  [ -n "$album" ] && break
  sleep 0.1
done
[ -n "$album" ] || { echo "bench: the scan did not catalogue 50 photos" >&2; exit 1; }
photo=$(curl -s -H "Cookie: $cookie" "$base/api/v1/albums/$album" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["photos"][0]["id"])')
preview="$base/media/photos/$photo/preview/standard"
curl -sf -o "$work/preview.jpg" -H "Cookie: $cookie" "$preview"
preview_bytes=$(stat -c %s "$work/preview.jpg")

# nginx serving the very same cached file.
cached=$(find "$work/data/cache" -type f -name '*.jpg' | head -n1)
mkdir -p "$work/static" "$work/nginx-tmp"
cp "$cached" "$work/static/preview.jpg"
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/static;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/preview.jpg" && break; sleep 0.05; done

# Prints: req/s p50 p99 errors (non-2xx/3xx + socket errors).
measure() {
  local label=$1 url=$2
  shift 2
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url")
  local rps p50 p99 non2xx socket
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")
  socket=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out")
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   errors %s\n' \
    "$label" "$rps" "$p50" "$p99" "$(( ${non2xx:-0} + ${socket:-0} ))" >&2
  echo "$rps"
}

echo >&2
echo "== delivery benchmark: wrk -t$threads -c$connections -d${duration}s, loopback, $(nproc) CPUs =="
echo "preview: $preview_bytes bytes (standard, cached); album: 50 photos"
echo
a=$(measure "(a) cached preview via Albumen" "$preview" -H "Cookie: $cookie")
b=$(measure "(b) album page, 50 photos" "$base/albums/$album" -H "Cookie: $cookie")
c=$(measure "(c) same file, nginx static" "http://127.0.0.1:$nginx_port/preview.jpg")
python3 -c "import sys; a,c=float(sys.argv[1]),float(sys.argv[2]); print(f'(a)/(c) = {a/c:.2f}x nginx (target >= 0.3)')" "$a" "$c"
python3 -c "import sys; print(f'(b) = {float(sys.argv[1]):.0f} req/s (target >= 3000)')" "$b"

# (d) ZIP export against cat, both from a warm page cache.
echo
cat "$library"/*/* >/dev/null
total=$(cat "$library"/*/* | wc -c)
cat_s=$(python3 - "$library" <<'PY'
import glob, subprocess, sys, time
files = sorted(glob.glob(sys.argv[1] + "/*/*"))
t = time.perf_counter()
subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)
print(f"{time.perf_counter() - t:.3f}")
PY
)
idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
: >"$work/rss"
( while kill -0 "$server_pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" >>"$work/rss"; sleep 0.02; done ) &
sampler=$!
zip_stats=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{size_download} %{time_total} %{http_code}' \
  "$base/albums/$album/export.zip")
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
peak_kb=$(sort -n "$work/rss" | tail -n1)
read -r zip_bytes zip_s zip_status <<<"$zip_stats"
python3 - "$total" "$cat_s" "$zip_bytes" "$zip_s" "$zip_status" "$idle_kb" "$peak_kb" <<'PY'
import sys
total, cat_s, zbytes, zs, status, idle, peak = sys.argv[1:]
total, cat_s, zbytes, zs, idle, peak = int(total), float(cat_s), int(zbytes), float(zs), int(idle), int(peak)
mb = 1e6
print(f"(d) ZIP export: HTTP {status}, {zbytes/mb:.1f} MB in {zs:.2f} s = {zbytes/mb/zs:.0f} MB/s")
print(f"    cat of the same {total/mb:.1f} MB to /dev/null: {cat_s:.2f} s = {total/mb/cat_s:.0f} MB/s"
      f" -> ZIP at {(zbytes/zs)/(total/cat_s):.2f}x cat")
print(f"    Albumen RSS: idle {idle/1024:.1f} MiB, peak while streaming {peak/1024:.1f} MiB"
      f" (+{(peak-idle)/1024:.1f} MiB; target <= 30)")
PY
