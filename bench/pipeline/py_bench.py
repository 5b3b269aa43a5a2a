#!/usr/bin/env python3
"""Pillow (draft mode) and libvips doing Albumen's preview job, for run.sh: per file, one decode
serving a 1600 fit (EXIF orientation applied) and a 256 centre crop, both JPEG q85 4:2:0,
metadata stripped.

    python3 bench/pipeline/py_bench.py --method pillow|vips [--threads N] [--passes P] DIR

N worker processes take a fixed interleave of the files; each pass starts them together (a
barrier) and the best pass counts. Prints the same tab-separated line as the Rust example:
method, files, workers, images/s, ms/image, CPU ms/image (user + system of the workers during
the passes), peak RSS MB (sum of the workers' maxrss), mean preview KB, mean thumb KB.
"""

import argparse
import io
import multiprocessing as mp
import os
import resource
import time

PREVIEW, THUMB, QUALITY = 1600, 256, 85


def pillow_job():
    from PIL import Image, ImageOps

    def run(data):
        im = Image.open(io.BytesIO(data))
        orientation = im.getexif().get(0x0112, 1)
        w, h = im.size
        scale = min(1.0, PREVIEW / max(w, h))
        # draft() from the fitted size, not the box: Pillow picks scale = min(w//bw, h//bh).
        im.draft("RGB", (round(w * scale), round(h * scale)))
        im.thumbnail((PREVIEW, PREVIEW), Image.LANCZOS)
        if orientation != 1:
            im = ImageOps.exif_transpose(im)
        thumb = ImageOps.fit(im, (THUMB, THUMB), Image.LANCZOS)
        out = []
        for img in (im, thumb):
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=QUALITY, subsampling=2)
            out.append(len(buf.getvalue()))
        return out

    return run


def vips_job():
    import pyvips

    pyvips.cache_set_max(0)

    def run(data):
        # thumbnail_buffer applies the EXIF orientation and picks its own shrink-on-load.
        preview = pyvips.Image.thumbnail_buffer(data, PREVIEW, height=PREVIEW, size="down")
        preview = preview.copy_memory()  # used twice; vips pipelines are otherwise sequential
        p = preview.jpegsave_buffer(Q=QUALITY, keep="none", subsample_mode="on")
        thumb = preview.thumbnail_image(THUMB, height=THUMB, crop="centre")
        t = thumb.jpegsave_buffer(Q=QUALITY, keep="none", subsample_mode="on")
        return [len(p), len(t)]

    return run


def worker(method, files, passes, barrier, results):
    run = pillow_job() if method == "pillow" else vips_job()
    sizes = [0, 0]
    start = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(passes):
        barrier.wait()
        for path in files:
            with open(path, "rb") as f:
                p, t = run(f.read())
            sizes[0] += p
            sizes[1] += t
        barrier.wait()
    end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime
    results.put((sizes, end.ru_maxrss / 1024, cpu))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--method", choices=["pillow", "vips"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()

    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.dir)
        for name in names
        if name.lower().endswith(".jpg")
    )
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(args.threads + 1), ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(args.method, files[i :: args.threads], args.passes, barrier, results))
        for i in range(args.threads)
    ]
    for p in procs:
        p.start()
    best = float("inf")
    for _ in range(args.passes):
        barrier.wait()
        start = time.perf_counter()
        barrier.wait()
        best = min(best, time.perf_counter() - start)
    preview = thumb = rss = cpu = 0
    for _ in procs:
        (p, t), r, c = results.get()
        preview, thumb, rss, cpu = preview + p, thumb + t, rss + r, cpu + c
    for p in procs:
        p.join()
    n = len(files)
    done = n * args.passes
    print(f"{args.method}\t{n}\t{args.threads}\t{n / best:.2f}\t{best * 1000 / n:.1f}\t"
          f"{cpu * 1000 / done:.1f}\t{rss:.0f}\t"
          f"{preview / done / 1024:.0f}\t{thumb / done / 1024:.1f}")


if __name__ == "__main__":
    main()
