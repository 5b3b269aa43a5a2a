#!/usr/bin/env python3
"""Which AVIF (and WebP) quality matches a JPEG preview at q85, and what each costs.

    pip install numpy pillow scikit-image
    python3 bench/pipeline/avif_quality.py [--qualities "40 45 50 55 60 65 70"]

Reference pictures are scikit-image's sample photographs (real camera pictures, bundled with
the package: no download), saved as PNG. Each is encoded by Albumen's own pipeline
(`pipeline_bench --save`, built with the `heif` feature): the PNGs are smaller than the 1600
preset, which never upscales, so the pipeline only encodes them. The script prints, per format
and quality, the mean SSIM against the reference (scikit-image, RGB), the mean size and the
CPU time per picture (PNG decode included, the same for every row), and names the lowest
AVIF and WebP qualities that are at least as close to the reference as JPEG q85.

Qualities are presets' (`quality` in `[[previews.presets]]`, JPEG's scale): the pipeline hands
libheif 15 less for AVIF (`encode.rs`), which this script is how we chose; the preset quality
85 should come out at least as close as JPEG q85.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from skimage import data
from skimage.metrics import structural_similarity

SAMPLES = ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "retina",
           "immunohistochemistry"]


def encode(bench, ref_dir, fmt, quality, out_dir):
    """Runs the pipeline over ref_dir; returns (CPU ms per picture, mean preview kB)."""
    os.makedirs(out_dir, exist_ok=True)
    line = subprocess.run(
        [bench, ref_dir, "--mode", "albumen", "--format", fmt, "--quality", str(quality),
         "--passes", "3", "--save", out_dir],
        check=True, capture_output=True, text=True).stdout.strip().split("\t")
    return float(line[5]), float(line[7])


def ssim(ref_dir, out_dir, ext):
    scores = []
    for name in SAMPLES:
        ref = np.asarray(Image.open(os.path.join(ref_dir, name + ".png")).convert("RGB"))
        got = np.asarray(Image.open(os.path.join(out_dir, name + "." + ext)).convert("RGB"))
        scores.append(structural_similarity(ref, got, channel_axis=2, data_range=255))
    return float(np.mean(scores))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qualities", default="70 75 80 85 90 95")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "albumen-media",
                    "--features", "heif", "--example", "pipeline_bench"], cwd=root, check=True)
    bench = os.path.join(target, "release", "examples", "pipeline_bench")

    work = tempfile.mkdtemp(prefix="albumen-quality-")
    ref_dir = os.path.join(work, "ref")
    os.makedirs(ref_dir)
    for name in SAMPLES:
        Image.fromarray(getattr(data, name)()).convert("RGB").save(
            os.path.join(ref_dir, name + ".png"))

    rows = [("jpeg", 85)] + [("webp", q) for q in (75, 80, 85)]
    rows += [("avif", int(q)) for q in args.qualities.split()]
    print(f"{len(SAMPLES)} scikit-image sample photographs, encoded by Albumen's pipeline")
    print(f"{'format':<6} {'quality':>7} {'SSIM':>7} {'kB':>7} {'CPU ms':>7}")
    results = {}
    for fmt, q in rows:
        out = os.path.join(work, f"{fmt}{q}")
        cpu, kb = encode(bench, ref_dir, fmt, q, out)
        score = ssim(ref_dir, out, {"jpeg": "jpg"}.get(fmt, fmt))
        results[(fmt, q)] = (score, kb, cpu)
        print(f"{fmt:<6} {q:>7} {score:>7.4f} {kb:>7.1f} {cpu:>7.1f}")
    target_ssim = results[("jpeg", 85)][0]
    for fmt in ("webp", "avif"):
        ok = sorted(q for (f, q), (s, _, _) in results.items() if f == fmt and s >= target_ssim)
        if ok:
            s, kb, cpu = results[(fmt, ok[0])]
            jpeg_kb = results[("jpeg", 85)][1]
            print(f"lowest {fmt} quality at least as close as JPEG q85 (SSIM {target_ssim:.4f}): "
                  f"{ok[0]} (SSIM {s:.4f}, {kb:.1f} kB = {kb / jpeg_kb:.0%} of JPEG, {cpu:.1f} CPU ms)")
        else:
            print(f"no {fmt} quality tried reaches JPEG q85's SSIM {target_ssim:.4f}")


if __name__ == "__main__":
    sys.exit(main())
