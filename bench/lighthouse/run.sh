#!/usr/bin/env bash
# Lighthouse benchmark (issue 13): one command, prints figures; not a test.
#   bench/lighthouse/run.sh [--desktop] [--url-extra PATH]... [--admin-extra PATH]...
#
# Installs what it lacks (Node.js and npm from Debian, the npm package `lighthouse` pinned to
# $LIGHTHOUSE_VERSION in ~/.cache/albumen/lighthouse, a Python venv with numpy and pillow there
# when python3 lacks them), builds albumen --release ($CARGO_TARGET_DIR respected), generates
# (once, in $ALBUMEN_BENCH_LIBRARY or /tmp/albumen-bench-lighthouse-library) a small library with
# bench/gen_library.py, scans it into a fresh SQLite catalog, makes every preview, starts
# `albumen serve` on a free loopback port with a first administrator, makes one album (with its
# two sub-albums) public, creates share links to a private album, to some photos and a
# password-protected one, warms the preview cache through the pages, then runs Lighthouse
# (Debian's chromium, headless) with mobile settings (and desktop ones with --desktop) on:
#   index        /                       logged out
#   album        /albums/ID              the public album, logged out
#   photo        /photos/ID              one of its photos, logged out
#   share        /albums/ID              where /s/TOKEN of an album link lands, with its cookie
#   share-photos /s/TOKEN                a link to three photos, with its cookie
#   share-locked /s/TOKEN                a password-protected link's form, no cookie
#   login        /login
# plus each --url-extra PATH (logged out; a full http:// URL is measured as it is, so this can
# point at another server) and each --admin-extra PATH (with the administrator's session).
# Prints a table (scores, LCP, TBT, CLS, bytes, bytes before images) and every audit of the
# categories below 100 with the elements it names. Keeps the JSON reports (and each page's final
# screenshot) in a folder it prints.
# Exits non-zero only when the tooling failed, never for a score.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIGHTHOUSE_VERSION=12.8.2

usage() { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//'; }
desktop=0
extra=()
admin_extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --desktop) desktop=1 ;;
    --url-extra | --admin-extra)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      if [ "$1" = --url-extra ]; then extra+=("$2"); else admin_extra+=("$2"); fi
      shift ;;
    --url-extra=*) extra+=("${1#*=}") ;;
    --admin-extra=*) admin_extra+=("${1#*=}") ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

echo "bench: $(nproc) CPUs; at start:$(uptime | sed 's/.*load/ load/')"

# --- Tools -------------------------------------------------------------------------------
cache=${ALBUMEN_LIGHTHOUSE_CACHE:-$HOME/.cache/albumen/lighthouse}
mkdir -p "$cache"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_install() {
  echo "bench: installing $* (Debian), needed by this benchmark only" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
command -v chromium >/dev/null || ./scripts/bootstrap.sh
command -v curl >/dev/null || apt_install curl
lighthouse=$cache/node_modules/.bin/lighthouse
if [ ! -x "$lighthouse" ] || [ "$("$lighthouse" --version 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
  echo "bench: installing lighthouse@$LIGHTHOUSE_VERSION (npm) into $cache" >&2
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi
python=python3
if ! python3 -c 'import numpy, PIL' 2>/dev/null; then
  python=$cache/venv/bin/python
  if ! "$python" -c 'import numpy, PIL' 2>/dev/null; then
    echo "bench: making a Python venv with numpy and pillow in $cache/venv (PyPI)" >&2
    python3 -m venv "$cache/venv"
    "$python" -m pip install -q numpy pillow >&2
  fi
fi
export CHROME_PATH
CHROME_PATH=$(command -v chromium)

nice -n 10 cargo build --release --locked -q --features albumen/heif -p albumen
bin=${CARGO_TARGET_DIR:-target}/release/albumen

# --- Library: 5 folders of 8 photos of 3000x2000 with EXIF, one album with two sub-albums ----
library=${ALBUMEN_BENCH_LIBRARY:-/tmp/albumen-bench-lighthouse-library}
if [ ! -d "$library" ]; then
  echo "bench: generating 40 photos of 3000x2000 in $library (once)" >&2
  gen=$(mktemp -d "$(dirname "$library")/.albumen-lighthouse-gen.XXXXXX")
  "$python" bench/gen_library.py --out "$gen/raw" --albums 5 --per-album 8 \
    --width 3000 --height 2000 >&2
  generated=("$gen"/raw/*/)
  names=("Summer holidays" "Beach" "Mountains" "Christmas" "Garden")
  date_of() { basename "$1" | sed 's/_Album.*//'; }
  summer="$gen/lib/$(date_of "${generated[0]}")_${names[0]}"
  mkdir -p "$gen/lib"
  mv "${generated[0]}" "$summer"
  mv "${generated[1]}" "$summer/${names[1]}"
  mv "${generated[2]}" "$summer/${names[2]}"
  mv "${generated[3]}" "$gen/lib/$(date_of "${generated[3]}")_${names[3]}"
  mv "${generated[4]}" "$gen/lib/$(date_of "${generated[4]}")_${names[4]}"
  mv "$gen/lib" "$library"
  rm -rf "$gen"
fi

# --- Catalog, previews, server -------------------------------------------------------------
work=$(mktemp -d)
reports=$(mktemp -d /tmp/albumen-lighthouse.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

albumen() { "$bin" --library "$library" --data "$work/data" "$@"; }
albumen scan >"$work/scan.log" 2>&1 || { cat "$work/scan.log" >&2; exit 1; }
albumen previews --all >"$work/previews.log" 2>&1 || { cat "$work/previews.log" >&2; exit 1; }

password="bench admin password"
# No background preview queue: every preview is made already, and it would compete for the CPU.
# The binary itself in the background, not the shell function: $! must be the server's PID.
ALBUMEN_ADMIN_PASSWORD="$password" ALBUMEN_LOG=warn ALBUMEN__PREVIEWS__BACKGROUND=false \
  "$bin" --library "$library" --data "$work/data" serve --bind 127.0.0.1:0 >"$work/serve.out" 2>&1 &
server_pid=$!
addr=
for _ in $(seq 1 200); do
  addr=$(sed -n 's|.*at http://\([^/]*\)/.*|\1|p' "$work/serve.out")
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "$addr" ] || { echo "bench: albumen did not start" >&2; cat "$work/serve.out" >&2; exit 1; }
base="http://$addr"

login=$(curl -s -D "$work/login.headers" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/session")
session=$(sed -n 's/^set-cookie: \([^;]*\);.*/\1/Ip' "$work/login.headers" | tr -d '\r' | head -n1)
csrf=$("$python" -c 'import json, sys; print(json.loads(sys.argv[1])["csrf_token"])' "$login")
[ -n "$session" ] && [ -n "$csrf" ] || { echo "bench: login failed: $login" >&2; exit 1; }
admin() { curl -sf -H "Cookie: $session" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$@"; }

# Album ids by name, and photo ids of an album.
albums=$(admin "$base/api/v1/albums")
album_id() {
  "$python" -c '
import json, sys
ids = [a["id"] for a in json.loads(sys.argv[1]) if a["name"] == sys.argv[2]]
if len(ids) != 1: sys.exit(f"bench: expected one album named {sys.argv[2]!r}, found {len(ids)}")
print(ids[0])' "$albums" "$1"
}
photo_ids() {
  admin "$base/api/v1/albums/$1" | "$python" -c '
import json, sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin)["photos"]))'
}
summer=$(album_id "Summer holidays")
christmas=$(album_id "Christmas")
garden=$(album_id "Garden")
for id in "$summer" "$(album_id Beach)" "$(album_id Mountains)"; do
  admin -X PUT -d '{"public":true}' -o /dev/null "$base/api/v1/albums/$id/policy"
done
read -r -a summer_photos <<<"$(photo_ids "$summer")"
read -r -a garden_photos <<<"$(photo_ids "$garden")"
photo=${summer_photos[0]}

share() {
  admin -d "$1" "$base/api/v1/shares" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["url"])'
}
share_album=$(share "{\"album_id\":$christmas,\"label\":\"For the family\"}")
share_photos=$(share "{\"photo_ids\":[${garden_photos[0]},${garden_photos[1]},${garden_photos[2]}],\"label\":\"Three from the garden\"}")
share_locked=$(share "{\"album_id\":$garden,\"password\":\"bench share password\"}")
# A link's cookie, as a browser opening it would get it (album links answer 303 + Set-Cookie).
link_cookie() {
  curl -s -D - -o /dev/null "$base$1" | sed -n 's/^set-cookie: \([^;]*\);.*/\1/Ip' | tr -d '\r' | head -n1
}
album_cookie=$(link_cookie "$share_album")
photos_cookie=$(link_cookie "$share_photos")
[ -n "$album_cookie" ] && [ -n "$photos_cookie" ] || { echo "bench: share links gave no cookie" >&2; exit 1; }

# page label | URL | Cookie header ("" for none)
pages=(
  "index|$base/|"
  "album|$base/albums/$summer|"
  "photo|$base/photos/$photo|"
  "share|$base/albums/$christmas|$album_cookie"
  "share-photos|$base$share_photos|$photos_cookie"
  "share-locked|$base$share_locked|"
  "login|$base/login|"
)
n=0
for path in "${extra[@]}"; do
  n=$((n + 1))
  case $path in http://* | https://*) url=$path ;; *) url=$base$path ;; esac
  pages+=("extra$n|$url|")
done
n=0
for path in "${admin_extra[@]}"; do
  n=$((n + 1))
  pages+=("admin$n|$base$path|$session")
done

# Warm the preview cache as a browser would: every preview each page names, with Chrome's
# Accept header (the encoding is negotiated), so Lighthouse measures cached previews.
for entry in "${pages[@]}"; do
  IFS='|' read -r name url cookie <<<"$entry"
  "$python" - "$url" "$cookie" <<'PY'
import re, sys, urllib.request
from urllib.parse import urljoin
url, cookie = sys.argv[1], sys.argv[2]
def get(u, accept):
    req = urllib.request.Request(u, headers={"Accept": accept, **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.read()
    except Exception as e:  # a page may be 401/404 (an extra page): nothing to warm
        print(f"bench: warming {u}: {e}", file=sys.stderr)
        return b""
html = get(url, "text/html").decode("utf-8", "replace")
for media in sorted(set(re.findall(r'/media/photos/[^"\'\s,]+', html))):
    get(urljoin(url, media.replace("&amp;", "&")),
        "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")
PY
done

# --- Lighthouse ----------------------------------------------------------------------------
forms=(mobile)
[ "$desktop" = 1 ] && forms+=(desktop)
echo "bench: Lighthouse $LIGHTHOUSE_VERSION, $("$CHROME_PATH" --version 2>/dev/null | tail -n1); reports in $reports" >&2
failed=0
for form in "${forms[@]}"; do
  for entry in "${pages[@]}"; do
    IFS='|' read -r name url cookie <<<"$entry"
    args=(--output=json --output-path="$reports/$form-$name.json" --quiet
      --only-categories=performance,accessibility,best-practices,seo
      --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage")
    [ "$form" = desktop ] && args+=(--preset=desktop)
    [ -n "$cookie" ] && args+=(--extra-headers="{\"Cookie\":\"$cookie\"}")
    echo "bench: $form $name: $url" >&2
    if ! "$lighthouse" "$url" "${args[@]}" >"$reports/$form-$name.log" 2>&1; then
      echo "bench: Lighthouse failed on $url (log: $reports/$form-$name.log)" >&2
      tail -n 5 "$reports/$form-$name.log" >&2
      rm -f "$reports/$form-$name.json"
      failed=1
    fi
  done
done

echo
shopt -s nullglob
jsons=("$reports"/*.json)
[ ${#jsons[@]} -gt 0 ] || { echo "bench: no Lighthouse report was written" >&2; exit 1; }
# Table rows in the order measured.
ordered=()
for form in "${forms[@]}"; do
  for entry in "${pages[@]}"; do
    f="$reports/$form-${entry%%|*}.json"
    [ -f "$f" ] && ordered+=("$f")
  done
done
"$python" bench/lighthouse/report.py "${ordered[@]}"
echo
echo "reports (Lighthouse JSON, its log and final screenshot, one each per page): $reports"
echo "load at end:$(uptime | sed 's/.*load/ load/')"
exit "$failed"
