#!/usr/bin/env python3
"""Preview throughput through the whole server: log in, then fetch every photo's `thumb` and
`standard` preview once (cold cache) with N concurrent clients; prints previews per second.

    python3 bench/previews.py --url http://127.0.0.1:8080 --password PASS [--clients 2]

Start the server on a library with a fresh data dir (so the cache is cold), e.g.
    ALBUMEN_ADMIN_PASSWORD=benchpass target/release/albumen --library /tmp/lib24 \
        --data "$(mktemp -d)" serve --bind 127.0.0.1:8080
and wait for its scan to finish (GET /api/v1/scan) — the script waits for you.
"""

import argparse
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--presets", default="thumb,standard")
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos")
    args = parser.parse_args()

    login = urllib.request.Request(
        f"{args.url}/api/v1/session",
        data=json.dumps({"username": args.user, "password": args.password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(login) as reply:
        cookie = reply.headers["Set-Cookie"].split(";")[0]

    def get(path):
        request = urllib.request.Request(f"{args.url}{path}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request) as reply:
            return reply.read()

    while json.loads(get("/api/v1/scan"))["running"]:
        time.sleep(0.5)
    photos = []
    for album in json.loads(get("/api/v1/albums")):
        photos += [p["id"] for p in json.loads(get(f"/api/v1/albums/{album['id']}"))["photos"]]
    if args.limit:
        photos = photos[: args.limit]
    presets = args.presets.split(",")
    urls = [f"/media/photos/{p}/preview/{preset}" for p in photos for preset in presets]

    start = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        total = sum(len(body) for body in pool.map(get, urls))
    seconds = time.perf_counter() - start
    print(f"{len(photos)} photos x {len(presets)} presets = {len(urls)} previews in {seconds:.1f} s "
          f"with {args.clients} clients: {len(urls) / seconds:.2f} previews/s, "
          f"{len(photos) / seconds:.2f} photos/s (all presets), {total / len(urls) / 1024:.0f} KiB mean")


if __name__ == "__main__":
    main()
