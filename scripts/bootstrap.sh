#!/usr/bin/env bash
# Installs the system packages Albumen's build and tests need and a fresh Debian machine lacks:
# cmake and nasm, which build the bundled libjpeg-turbo 3 (Debian's is too old), and nginx,
# which the X-Accel-Redirect integration test runs in front of the real binary, and ffmpeg
# (with ffprobe), which reads video facts and poster frames; Chromium and its chromedriver, which
# the browser tests (crates/albumen/tests/browser) drive headless; and the codecs the bundled libheif
# links: the HEVC (libde265) and AV1 (dav1d) decoders for HEIC/AVIF photos (`make` then builds
# with the `heif` feature) and the AV1 encoder (libaom) for AVIF previews.
set -euo pipefail

# tool:package
wanted=(cmake:cmake nasm:nasm pkg-config:pkg-config nginx:nginx ffmpeg:ffmpeg chromium:chromium
  chromedriver:chromium-driver)
missing=()
for pair in "${wanted[@]}"; do
  tool=${pair%%:*}
  # nginx lives in /usr/sbin, which is not on every user's PATH.
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${pair#*:}")
done
# pkg-config module:package
libraries=(libde265:libde265-dev dav1d:libdav1d-dev aom:libaom-dev)
for pair in "${libraries[@]}"; do
  pkg-config --exists "${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]} (build and test dependencies)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

# libheif's build script does not notice codecs installed after it ran: rebuild it with them.
for package in "${missing[@]}"; do
  case "$package" in
    libde265-dev | libdav1d-dev | libaom-dev)
      if command -v cargo >/dev/null 2>&1; then
        echo "bootstrap: rebuilding the bundled libheif with the new codec libraries" >&2
        (cd "$(dirname "$0")/.." && cargo clean --quiet -p libheif-sys 2>/dev/null) || true
      fi
      break
      ;;
  esac
done
