"""`kopa-graph build` against the floor: pyoxigraph alone doing the same I/O.

    python benchmarks/floor.py --size 100k [--repeat 3] [--keep DIR] [--json FILE]

The floor (issue 18) is what no build can beat by much: Oxigraph alone loading
the build's own N-Triples and writing Turtle, N-Triples and JSON-LD, as a
command of its own (process start included, as for ``kopa-graph build``). Both
run on the same synthetic data (``synth.py``, seed 1), alternating, each in a
fresh process; the medians and their ratio are printed. The build includes
loading the source data, building, validating and the manifest; the floor
does none of that, so the ratio says what all of it costs on top of the I/O.

``python benchmarks/floor.py --floor NT OUT`` runs the floor alone once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def floor(nt: Path, out: Path) -> None:
    """The dozen lines: load the N-Triples, write the three formats."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    out.mkdir(parents=True, exist_ok=True)
    for name, fmt in (("floor.ttl", ox.RdfFormat.TURTLE), ("floor.nt", ox.RdfFormat.N_TRIPLES),
                      ("floor.jsonld", ox.RdfFormat.JSON_LD)):
        store.dump(output=str(out / name), format=fmt, from_graph=ox.DefaultGraph())


def timed(args: list[str]) -> dict[str, float]:
    """Wall seconds, CPU seconds (user and system, its children included) and peak resident MB of one
    command, in a fresh child process."""
    code = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(json.dumps({'seconds': time.perf_counter() - t, 'exit': r.returncode, "
            "'cpu': u.ru_utime + u.ru_stime, 'peak_mb': u.ru_maxrss / 1024}))")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(proc.stdout)
    if result["exit"] != 0:
        raise SystemExit(f"{' '.join(args)} exited {result['exit']:.0f}")
    return result


def compare(data: Path, work: Path, repeat: int) -> dict[str, Any]:
    kopa = [sys.executable, "-m", "kopa_graph", "build", "--data", str(data), "--out", str(work / "out")]
    ox_floor = [sys.executable, str(Path(__file__)), "--floor", str(work / "out" / "kopa.nt"), str(work / "floor")]
    builds, floors = [], []
    for _ in range(repeat):
        builds.append(timed(kopa))
        floors.append(timed(ox_floor))
    build_s = statistics.median(r["seconds"] for r in builds)
    floor_s = statistics.median(r["seconds"] for r in floors)
    manifest = json.loads((work / "out" / "manifest.json").read_text())
    return {"triples": manifest["graph"]["triples"], "build_seconds": build_s, "floor_seconds": floor_s,
            "ratio": build_s / floor_s, "build_peak_mb": max(r["peak_mb"] for r in builds),
            "floor_peak_mb": max(r["peak_mb"] for r in floors),
            "build_cpu": statistics.median(r["cpu"] for r in builds),
            "floor_cpu": statistics.median(r["cpu"] for r in floors),
            "build_runs": [round(r["seconds"], 2) for r in builds],
            "floor_runs": [round(r["seconds"], 2) for r in floors], "load_average": os.getloadavg()}


def arguments(doc: str, repeat: int) -> argparse.ArgumentParser:
    """The options a floor benchmark takes: --size, --repeat, --keep and --json."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--size", default="100k", help="10k, 100k or 1M")
    ap.add_argument("--repeat", type=int, default=repeat)
    ap.add_argument("--keep", type=Path, help="folder for the generated data and outputs [default: a temporary one]")
    ap.add_argument("--json", type=Path)
    return ap


def synthetic(keep: Path, size: str) -> Path:
    """The synthetic data of ``size`` (``synth.py``, seed 1) in ``keep``, made unless it is there."""
    sys.path.insert(0, str(HERE))
    import synth

    data = keep / f"data-{size}"
    if not (data / "pilots.yaml").exists():
        synth.generate(data, synth.SIZES[size], seed=1)
    return data


def measured(args: argparse.Namespace, prefix: str, measure: Callable[[Path, Path], dict[str, Any]]) -> dict[str, Any]:
    """``measure(data, keep)`` on the synthetic data of ``--size`` in ``--keep`` (else a temporary folder, removed
    afterwards); its result, also written to ``--json``."""
    keep = args.keep or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        result = measure(synthetic(keep, args.size), keep)
    finally:
        if args.keep is None:
            shutil.rmtree(keep, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> int:
    ap = arguments(__doc__, 3)
    ap.add_argument("--floor", nargs=2, type=Path, metavar=("NT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor(*args.floor)
        return 0
    def measure(data: Path, keep: Path) -> dict[str, Any]:
        work = keep / f"work-{args.size}"
        work.mkdir(parents=True, exist_ok=True)
        return compare(data, work, args.repeat)

    result = measured(args, "kopa-floor-", measure)
    print(f"{args.size}: {result['triples']} triples; kopa-graph build {result['build_seconds']:.2f} s "
          f"(peak {result['build_peak_mb']:.0f} MB), floor {result['floor_seconds']:.2f} s "
          f"(peak {result['floor_peak_mb']:.0f} MB): ratio {result['ratio']:.2f}; runs {result['build_runs']} / "
          f"{result['floor_runs']}; CPU {result['build_cpu']:.1f} s / {result['floor_cpu']:.1f} s; "
          f"load average {' '.join(f'{x:.2f}' for x in result['load_average'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
