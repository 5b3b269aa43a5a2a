#!/usr/bin/env python3
"""How long the admin Access page (`/admin/access`, the whole folder tree with each album's
access and why) takes for a large library: 40 folders of 50 albums (2,040 albums with the
folders), one tiny photo each, half of them public. A figure, not a test.

    python3 bench/access_tree.py [--bin PATH] [--folders 40] [--albums 50]

Builds albumen in release unless --bin names a binary; writes the library in a temporary
folder (one 16x16 JPEG copied into every album), serves it on a fresh SQLite catalog on a
loopback port, makes every other album public through the API, then fetches the page 7 times
and prints the median, fastest and slowest, the page's size and the server's peak RSS.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_bytes import PASSWORD, build, request  # noqa: E402  (the same build and HTTP helpers)

# A 1x1 white baseline JPEG; the scanner needs a real image, not its pixels.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b"
    "080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5"
    "100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c115"
    "52d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a6364"
    "65666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7"
    "b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda000801"
    "0100003f00fbd3ffd9")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", help="an albumen binary (default: build one in release)")
    parser.add_argument("--folders", type=int, default=40)
    parser.add_argument("--albums", type=int, default=50)
    args = parser.parse_args()
    binary = args.bin or build()

    with tempfile.TemporaryDirectory() as work:
        library = os.path.join(work, "library")
        for folder in range(args.folders):
            for album in range(args.albums):
                path = os.path.join(library, f"Year {folder}", f"Event {album}")
                os.makedirs(path)
                with open(os.path.join(path, "p.jpg"), "wb") as out:
                    out.write(TINY_JPEG)
        env = dict(os.environ, ALBUMEN_ADMIN_PASSWORD=PASSWORD, ALBUMEN_LOG="warn",
                   ALBUMEN__PREVIEWS__BACKGROUND="false")
        log = open(os.path.join(work, "serve.out"), "w+")
        server = subprocess.Popen([binary, "--library", library, "--data", os.path.join(work, "data"),
                                   "serve", "--bind", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT,
                                  env=env)
        try:
            base = None
            for _ in range(400):
                log.seek(0)
                found = re.search(r"at (http://[^/\s]+)/", log.read())
                if found:
                    base = found.group(1)
                    break
                time.sleep(0.05)
            if not base:
                log.seek(0)
                sys.exit(f"bench: albumen did not start:\n{log.read()}")
            headers, body = request(base, "/api/v1/session", body={"username": "admin", "password": PASSWORD})
            cookie = headers["Set-Cookie"].split(";")[0]
            csrf = json.loads(body)["csrf_token"]
            want = args.folders * args.albums
            albums = []
            for _ in range(1200):
                albums = json.loads(request(base, "/api/v1/albums", cookie)[1])
                if len(albums) >= want:
                    break
                time.sleep(0.1)
            if len(albums) < want:
                sys.exit(f"bench: the scan catalogued {len(albums)} of {want} albums")
            half = [a["id"] for a in albums[::2]]
            put = urllib.request.Request(
                base + "/api/v1/policies/albums", method="PUT",
                data=json.dumps({"album_ids": half, "policy": {"public": True}}).encode(),
                headers={"Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"})
            urllib.request.urlopen(put, timeout=120).read()
            times, size = [], 0
            for _ in range(7):
                started = time.perf_counter()
                _, page = request(base, "/admin/access", cookie, "text/html")
                times.append(time.perf_counter() - started)
                size = len(page)
                assert f"Event {args.albums - 1}".encode() in page
            times.sort()
            print(f"/admin/access, {len(albums)} albums in {args.folders} folders, {len(half)} public: "
                  f"median {statistics.median(times) * 1e3:.0f} ms (fastest {times[0] * 1e3:.0f}, "
                  f"slowest {times[-1] * 1e3:.0f}), {size / 1e3:.0f} kB of HTML; "
                  f"server peak RSS {peak_rss_kib(server.pid) / 1024:.0f} MiB")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
