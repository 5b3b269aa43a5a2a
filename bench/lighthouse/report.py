#!/usr/bin/env python3
"""Summarise Lighthouse JSON reports: a table of scores and figures per page, then every audit
of the measured categories that scored below 100, with the elements or resources it names.

    python3 bench/lighthouse/report.py REPORT.json...

Each report's file name is `FORM-PAGE.json` (e.g. `mobile-album.json`); the page label is taken
from it. Writes each report's final screenshot beside it (`FORM-PAGE.jpg`): what was measured.
Standard library only.
"""

import base64
import json
import os
import sys
from collections import OrderedDict

# Categories whose failing audits are listed; best practices and SEO are for information.
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "b-p", "seo": "seo"}
# Audits that only describe (no pass or fail): never listed as findings.
NOT_SCORED = {"informative", "notApplicable", "manual", "error"}
# The metrics already in the table, and the metrics group (listed compactly, not as findings).
METRIC_GROUPS = {"metrics", "hidden"}
MAX_ITEMS = 8


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def label(path):
    form, _, page = os.path.basename(path)[: -len(".json")].partition("-")
    return form, page


def score(category):
    value = category.get("score") if category else None
    return "-" if value is None else f"{round(value * 100)}"


def transfer(report):
    """(total bytes, bytes of everything but images) from the network-requests audit."""
    items = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    total = sum(item.get("transferSize") or 0 for item in items)
    images = sum(item.get("transferSize") or 0 for item in items if item.get("resourceType") == "Image")
    return total, total - images


def metric(report, audit_id):
    return report["audits"].get(audit_id, {}).get("numericValue")


def table(reports):
    header = ("form", "page", "perf", "a11y", "b-p", "seo", "FCP ms", "LCP ms", "TBT ms", "CLS",
              "total kB", "before images kB", "requests")
    rows = []
    for path, report in reports:
        form, page = label(path)
        cats = report.get("categories", {})
        total, before = transfer(report)
        items = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
        fcp, lcp, tbt, cls = (metric(report, a) for a in
                              ("first-contentful-paint", "largest-contentful-paint",
                               "total-blocking-time", "cumulative-layout-shift"))
        rows.append((form, page, *(score(cats.get(c)) for c in CATEGORIES),
                     "-" if fcp is None else f"{fcp:.0f}",
                     "-" if lcp is None else f"{lcp:.0f}",
                     "-" if tbt is None else f"{tbt:.0f}",
                     "-" if cls is None else f"{cls:.3f}",
                     f"{total / 1000:.1f}", f"{before / 1000:.1f}", str(len(items))))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) if i < 2 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"]
    for r in rows:
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def one_line(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_item(item):
    """The element or resource a failing audit's item names, as one line."""
    node = item.get("node") if isinstance(item.get("node"), dict) else None
    if node is None and item.get("type") == "node":
        node = item
    parts = []
    if node:
        if node.get("selector"):
            parts.append(node["selector"])
        if node.get("snippet"):
            parts.append(one_line(node["snippet"], 140))
        if node.get("explanation"):
            parts.append("— " + one_line(node["explanation"].splitlines()[-1], 160))
    for key in ("url", "source", "sourceLocation"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("url")
        if isinstance(value, str) and value and value not in parts:
            parts.append(value)
    if isinstance(item.get("description"), str):
        parts.append(one_line(item["description"]))
    for key, unit in (("wastedBytes", "B"), ("wastedMs", "ms"), ("totalBytes", "B"), ("duration", "ms")):
        if isinstance(item.get(key), (int, float)):
            parts.append(f"{key} {item[key]:.0f} {unit}")
    if not parts:
        for key in ("label", "groupLabel"):
            if isinstance(item.get(key), str):
                parts.append(one_line(item[key]))
    return " | ".join(parts)


def items_of(details):
    """The items of an audit's details, flattening lists of tables (some audits nest them)."""
    if not isinstance(details, dict):
        return []
    if details.get("type") == "list":
        out = []
        for sub in details.get("items", []):
            out.extend(items_of(sub))
        return out
    return [i for i in details.get("items", []) if isinstance(i, dict)]


def findings(reports):
    """category -> audit id -> {title, pages: {page: (score, displayValue, [items])}}."""
    found = OrderedDict((c, OrderedDict()) for c in CATEGORIES)
    for path, report in reports:
        form, page = label(path)
        where = f"{form} {page}"
        for cat_id in CATEGORIES:
            cat = report.get("categories", {}).get(cat_id)
            if not cat:
                continue
            for ref in cat.get("auditRefs", []):
                # Metrics are in the table; audits in no group or in "hidden" are not shown in
                # Lighthouse's own report either (max-potential-fid, ...).
                if not ref.get("group") or ref.get("group") in METRIC_GROUPS:
                    continue
                audit = report["audits"].get(ref["id"], {})
                value = audit.get("score")
                if value is None or value >= 1 or audit.get("scoreDisplayMode") in NOT_SCORED:
                    continue
                entry = found[cat_id].setdefault(ref["id"], {"title": audit.get("title", ""), "pages": OrderedDict()})
                lines = [describe_item(i) for i in items_of(audit.get("details"))]
                entry["pages"][where] = (value, audit.get("displayValue", ""), [l for l in lines if l])
    return found


def print_findings(found):
    for cat_id, audits in found.items():
        note = "" if cat_id in ("performance", "accessibility") else " (for information)"
        print(f"\n== {cat_id}: audits below 100{note} ==")
        if not audits:
            print("none")
            continue
        for audit_id, entry in audits.items():
            print(f"\n{audit_id}: {entry['title']}")
            for where, (value, shown, lines) in entry["pages"].items():
                extra = f", {shown}" if shown else ""
                print(f"  {where}: score {round(value * 100)}{extra}")
                for line in lines[:MAX_ITEMS]:
                    print(f"    - {line}")
                if len(lines) > MAX_ITEMS:
                    print(f"    … and {len(lines) - MAX_ITEMS} more")


def save_screenshot(path, report):
    data = report["audits"].get("final-screenshot", {}).get("details", {}).get("data", "")
    if data.startswith("data:image/jpeg;base64,"):
        with open(path[: -len(".json")] + ".jpg", "wb") as f:
            f.write(base64.b64decode(data.split(",", 1)[1]))


def main():
    paths = sys.argv[1:]
    if not paths:
        sys.exit("usage: report.py REPORT.json...")
    reports = []
    for path in paths:
        report = load(path)
        if report.get("runtimeError"):
            print(f"{path}: Lighthouse runtime error: {report['runtimeError'].get('message')}", file=sys.stderr)
        save_screenshot(path, report)
        reports.append((path, report))
    first = reports[0][1]
    print(f"Lighthouse {first.get('lighthouseVersion')}, {first.get('environment', {}).get('hostUserAgent', '')}")
    print(f"benchmarkIndex (this machine's CPU speed as Lighthouse sees it): "
          + ", ".join(f"{' '.join(label(p))} {r.get('environment', {}).get('benchmarkIndex', 0):.0f}" for p, r in reports))
    print()
    print(table(reports))
    print("\nFCP/LCP/TBT/CLS: Lighthouse's simulated values (mobile: Moto G Power, slow 4G, 4x CPU slowdown;"
          " desktop: no CPU slowdown, fast network).")
    print("before images = total transfer minus images (document + CSS + JS + fonts + other),"
          " from the network-requests audit.")
    print_findings(findings(reports))


if __name__ == "__main__":
    main()
