#!/usr/bin/env python3
"""Loads an album page in headless Chromium and scrolls it to its last photo, reporting the
main thread's long tasks (PerformanceObserver 'longtask': tasks over 50 ms) from navigation to
the end. Talks the DevTools protocol over --remote-debugging-pipe (NUL-separated JSON on file
descriptors 3 and 4), so it needs only Python's standard library and Debian's chromium.

    big_album_cdp.py URL COOKIE desktop|phone EXPECTED_PHOTOS

`phone` is a 390x844 mobile viewport at 3x with the CPU throttled 4x; `desktop` 1280x800.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

OBSERVER = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""


class Chromium:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="albumen-cdp-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # Out of the way first (either pipe end may itself be 3 or 4), then into place.
            read_end = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            ["chromium", "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
             "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={self.profile}", "about:blank"],
            close_fds=False, preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self.read())
        raise RuntimeError(f"no {method} in {timeout} s")

    def close(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    url, cookie, mode, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    chromium = Chromium()
    try:
        target = chromium.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = chromium.send("Target.attachToTarget",
                                {"targetId": target, "flatten": True})["sessionId"]

        def call(method, params=None):
            return chromium.send(method, params, session)

        def evaluate(expression):
            result = call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True})
            return result["result"].get("value")

        call("Page.enable")
        if mode == "phone":
            call("Emulation.setDeviceMetricsOverride",
                 {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
            call("Emulation.setCPUThrottlingRate", {"rate": 4})
        else:
            call("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        name, value = cookie.split("=", 1)
        origin = urllib.parse.urlsplit(url)
        call("Network.enable")
        call("Network.setCookie", {"name": name, "value": value,
                                   "url": f"{origin.scheme}://{origin.netloc}/"})
        call("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
        started = time.time()
        call("Page.navigate", {"url": url})
        chromium.wait_event("Page.loadEventFired")
        loaded = time.time() - started
        first = evaluate("document.querySelectorAll('.grid li').length")
        # Scroll as far as the page goes, again and again, until the last chunk is in; a page
        # that stops growing (app.js's PAGE_MAX: its More link then says data-paused) is left
        # for the next one through its link, as a person would. Tasks and photos add up.
        deadline = time.time() + 1800
        ids, tasks, pages = [], [], 1
        collect = "[...document.querySelectorAll('.grid a')].map(a => a.getAttribute('href'))"
        # (Cheap probes only: counting 50,000 tiles here would be a long task of the bench's.)
        while time.time() < deadline:
            href, paused = evaluate(
                "scrollTo(0, document.documentElement.scrollHeight);"
                "new Promise((done) => requestAnimationFrame(() => setTimeout(() => {"
                "const more = document.getElementById('more-photos');"
                "done([more && more.getAttribute('href'), !!(more && more.dataset.paused)]); }, 50)))")
            if not href:
                break
            if paused:
                tasks += evaluate("window.__longTasks")
                ids += evaluate(collect)
                here = evaluate("location.href")
                call("Page.navigate", {"url": urllib.parse.urljoin(here, href)})
                chromium.wait_event("Page.loadEventFired")
                pages += 1
        scrolled = time.time() - started
        # A last look around the end, then the tasks.
        evaluate("new Promise((done) => setTimeout(done, 500))")
        tasks += evaluate("window.__longTasks")
        ids += evaluate(collect)
        count = len(ids)
        print(f"browser ({mode}): load event after {loaded:.2f} s with {first} photos; "
              f"scrolled to the last of {count} photos over {pages} pages in {scrolled:.1f} s")
        print(f"browser ({mode}): all {expected} photos once: "
              f"{len(ids) == expected and len(set(ids)) == expected}")
        longest = max(tasks) if tasks else 0
        print(f"browser ({mode}): longest main-thread task {longest:.0f} ms; "
              f"{len(tasks)} tasks over 50 ms; "
              f"{len([t for t in tasks if t > 100])} over 100 ms")
    finally:
        chromium.close()


if __name__ == "__main__":
    main()
