#!/usr/bin/env python3
"""Generate a photo library for benchmarks: ALBUMS folders named YYYY_MM_DD_Name, each with
PER_ALBUM JPEGs of WIDTHxHEIGHT whose entropy matches camera files (about 2.5 bits per pixel at
quality 92: smooth structure, texture and sensor noise), with EXIF DateTimeOriginal, camera make
and model, and orientation 6 on every fifth photo.

    pip install numpy pillow
    python3 bench/gen_library.py --out /tmp/lib24 --albums 20 --per-album 50
"""

import argparse
import datetime as dt
import os
import random
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image

ORIENTATION, DATETIME_ORIGINAL, MAKE, MODEL = 0x0112, 0x9003, 0x010F, 0x0110
EXIF_IFD = 0x8769


def picture(width, height, seed):
    rng = np.random.default_rng(seed)
    # Structure: octaves of noise summed at 1/8 scale, then one bicubic upscale.
    sw, sh = max(8, width // 8), max(8, height // 8)
    base = np.full((sh, sw, 3), 128.0, np.float32)
    for cells, weight in ((6, 90.0), (24, 40.0), (96, 18.0)):
        small = rng.random((max(2, cells * sh // sw), cells, 3), np.float32) - 0.5
        layer = Image.fromarray(((small + 0.5) * 255).astype(np.uint8)).resize((sw, sh), Image.BICUBIC)
        base += (np.asarray(layer, np.float32) / 255.0 - 0.5) * weight
    img = np.asarray(
        Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).resize((width, height), Image.BICUBIC),
        np.int16,
    )
    # Texture and sensor noise, luma and chroma: what makes real photos cost bits.
    img = img + rng.integers(-14, 15, (height, width, 1), np.int16)
    img += rng.integers(-5, 6, (height, width, 3), np.int16)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def write_photo(job):
    path, width, height, taken, orientation, seed = job
    exif = Image.Exif()
    exif[MAKE] = "Albumen"
    exif[MODEL] = "Bench Camera"
    exif[ORIENTATION] = orientation
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
    picture(width, height, seed).save(path, "JPEG", quality=92, subsampling=2, exif=exif.tobytes())
    return os.path.getsize(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--albums", type=int, default=20)
    parser.add_argument("--per-album", type=int, default=50)
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    rnd = random.Random(args.seed)
    jobs = []
    start = dt.datetime(2010, 1, 1, 9, 0, 0)
    for a in range(args.albums):
        day = start + dt.timedelta(days=rnd.randrange(0, 15 * 365))
        folder = os.path.join(args.out, f"{day:%Y_%m_%d}_Album {a + 1:04d}")
        os.makedirs(folder, exist_ok=True)
        for p in range(args.per_album):
            taken = day + dt.timedelta(seconds=37 * p + rnd.randrange(0, 30))
            name = f"{taken:%Y-%m-%d_%H-%M-%S}_{p:03d}.jpg"
            orientation = 6 if p % 5 == 4 else 1
            jobs.append((os.path.join(folder, name), args.width, args.height, taken, orientation,
                         args.seed * 1_000_003 + a * 1009 + p))
    with ProcessPoolExecutor(args.workers) as pool:
        sizes = list(pool.map(write_photo, jobs, chunksize=4))
    total = sum(sizes)
    print(f"{len(sizes)} photos in {args.albums} albums, {total / 1e9:.2f} GB, "
          f"mean {total / len(sizes) / 1e6:.2f} MB, {args.width}x{args.height}")


if __name__ == "__main__":
    main()
