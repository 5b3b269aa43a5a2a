#!/usr/bin/env python3
"""Bytes an album page's justified rows load: the `grid` previews the rows ask for (their
`src`) against the `standard` ones (the next `srcset` width), for 30 camera-like 3000x2000
photos (gen_library.py: every fifth one with orientation 6, so portrait), in JPEG, WebP and
AVIF. A figure, not a test.

    python3 bench/grid_bytes.py [--bin PATH]

Builds albumen in release (with `heif`, for AVIF, when pkg-config finds libde265 and dav1d)
unless --bin names a binary; generates the photos once (needs numpy and pillow) in
$ALBUMEN_BENCH_GRID_LIBRARY or /tmp/albumen-bench-grid-library; serves them on a fresh catalog
on a loopback port; fetches every row image's two previews with each encoding's Accept header.
"""

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "bench admin password"
ENCODINGS = [
    ("JPEG", "image/jpeg,*/*;q=0.8"),
    ("WebP", "image/webp,image/apng,image/*,*/*;q=0.8"),
    ("AVIF", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
]


def build():
    features = []
    if subprocess.run(["pkg-config", "--exists", "libde265", "dav1d"]).returncode == 0:
        features = ["--features", "albumen/heif"]
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "albumen", *features],
                   cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "albumen")


def library():
    path = os.environ.get("ALBUMEN_BENCH_GRID_LIBRARY", "/tmp/albumen-bench-grid-library")
    if not os.path.isdir(path):
        print(f"bench: generating 30 photos of 3000x2000 in {path} (once)", file=sys.stderr)
        partial = path + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_library.py"), "--out", partial,
                        "--albums", "1", "--per-album", "30", "--width", "3000", "--height", "2000"],
                       check=True)
        os.rename(partial, path)
    return path


def request(base, path, cookie=None, accept=None, body=None):
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if accept:
        headers["Accept"] = accept
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=120) as response:
        return response.headers, response.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", help="an albumen binary (default: build one in release)")
    args = parser.parse_args()
    binary = args.bin or build()
    photos = library()

    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, ALBUMEN_ADMIN_PASSWORD=PASSWORD, ALBUMEN_LOG="warn")
        out = open(os.path.join(work, "serve.out"), "w+")
        server = subprocess.Popen([binary, "--library", photos, "--data", os.path.join(work, "data"),
                                   "serve", "--bind", "127.0.0.1:0"], stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            base = None
            for _ in range(400):
                out.seek(0)
                found = re.search(r"at (http://[^/\s]+)/", out.read())
                if found:
                    base = found.group(1)
                    break
                time.sleep(0.05)
            if not base:
                out.seek(0)
                sys.exit(f"bench: albumen did not start:\n{out.read()}")
            headers, _ = request(base, "/api/v1/session", body={"username": "admin", "password": PASSWORD})
            cookie = headers["Set-Cookie"].split(";")[0]
            album = None
            for _ in range(1200):
                _, body = request(base, "/api/v1/albums", cookie)
                albums = [a for a in json.loads(body) if a["photo_count"] == 30]
                if albums:
                    album = albums[0]["id"]
                    break
                time.sleep(0.1)
            if album is None:
                sys.exit("bench: the scan did not catalogue the 30 photos")
            _, page = request(base, f"/albums/{album}", cookie, "text/html")
            sets = []
            for srcset in re.findall(r'srcset="([^"]*)"', page.decode()):
                urls = [entry.rsplit(" ", 1)[0] for entry in html.unescape(srcset).split(", ")]
                if "/preview/grid?v=" in urls[0]:
                    sets.append(urls)
            print(f"30 photos of 3000x2000, {len(sets)} row images, page {len(page) / 1e3:.1f} kB")
            for name, accept in ENCODINGS:
                grid = standard = 0
                kind = ""
                for urls in sets:
                    headers, body = request(base, urls[0], cookie, accept)
                    grid += len(body)
                    kind = headers.get("Content-Type", "")
                    standard += len(request(base, urls[1], cookie, accept)[1])
                print(f"{name:4} ({kind}): standard {standard / 1e3:7.1f} kB, grid {grid / 1e3:6.1f} kB, "
                      f"{standard / max(grid, 1):.1f}x less")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
