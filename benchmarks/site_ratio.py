"""`kopa-graph site` against `kopa-graph build`, and against the cost of its files alone.

    python benchmarks/site_ratio.py --size 100k [--repeat 2] [--keep DIR] [--json FILE]

Issue 18's target: the site at 100k triples within 2x the build of the same data. Per round, in fresh
processes and each into a new folder: ``kopa-graph build``, ``kopa-graph site``, then the *write floor*:
a process that reads every file of that site into memory (not timed) and writes the same bytes into a new
folder (timed), one process per core as the site does, each file created, written and closed with
``os.open``/``os.write``, nothing rendered. A site has to make the build's graph, validation and downloads
as well as these files, so ``build + write floor`` is less than any ``site`` of these bytes can take on this
machine; the printed ``floor ratio`` is that sum over the build.

No folder is removed between the runs: on ext4, creating files just after as many were removed is several
times slower (``recently_deleted``: BENCHMARKS.md), which would charge one run for the one before.

``python benchmarks/site_ratio.py --write-floor SITE OUT`` runs the write floor alone once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floor import arguments, measured, timed  # noqa: E402

_FILES: list[tuple[str, bytes]] = []


def _put(span: tuple[int, int]) -> int:
    for rel, data in _FILES[span[0]:span[1]]:
        fd = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    return span[1] - span[0]


def write_floor(site: Path, out: Path) -> dict[str, float]:
    """Write the bytes of every file of ``site`` (read first, not timed) into ``out``: its folders, then its
    files in runs of consecutive paths shared out to one forked process per core."""
    files = []
    for root, _, names in os.walk(site):
        for name in names:
            path = Path(root, name)
            if not path.is_symlink():
                files.append((str(out / path.relative_to(site)), path.read_bytes()))
    files.sort()
    _FILES[:] = files
    jobs = len(os.sched_getaffinity(0))
    size = max(8, -(-len(files) // (jobs * 16)))
    spans = [(start, min(start + size, len(files))) for start in range(0, len(files), size)]
    started, cpu = time.perf_counter(), os.times()
    for folder in sorted({os.path.dirname(f) for f, _ in files}):
        os.makedirs(folder, exist_ok=True)
    with get_context("fork").Pool(jobs) as pool:
        written = sum(pool.imap(_put, spans))
    ended = os.times()
    return {"seconds": time.perf_counter() - started, "files": written, "bytes": sum(len(d) for _, d in files),
            "cpu": sum(ended[:4]) - sum(cpu[:4])}


def compare(data: Path, work: Path, repeat: int) -> dict[str, Any]:
    kopa = [sys.executable, "-m", "kopa_graph", "-q"]
    rounds: list[dict[str, Any]] = []
    for i in range(repeat):
        build = timed([*kopa, "build", "--data", str(data), "--out", str(work / f"build-{i}")])
        site = timed([*kopa, "site", "--data", str(data), str(work / f"site-{i}")])
        floor = json.loads(_run_floor(work / f"site-{i}", work / f"floor-{i}"))
        rounds.append({"build": build, "site": site, "floor": floor})
    build_s = statistics.median(r["build"]["seconds"] for r in rounds)
    site_s = statistics.median(r["site"]["seconds"] for r in rounds)
    floor_s = statistics.median(r["floor"]["seconds"] for r in rounds)
    return {"build_seconds": build_s, "site_seconds": site_s, "write_floor_seconds": floor_s,
            "ratio": site_s / build_s, "floor_ratio": (build_s + floor_s) / build_s,
            "files": rounds[0]["floor"]["files"], "bytes": rounds[0]["floor"]["bytes"],
            "site_peak_mb": max(r["site"]["peak_mb"] for r in rounds),
            "site_cpu": statistics.median(r["site"]["cpu"] for r in rounds),
            "build_cpu": statistics.median(r["build"]["cpu"] for r in rounds),
            "runs": [{k: round(r[k]["seconds"], 2) for k in ("build", "site", "floor")} for r in rounds],
            "load_average": os.getloadavg()}


def _run_floor(site: Path, out: Path) -> str:
    import subprocess

    return subprocess.run([sys.executable, str(Path(__file__)), "--write-floor", str(site), str(out)],
                          capture_output=True, text=True, check=True).stdout


def main() -> int:
    ap = arguments(__doc__, 2)
    ap.add_argument("--write-floor", nargs=2, type=Path, metavar=("SITE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_floor:
        print(json.dumps(write_floor(*args.write_floor)))
        return 0
    result = measured(args, "kopa-site-ratio-", lambda data, keep: compare(
        data, Path(tempfile.mkdtemp(prefix=f"work-{args.size}-", dir=keep)), args.repeat))
    print(f"{args.size}: build {result['build_seconds']:.2f} s, site {result['site_seconds']:.2f} s "
          f"(peak {result['site_peak_mb']:.0f} MB, CPU {result['site_cpu']:.1f} s): ratio {result['ratio']:.2f}; "
          f"write floor {result['write_floor_seconds']:.2f} s for {result['files']} files, "
          f"{result['bytes'] / 1e6:.0f} MB: (build + floor) / build {result['floor_ratio']:.2f}; "
          f"runs {result['runs']}; load average {' '.join(f'{x:.2f}' for x in result['load_average'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
