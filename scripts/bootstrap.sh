#!/usr/bin/env bash
# Installs the system packages Albumen's build and tests need and a fresh Debian machine lacks:
# cmake and nasm, which build the bundled libjpeg-turbo 3 (Debian's is too old), and nginx,
# which the X-Accel-Redirect integration test runs in front of the real binary, and ffmpeg
# (with ffprobe), which reads video facts and poster frames; and the HEVC (libde265) and AV1
# (dav1d) decoders that the bundled libheif links for HEIC/AVIF photos (`make` then builds with
# the `heif` feature).
set -euo pipefail

# tool:package
wanted=(cmake:cmake nasm:nasm pkg-config:pkg-config nginx:nginx ffmpeg:ffmpeg)
missing=()
for pair in "${wanted[@]}"; do
  tool=${pair%%:*}
  # nginx lives in /usr/sbin, which is not on every user's PATH.
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${pair#*:}")
done
# pkg-config module:package
libraries=(libde265:libde265-dev dav1d:libdav1d-dev)
for pair in "${libraries[@]}"; do
  pkg-config --exists "${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]} (build and test dependencies)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
