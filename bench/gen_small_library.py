#!/usr/bin/env python3
"""Generate a large library of small JPEGs for scanner benchmarks, fast: ALBUMS folders of
PER_ALBUM baseline JPEGs of WIDTHxHEIGHT (160x120, quality 85, about 5 kB by default).

Folders alternate between the two dated layouts, `YYYY_MM_DD_Album NNNN/` for even album numbers
and `YYYY/MM_DD_Album NNNN/` for odd ones; files are named `YYYY-MM-DD_HH-MM-SS_NNN.jpg`. Dates
are spread over 2005-2025, deterministically from --seed. Each file carries an EXIF block with
DateTimeOriginal, Make/Model, Orientation (6 on every tenth file, else 1), ExposureTime, FNumber,
ISO and FocalLength, and every fifth file a GPS IFD.

Speed comes from encoding only a small pool of pictures once: each file is SOI + its own EXIF
APP1 segment (built with struct) + the tables of a pool picture + a COM segment naming the file +
the pool picture's scan. The COM segment makes every file's bytes, hence its fingerprint, unique
without touching the pixels; --unique-pixels also stamps the file number into the pixels and
encodes every file (slower, for anything that compares decoded pixels).

    pip install pillow
    python3 bench/gen_small_library.py --out /tmp/lib100k          # 1000 x 100 files
    python3 bench/gen_small_library.py --out /tmp/lib2k --albums 20 --check 50
"""

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import struct
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from PIL import Image, ImageChops, ImageDraw

ORIENTATION, DATETIME_ORIGINAL, MAKE, MODEL = 0x0112, 0x9003, 0x010F, 0x0110
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
EXPOSURE_TIME, F_NUMBER, ISO, EXIF_VERSION, FOCAL_LENGTH = 0x829A, 0x829D, 0x8827, 0x9000, 0x920A
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
SOI, APP1, COM, SOS = b"\xff\xd8", b"\xff\xe1", b"\xff\xfe", 0xDA

FIRST_DAY, LAST_DAY = dt.date(2005, 1, 1), dt.date(2025, 12, 31)
CAMERAS = [("Canon", "Canon EOS 5D Mark III"), ("NIKON CORPORATION", "NIKON D750"),
           ("SONY", "ILCE-7M3"), ("FUJIFILM", "X-T3"), ("Apple", "iPhone 12"),
           ("samsung", "SM-G991B"), ("Google", "Pixel 7"), ("OLYMPUS CORPORATION", "E-M10")]
EXPOSURES = [(1, 30), (1, 60), (1, 125), (1, 250), (1, 500), (1, 1000), (1, 4)]
F_NUMBERS = [(18, 10), (28, 10), (40, 10), (56, 10), (80, 10), (110, 10)]
ISOS = [100, 200, 400, 800, 1600, 3200]
FOCAL_LENGTHS = [(24, 1), (35, 1), (50, 1), (85, 1), (135, 1), (42, 10)]

# --- EXIF (big-endian TIFF) -------------------------------------------------------------------


def ascii_(text):
    raw = text.encode() + b"\0"
    return ASCII, len(raw), raw


def short(value):
    return SHORT, 1, struct.pack(">H", value)


def long_(value):
    return LONG, 1, struct.pack(">I", value)


def rationals(*pairs):
    return RATIONAL, len(pairs), b"".join(struct.pack(">II", n, d) for n, d in pairs)


def ifd_size(entries):
    return 6 + 12 * len(entries) + sum(len(v) + len(v) % 2 for _, (_, _, v) in entries if len(v) > 4)


def ifd(entries, start):
    """One IFD at TIFF offset `start`: entries (tag, (type, count, value bytes)) sorted by tag,
    values longer than 4 bytes stored right after the IFD, no next IFD."""
    head, data = [struct.pack(">H", len(entries))], []
    at = start + 6 + 12 * len(entries)
    for tag, (kind, count, value) in entries:
        if len(value) <= 4:
            head.append(struct.pack(">HHI", tag, kind, count) + value.ljust(4, b"\0"))
        else:
            head.append(struct.pack(">HHII", tag, kind, count, at))
            value += b"\0" * (len(value) % 2)
            data.append(value)
            at += len(value)
    head.append(b"\0\0\0\0")
    return b"".join(head + data)


def exif_segment(make, model, orientation, taken, exposure, f_number, iso, focal, gps):
    """The APP1 segment: IFD0 (Make, Model, Orientation, Exif and GPS pointers), Exif IFD, GPS IFD."""
    exif = [(EXPOSURE_TIME, rationals(exposure)), (F_NUMBER, rationals(f_number)),
            (ISO, short(iso)), (EXIF_VERSION, (UNDEFINED, 4, b"0232")),
            (DATETIME_ORIGINAL, ascii_(taken.strftime("%Y:%m:%d %H:%M:%S"))),
            (FOCAL_LENGTH, rationals(focal))]
    ifd0 = [(MAKE, ascii_(make)), (MODEL, ascii_(model)), (ORIENTATION, short(orientation)),
            (EXIF_IFD, long_(0))] + ([(GPS_IFD, long_(0))] if gps else [])
    exif_at = 8 + ifd_size(ifd0)
    ifd0[3] = (EXIF_IFD, long_(exif_at))
    parts = [b"MM\0\x2a\0\0\0\x08", None, ifd(exif, exif_at)]
    if gps:
        gps_at = exif_at + ifd_size(exif)
        ifd0[4] = (GPS_IFD, long_(gps_at))
        lat, lon, alt = gps
        gps_ifd = [(0x0000, (BYTE, 4, b"\x02\x03\0\0")),
                   (0x0001, ascii_("N" if lat >= 0 else "S")), (0x0002, dms(abs(lat))),
                   (0x0003, ascii_("E" if lon >= 0 else "W")), (0x0004, dms(abs(lon))),
                   (0x0005, (BYTE, 1, b"\0")), (0x0006, rationals((alt, 1)))]
        parts.append(ifd(gps_ifd, gps_at))
    parts[1] = ifd(ifd0, 8)
    payload = b"Exif\0\0" + b"".join(parts)
    return APP1 + struct.pack(">H", len(payload) + 2) + payload


def dms(degrees):
    d = int(degrees)
    m = int((degrees - d) * 60)
    s = round(((degrees - d) * 60 - m) * 60 * 100)
    return rationals((d, 1), (m, 1), (s, 100))


# --- pictures ---------------------------------------------------------------------------------


def picture(width, height, rnd):
    """A four-corner gradient with a few shapes and +-10 grey noise: about 5 kB at 160x120."""
    corners = [[rnd.randrange(256) for _ in range(3)] for _ in range(4)]
    small = Image.new("RGB", (2, 2))
    small.putdata([tuple(c) for c in corners])
    img = small.resize((width, height), Image.BILINEAR)
    draw = ImageDraw.Draw(img)
    for _ in range(rnd.randrange(2, 6)):
        x, y = rnd.randrange(width), rnd.randrange(height)
        w, h = rnd.randrange(4, max(5, width // 2)), rnd.randrange(4, max(5, height // 2))
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    noise = Image.frombytes("L", (width, height), rnd.randbytes(width * height)).point(lambda v: 118 + v % 21)
    return ImageChops.add(img, Image.merge("RGB", [noise] * 3), 1, -128)


def stamp(img, number):
    """A copy of `img` with `number` written as 32 black/white 2x2 cells in its top row."""
    img = img.copy()
    draw = ImageDraw.Draw(img)
    for bit in range(32):
        fill = (255, 255, 255) if number >> bit & 1 else (0, 0, 0)
        draw.rectangle((2 * bit, 0, 2 * bit + 1, 1), fill=fill)
    return img


def split_jpeg(data):
    """(tables, scan) of a baseline JPEG: the segments after SOI up to SOS without any APPn/COM,
    and everything from SOS to EOI."""
    assert data[:2] == SOI, "not a JPEG"
    pos, tables = 2, []
    while True:
        marker, length = data[pos + 1], struct.unpack_from(">H", data, pos + 2)[0]
        if marker == SOS:
            return b"".join(tables), data[pos:]
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            tables.append(data[pos:pos + 2 + length])
        pos += 2 + length


def encode(img):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)  # baseline, 4:2:0
    return out.getvalue()


# --- albums -----------------------------------------------------------------------------------

POOL = []  # (image, tables, scan), set in each worker by init()


def init(width, height, size, seed):
    rnd = random.Random(seed)
    for _ in range(size):
        img = picture(width, height, rnd)
        POOL.append((img,) + split_jpeg(encode(img)))


def album_plan(seed, a):
    """Folder, first capture time and per-album random source of album number a (1-based)."""
    rnd = random.Random(seed * 1_000_003 + a)
    day = FIRST_DAY + dt.timedelta(days=rnd.randrange((LAST_DAY - FIRST_DAY).days + 1))
    name = f"Album {a:04d}"
    folder = f"{day:%Y_%m_%d}_{name}" if a % 2 == 0 else os.path.join(f"{day:%Y}", f"{day:%m_%d}_{name}")
    start = dt.datetime.combine(day, dt.time(rnd.randrange(7, 15), rnd.randrange(60), rnd.randrange(60)))
    return folder, start, rnd


def write_album(job):
    out, a, per_album, seed, unique_pixels = job
    folder, start, rnd = album_plan(seed, a)
    os.makedirs(os.path.join(out, folder), exist_ok=True)
    make, model = rnd.choice(CAMERAS)
    lat, lon = rnd.uniform(-60, 70), rnd.uniform(-180, 180)
    paths, total = [], 0
    for p in range(per_album):
        number = (a - 1) * per_album + p
        taken = start + dt.timedelta(seconds=37 * p + rnd.randrange(30))
        gps = (lat + rnd.uniform(-0.01, 0.01), lon + rnd.uniform(-0.01, 0.01), rnd.randrange(400)) \
            if p % 5 == 4 else None
        app1 = exif_segment(make, model, 6 if p % 10 == 9 else 1, taken, rnd.choice(EXPOSURES),
                            rnd.choice(F_NUMBERS), rnd.choice(ISOS), rnd.choice(FOCAL_LENGTHS), gps)
        img, tables, scan = POOL[rnd.randrange(len(POOL))]
        if unique_pixels:
            tables, scan = split_jpeg(encode(stamp(img, number)))
        note = f"albumen bench seed {seed} photo {number}".encode()
        com = COM + struct.pack(">H", len(note) + 2) + note
        data = b"".join((SOI, app1, tables, com, scan))
        path = os.path.join(folder, f"{taken:%Y-%m-%d_%H-%M-%S}_{p:03d}.jpg")
        with open(os.path.join(out, path), "wb") as f:
            f.write(data)
        paths.append(path)
        total += len(data)
    return paths, total


# --- check ------------------------------------------------------------------------------------


def check_one(out, path, width, height):
    """None when `path` decodes to WIDTHxHEIGHT and its EXIF matches its name; else why not."""
    name = os.path.basename(path)
    taken = dt.datetime.strptime(name[:19], "%Y-%m-%d_%H-%M-%S").strftime("%Y:%m:%d %H:%M:%S")
    p = int(name[20:23])
    with Image.open(os.path.join(out, path)) as img:
        img.load()
        if img.format != "JPEG" or img.size != (width, height) or img.info.get("progressive"):
            return f"decoded as {img.format} {img.size}"
        exif = img.getexif()
        got = (exif.get(ORIENTATION), exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL),
               bool(exif.get_ifd(GPS_IFD).get(2)), exif.get(MAKE) is not None)
        want = (6 if p % 10 == 9 else 1, taken, p % 5 == 4, True)
        if got != want:
            return f"EXIF (orientation, date, gps, make) = {got}, expected {want}"
    return None


def check(out, paths, n, width, height, seed):
    sample = random.Random(seed).sample(paths, min(n, len(paths)))
    failures, digests = 0, set()
    for path in sample:
        try:
            problem = check_one(out, path, width, height)
        except Exception as err:  # noqa: BLE001 - any failure to read is a FAIL
            problem = f"{type(err).__name__}: {err}"
        with open(os.path.join(out, path), "rb") as f:
            digests.add(hashlib.blake2b(f.read()).digest())
        if problem:
            failures += 1
            print(f"FAIL {path}: {problem}")
    if len(digests) != len(sample):
        failures += 1
        print(f"FAIL {len(sample) - len(digests)} sampled files have identical content")
    print(f"check: {len(sample)} files, decode + DateTimeOriginal + Orientation + GPS, "
          f"{'OK' if not failures else f'FAIL ({failures})'}")
    return failures == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--albums", type=int, default=1000)
    parser.add_argument("--per-album", type=int, default=100)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--pool", type=int, default=64, help="distinct pictures encoded up front")
    parser.add_argument("--unique-pixels", action="store_true",
                        help="stamp the file number into the pixels and encode every file")
    parser.add_argument("--check", type=int, default=0, metavar="N",
                        help="decode N random files afterwards and read their EXIF back")
    args = parser.parse_args()
    if args.per_album > 1000:
        parser.error("--per-album is at most 1000 (file names carry a 3-digit number)")

    began = time.perf_counter()
    jobs = [(args.out, a, args.per_album, args.seed, args.unique_pixels) for a in range(1, args.albums + 1)]
    with ProcessPoolExecutor(args.workers, initializer=init,
                             initargs=(args.width, args.height, args.pool, args.seed)) as pool:
        results = list(pool.map(write_album, jobs, chunksize=4))
    seconds = time.perf_counter() - began
    paths = [path for album, _ in results for path in album]
    total = sum(size for _, size in results)
    print(f"{len(paths)} files in {args.albums} albums, {total / 1e6:.1f} MB, "
          f"mean {total / max(1, len(paths)) / 1e3:.1f} kB, {args.width}x{args.height}, "
          f"{seconds:.1f} s ({len(paths) / seconds:.0f} files/s, {args.workers} workers)")
    if args.check and not check(args.out, paths, args.check, args.width, args.height, args.seed):
        sys.exit(1)


if __name__ == "__main__":
    main()
