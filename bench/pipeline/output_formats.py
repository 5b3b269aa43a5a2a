#!/usr/bin/env python3
"""Is AVIF output worth it? Encodes the same 1600 px preview as JPEG, WebP and AVIF with
Pillow's bundled libjpeg-turbo, libwebp and libavif (aom), and prints CPU ms per image and
bytes, so the cost of each format per preview is measured rather than guessed.

    pip install numpy pillow          # Pillow >= 11.3 wheels bundle libavif
    python3 bench/pipeline/output_formats.py [--files N] [--size 1600]

The inputs are camera-like 24 MP JPEGs from bench/gen_library.py (generated once into
/tmp/albumen-bench-formats), decoded and fitted to the preview size first: only encoding is
timed. CPU time (process_time), so other processes on the machine do not skew it.
"""

import argparse
import glob
import io
import os
import subprocess
import sys
import time

from PIL import Image


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--size", type=int, default=1600)
    parser.add_argument("--dir", default="/tmp/albumen-bench-formats")
    args = parser.parse_args()

    if not glob.glob(os.path.join(args.dir, "*", "*.jpg")):
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "..", "gen_library.py"), "--out", args.dir,
                        "--albums", "1", "--per-album", str(args.files)], check=True)
    files = sorted(glob.glob(os.path.join(args.dir, "*", "*.jpg")))[: args.files]
    previews = []
    for path in files:
        with Image.open(path) as im:
            im.draft("RGB", (args.size, args.size))
            im = im.convert("RGB")
            im.thumbnail((args.size, args.size), Image.Resampling.LANCZOS)
            previews.append(im.copy())

    # Quality settings that give similar visual quality (JPEG q85 as Albumen's default).
    formats = [
        ("JPEG q85", "JPEG", {"quality": 85}),
        ("WebP q85 (method 4)", "WEBP", {"quality": 85, "method": 4}),
        ("AVIF q60 speed 8", "AVIF", {"quality": 60, "speed": 8}),
        ("AVIF q60 speed 6", "AVIF", {"quality": 60, "speed": 6}),
    ]
    w, h = previews[0].size
    print(f"{len(previews)} previews of about {w}x{h}, Pillow {Image.__version__}, encode only")
    print(f"{'format':<22} {'CPU ms/image':>13} {'kB/image':>9}")
    for label, fmt, options in formats:
        sizes = []
        start = time.process_time()
        for im in previews:
            out = io.BytesIO()
            im.save(out, fmt, **options)
            sizes.append(out.tell())
        cpu = (time.process_time() - start) / len(previews) * 1000
        print(f"{label:<22} {cpu:>13.0f} {sum(sizes) / len(sizes) / 1000:>9.0f}")


if __name__ == "__main__":
    main()
