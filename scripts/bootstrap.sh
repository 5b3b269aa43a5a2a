#!/usr/bin/env bash
# Installs the system packages Albumen's build needs and a fresh Debian machine lacks:
# cmake and nasm, which build the bundled libjpeg-turbo 3 (Debian's is too old).
set -euo pipefail

missing=()
for tool in cmake nasm pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]} (needed to build libjpeg-turbo)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
