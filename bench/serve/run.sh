#!/usr/bin/env bash
# Delivery benchmark (issue 6): one command, prints figures; not a test.
#   bench/serve/run.sh [SECONDS]          (default 20 s per wrk run)
# Builds albumen --release, generates a 50-photo album of ~6 MB JPEGs (bench/gen_library.py,
# cached in $ALBUMEN_BENCH_LIBRARY or /tmp/albumen-bench-serve-library) and a big album of
# $ALBUMEN_BENCH_BIG_GB GB (default 10; 0 leaves it out) made of hard links to those photos,
# starts `albumen serve` with a fresh catalog, logs in through POST /api/v1/session and
# measures with wrk (16 connections, 2 threads, loopback):
#   (a) a cached `standard` preview through Albumen,
#   (b) the album page (50 photos),
#   (c) nginx serving the same preview file statically, in the same run,
#   (d) each album's ZIP export: throughput against `cat` of the same files, and Albumen's
#       resident memory while it streams (sampled every 20 ms) against idle.
# Needs nginx, curl, python3 with numpy and pillow (to generate the photos once). wrk is a
# bench-only tool: this script installs it (apt-get) when missing; scripts/bootstrap.sh does not.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20}
connections=16
threads=2

big_gb=${ALBUMEN_BENCH_BIG_GB:-10}
echo "bench: $(nproc) CPUs; at start:$(uptime | sed 's/.*load/ load/')"

./scripts/bootstrap.sh
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk (Debian package 'wrk'), needed by this benchmark only" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "bench: nginx is not installed" >&2; exit 1; }
export PATH="$PATH:/usr/sbin"
nice -n 10 cargo build --release --locked -q -p albumen
bin=${CARGO_TARGET_DIR:-target}/release/albumen

library=${ALBUMEN_BENCH_LIBRARY:-/tmp/albumen-bench-serve-library}
small_dir="$library/2020_06_01_Album 0001"
if [ ! -d "$small_dir" ]; then
  python3 -c 'import numpy, PIL' 2>/dev/null ||
    { echo "bench: generating the photos needs: python3 -m pip install numpy pillow" >&2; exit 1; }
  free_kb=$(df -Pk "$(dirname "$library")" | awk 'NR==2 {print $4}')
  [ "$free_kb" -gt 1000000 ] || { echo "bench: less than 1 GB free for $library" >&2; exit 1; }
  echo "bench: generating 50 photos of 4800x3300 in $library (once)" >&2
  mkdir -p "$library"
  gen=$(mktemp -d "$library/.gen.XXXXXX")
  python3 bench/gen_library.py --out "$gen" --albums 1 --per-album 50 \
    --width 4800 --height 3300 >&2
  generated=("$gen"/*/)
  mv "${generated[0]}" "$small_dir"
  rmdir "$gen"
fi
small=("$small_dir"/*.jpg)

# The big album: hard links to the 50 photos under distinct names, enough for $big_gb GB.
# Links rather than copies: no disk use, generated in seconds, and every run reads the same
# 300 MB of page cache, so (d) measures Albumen's serving path rather than the disk or the
# memory pressure of 10 GB of copies (the machine may be building at the same time); `cat`
# reads the very same paths. The scan records each link as its own photo (duplicates by
# content are allowed), so the export has one entry per link.
big_dir="$library/2020_01_01_Big $big_gb GB"
for stale in "$library"/2020_01_01_Big*; do
  if [ -e "$stale" ] && [ "$stale" != "$big_dir" ]; then rm -rf "$stale"; fi
done
big_count=0
if [ "$big_gb" != 0 ]; then
  small_bytes=$(cat "${small[@]}" | wc -c)
  big_count=$(python3 -c 'import math, sys; print(math.ceil(float(sys.argv[1]) * 1e9 * 50 / int(sys.argv[2])))' "$big_gb" "$small_bytes")
  if [ "$(find "$big_dir" -name '*.jpg' 2>/dev/null | wc -l)" != "$big_count" ]; then
    echo "bench: linking $big_count photos ($big_gb GB) into $big_dir (once)" >&2
    rm -rf "$big_dir"
    mkdir -p "$big_dir"
    for ((i = 0; i < big_count; i++)); do
      src=${small[i % 50]}
      ln "$src" "$big_dir/$(printf '%05d' "$i")_$(basename "$src")"
    done
  fi
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
# No background preview queue: it would compete with wrk for the CPU; this measures serving.
ALBUMEN_ADMIN_PASSWORD="$password" ALBUMEN_LOG=warn ALBUMEN__PREVIEWS__BACKGROUND=false \
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

# Wait for the background scan (it reads the big album too: allow it ten minutes).
album=
big_album=
for _ in $(seq 1 3000); do
  read -r album big_album < <(curl -s -H "Cookie: $cookie" "$base/api/v1/albums" |
    python3 -c '
import json, sys
count = {a["photo_count"]: a["id"] for a in json.load(sys.stdin)}
want = int(sys.argv[1])
if 50 in count and (want == 0 or want in count):
    print(count[50], count.get(want, ""))
else:
    print()' "$big_count" 2>/dev/null) || true
  [ -n "$album" ] && break
  sleep 0.2
done
[ -n "$album" ] || { echo "bench: the scan did not catalogue the albums" >&2; exit 1; }
photo=$(curl -s -H "Cookie: $cookie" "$base/api/v1/albums/$album" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["photos"][0]["id"])')
preview="$base/media/photos/$photo/preview/standard"
curl -sf -o "$work/preview.jpg" -H "Cookie: $cookie" "$preview"
preview_bytes=$(stat -c %s "$work/preview.jpg")

# nginx serving the very same cached file: the one with the bytes Albumen sent (rendering
# may cache other presets too).
cached=
while IFS= read -r candidate; do
  cmp -s "$candidate" "$work/preview.jpg" && { cached=$candidate; break; }
done < <(find "$work/data/cache" -type f -name '*.jpg')
[ -n "$cached" ] || { echo "bench: the cached preview is not in $work/data/cache" >&2; exit 1; }
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

# (d) ZIP export against cat of the same files, both from a warm page cache; Albumen's RSS
# sampled every 20 ms while it streams, against idle just before.
zip_vs_cat() {
  local label=$1 album_id=$2
  shift 2
  cat "$@" >/dev/null
  local total cat_s idle_kb peak_kb sampler zip_stats zip_bytes zip_s zip_status
  total=$(cat "$@" | wc -c)
  cat_s=$(python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(["cat", *sys.argv[1:]], stdout=subprocess.DEVNULL, check=True)
print(f"{time.perf_counter() - t:.3f}")
PY
)
  idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
  : >"$work/rss"
  ( while kill -0 "$server_pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" >>"$work/rss"; sleep 0.02; done ) &
  sampler=$!
  zip_stats=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{size_download} %{time_total} %{http_code}' \
    "$base/albums/$album_id/export.zip")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak_kb=$(sort -n "$work/rss" | tail -n1)
  read -r zip_bytes zip_s zip_status <<<"$zip_stats"
  python3 - "$label" "$#" "$total" "$cat_s" "$zip_bytes" "$zip_s" "$zip_status" "$idle_kb" "$peak_kb" <<'PY'
import sys
label, files, total, cat_s, zbytes, zs, status, idle, peak = sys.argv[1:]
total, cat_s, zbytes, zs, idle, peak = int(total), float(cat_s), int(zbytes), float(zs), int(idle), int(peak)
mb = 1e6
print(f"(d) ZIP export, {label} ({files} files): HTTP {status}, {zbytes/mb:.1f} MB in {zs:.2f} s"
      f" = {zbytes/mb/zs:.0f} MB/s")
print(f"    cat of the same {total/mb:.1f} MB to /dev/null: {cat_s:.2f} s = {total/mb/cat_s:.0f} MB/s"
      f" -> ZIP at {(zbytes/zs)/(total/cat_s):.2f}x cat")
print(f"    Albumen RSS: idle {idle/1024:.1f} MiB, peak while streaming {peak/1024:.1f} MiB"
      f" (+{(peak-idle)/1024:.1f} MiB; target <= 30)")
PY
}

echo
zip_vs_cat "50 photos" "$album" "${small[@]}"
if [ -n "$big_album" ]; then
  zip_vs_cat "$big_gb GB" "$big_album" "$big_dir"/*.jpg
fi
echo
echo "load at end:$(uptime | sed 's/.*load/ load/')"
