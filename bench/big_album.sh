#!/usr/bin/env bash
# Big-album benchmark (issue 13, item 2): one command, prints figures; not a test.
#   bench/big_album.sh [--phone]      (--phone: a 390x844 phone with 4x CPU throttling)
# Builds albumen --release, generates one folder of $ALBUMEN_BENCH_BIG_PHOTOS (default 50,000)
# tiny JPEGs (160x120) with bench/gen_small_library.py (cached in $ALBUMEN_BENCH_BIG_LIBRARY or
# /tmp/albumen-bench-big-album), scans it into a fresh SQLite catalog, starts `albumen serve`,
# logs in, and prints: the album page's HTML bytes; then, in headless Chromium driven over the
# DevTools protocol (bench/big_album_cdp.py: Python's standard library and
# --remote-debugging-pipe, nothing to install), the longest main-thread task and the number of
# tasks over 50 ms (PerformanceObserver 'longtask') while the page loads and is scrolled to its
# last photo, and the server's peak resident memory.
# Needs python3 with pillow (the generator) and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
photos=${ALBUMEN_BENCH_BIG_PHOTOS:-50000}
library=${ALBUMEN_BENCH_BIG_LIBRARY:-/tmp/albumen-bench-big-album}
mode=desktop
[ "${1:-}" = "--phone" ] && mode=phone
echo "bench: $(nproc) CPUs; at start:$(uptime | sed 's/.*load/ load/')"

command -v chromium >/dev/null || { echo "bench: chromium is not installed" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null ||
  { echo "bench: the generator needs: python3 -m pip install pillow" >&2; exit 1; }
# With `heif` when its libraries are there, as the other benches build: one release binary.
heif=()
pkg-config --exists libde265 dav1d 2>/dev/null && heif=(--features albumen/heif)
nice -n 10 cargo build --release --locked -q -p albumen "${heif[@]}"
bin=${CARGO_TARGET_DIR:-target}/release/albumen

if [ ! -f "$library/.complete-$photos" ]; then
  echo "bench: generating $photos photos in $library (once)" >&2
  rm -rf "$library"
  # The generator makes at most 1000 photos a folder: make albums of 1000 (each its own day
  # between 2005 and 2025, so the album spans many months) and move them into one folder.
  gen="$library.gen"
  rm -rf "$gen"
  python3 bench/gen_small_library.py --out "$gen" --albums $(((photos + 999) / 1000)) \
    --per-album 1000 >&2
  mkdir -p "$library/Big album"
  find "$gen" -name '*.jpg' | head -n "$photos" | xargs -d '\n' mv -n -t "$library/Big album"
  rm -rf "$gen"
  touch "$library/.complete-$photos"
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

start=$(date +%s)
ALBUMEN_LOG=warn "$bin" --library "$library" --data "$work/data" scan >/dev/null
echo "scan: $photos photos in $(($(date +%s) - start)) s"

password="bench admin password"
ALBUMEN_ADMIN_PASSWORD="$password" ALBUMEN_LOG=warn ALBUMEN__PREVIEWS__BACKGROUND=false \
  ALBUMEN__SERVER__SCAN_ON_START=false \
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
album=$(curl -s -H "Cookie: $cookie" "$base/api/v1/albums" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

read -r bytes seconds < <(curl -s -o /dev/null -H "Cookie: $cookie" -H 'Accept: text/html' \
  -w '%{size_download} %{time_total}\n' "$base/albums/$album")
echo "album page: $bytes bytes of HTML (uncompressed), answered in $seconds s"
read -r gz < <(curl -s -o /dev/null -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' \
  -w '%{size_download}\n' "$base/albums/$album")
echo "album page: $gz bytes gzip-compressed on the wire"
read -r api_bytes api_seconds < <(curl -s -o /dev/null -H "Cookie: $cookie" \
  -w '%{size_download} %{time_total}\n' "$base/api/v1/albums/$album?limit=120")
echo "API chunk of 120: $api_bytes bytes in $api_seconds s"

python3 bench/big_album_cdp.py "$base/albums/$album" "$cookie" "$mode" "$photos"
awk '/VmHWM/ {printf "server peak RSS: %.1f MB\n", $2 / 1024}' "/proc/$server_pid/status"
