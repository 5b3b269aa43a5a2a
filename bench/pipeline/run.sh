#!/usr/bin/env bash
# Preview pipeline benchmark: Albumen vs Pillow (draft mode) vs libvips, same corpus, same
# machine, one run. Prints a table; it is not a test and never fails on a slow machine.
#
#   bench/pipeline/run.sh [--files N] [--passes P] [--threads "1 2"]
#
# Job per file: one decode serving a 256 centre crop and a 1600 fit (EXIF orientation applied),
# both JPEG q85 4:2:0, metadata stripped. Corpus: N 24 MP (6000x4000) and N 12 MP (4000x3000)
# JPEGs from bench/gen_library.py (camera-like entropy, EXIF, every fifth rotated), generated
# once into /tmp/albumen-bench. Each row is a separate process; the best of P passes counts.
# Peak RSS is the process's VmHWM/maxrss (summed over worker processes for Python).
# Needs: pip install numpy pillow pyvips pyvips-binary; cmake + nasm for the Rust build.
set -euo pipefail

files=12 passes=3 threads="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --passes) passes=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=/tmp/albumen-bench
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cores=$(nproc) # before OMP_NUM_THREADS, which nproc obeys
export VIPS_CONCURRENCY=1 OMP_NUM_THREADS=1

python3 -c 'import numpy, PIL, pyvips' 2>/dev/null || {
  echo "missing Python packages: pip install numpy pillow pyvips pyvips-binary" >&2; exit 1; }

gen() { # dir width height seed
  local n
  # A missing folder (a fresh machine) makes find fail: count 0, do not stop.
  n=$(find "$1" -name '*.jpg' 2>/dev/null | wc -l || true)
  if [ "$n" -ne "$files" ]; then
    rm -rf "$1"
    python3 "$root/bench/gen_library.py" --out "$1" --albums 1 --per-album "$files" \
      --width "$2" --height "$3" --seed "$4" >&2
  fi
}
gen "$corpus/24mp" 6000 4000 1
gen "$corpus/12mp" 4000 3000 2

# With HEIC/AVIF support when its libraries are there (as `make` builds), for the AVIF row.
features=()
pkg-config --exists libde265 dav1d aom 2>/dev/null && features=(--features heif)
(cd "$root" && cargo build --release --quiet -p albumen-media "${features[@]}" --example pipeline_bench)
bench="$CARGO_TARGET_DIR/release/examples/pipeline_bench"
py="$root/bench/pipeline/py_bench.py"

echo "libvips $(python3 -c 'import pyvips; print(".".join(str(pyvips.version(i)) for i in range(3)))'),"\
     "Pillow $(python3 -c 'import PIL; print(PIL.__version__)'), $cores cores,"\
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n| corpus | method | threads | images/s | ms/image | CPU ms/image | peak RSS MB | preview KB | thumb KB |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
for size in 24mp 12mp; do
  dir="$corpus/$size"
  for t in $threads; do
    {
      "$bench" "$dir" --mode floor:auto --threads "$t" --passes "$passes"
      "$bench" "$dir" --mode floor:4 --threads "$t" --passes "$passes"
      "$bench" "$dir" --mode albumen --threads "$t" --passes "$passes"
      python3 "$py" "$dir" --method pillow --threads "$t" --passes "$passes"
      python3 "$py" "$dir" --method vips --threads "$t" --passes "$passes"
    } | while IFS=$'\t' read -r method n workers ips ms cpu rss pkb tkb; do
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$size" "$method" "$workers" "$ips" "$ms" "$cpu" "$rss" "$pkb" "$tkb"
    done
  done
done
printf '\nfloor:auto = read + decode at the n/8 scale Albumen picks for the 1600 fit; floor:4/8 = at 1/2.\n'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (wall-clock columns are only fair when this stays below the core count)"

# WebP and AVIF against JPEG for the same job (same decode; the difference is the encoder).
printf '\nWebP and AVIF output (same job, both renditions at preset quality 85), one thread:\n'
formats=(webp)
[ ${#features[@]} -gt 0 ] && formats+=(avif)
for format in "${formats[@]}"; do
  "$bench" "$corpus/24mp" --mode albumen --format "$format" --threads 1 --passes "$passes" \
    | awk -F'\t' '{ printf "| 24mp | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, $7, $8, $9 }'
done
