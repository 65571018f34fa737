"""How long the site's index takes to render in a real headless Chromium (issue 17: refused, the index
taking over 1 s to render).

Builds the site of the shipped data (or takes one built already, ``--site``), serves it on loopback with
Python's HTTP server, opens each language's index page in a fresh tab ``--rounds`` times and reads the
Navigation Timing API's ``loadEventEnd`` (milliseconds from the start of the navigation to the end of the
load event: the HTML, the style sheet and the inline pictures laid out). Reports the median and the
slowest per page, and exits 1 when the slowest is over ``--limit`` ms (1000).

    python benchmarks/index_render.py [--site DIR] [--rounds 5] [--limit 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # tests/browser.py drives Chromium over the DevTools protocol

PAGES = ("index.html", "index.fi.html", "index.en.html")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def build(out: Path) -> Path:
    from kopa_graph import Settings
    from kopa_graph.pipeline import validate_source
    from kopa_graph.publish.site.build import build_site

    build_site(validate_source(ROOT / "data", Settings()), out)
    return out


def measure(site: Path, rounds: int) -> dict[str, list[float]]:
    from browser import Browser

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    try:
        with tempfile.TemporaryDirectory() as profile, Browser(Path(profile)) as browser:
            browser.open(base + PAGES[0])  # a first visit starts the browser's own machinery: not timed
            for _ in range(rounds):
                for page in PAGES:
                    tab = browser.open(base + page, width=1280)
                    times[page].append(float(tab.wait_for(
                        "performance.getEntriesByType('navigation')[0].loadEventEnd")))
    finally:
        server.shutdown()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a site built already (default: build the shipped data's)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=float, default=1000.0, help="milliseconds the slowest may take")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(Path(tmp) / "site")
        times = measure(site, args.rounds)
    report = {page: {"median_ms": round(statistics.median(t), 1), "max_ms": round(max(t), 1), "runs": len(t)}
              for page, t in times.items()}
    for page, figures in report.items():
        print(f"{page:15} loadEventEnd median {figures['median_ms']:7.1f} ms, slowest {figures['max_ms']:7.1f} ms "
              f"({figures['runs']} runs)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    slowest = max(f["max_ms"] for f in report.values())
    if slowest > args.limit:
        print(f"an index took {slowest:.0f} ms to render: over the limit of {args.limit:.0f} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
