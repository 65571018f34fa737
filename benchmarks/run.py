"""The benchmark suite: kopa-graph's stages beside plain rdflib, pyoxigraph and pySHACL.

    python benchmarks/run.py [--sizes 10k,100k] [--repeat 3] [--markdown BENCHMARKS.md]

For each size it generates synthetic source data (``benchmarks/synth.py``,
seed 1), then measures, in fresh processes, medians of ``--repeat`` runs:

- the stages in one process: loading the source data, building the graph,
  validating, writing Turtle, N-Triples and JSON-LD, preparing the graph for
  queries, and every named helper query (kopa-graph's ``run_query`` on the
  prepared graph, rows as rdflib terms, beside the same query text on a bare
  pyoxigraph store in the same process, with the ratio; best of 3);
- ``kopa-graph site`` and ``kopa-graph build`` as commands, process start
  included, and the floor (``floor.py``: pyoxigraph alone loading the
  build's N-Triples and writing the three formats), with the build's ratio to it;
- the baselines on the same graph: rdflib and pyoxigraph parsing and writing
  the Turtle file, and pySHACL validating the same data with the same shapes
  (bounded by ``--pyshacl-timeout``).

Wall time is ``time.perf_counter``; memory is the process's peak resident set
(``ru_maxrss``), so a stage's figure includes what earlier stages of the same
process hold. Nothing here asserts a speed: it reports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# -- steps, each run in a fresh process: python run.py --step NAME --data DIR --work DIR ------------------------

def step_stages(data: Path, work: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        value = fn()
        out[name] = {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb()}
        return value

    from kopa_graph.graph.build import build_graph
    from kopa_graph.rdfio.engine import serialize
    from kopa_graph.rdfio.namespaces import prefixes_for
    from kopa_graph.settings import Settings
    from kopa_graph.source.load import load_source_data
    from kopa_graph.validation.validate import load_ontology, load_shapes, validate_graph

    settings = Settings()
    source = timed("load source data", lambda: load_source_data(data))
    built = timed("build the graph", lambda: build_graph(source, settings))
    triples = built.triples  # what kopa-graph build validates and writes (issue 18: no rdflib graph)
    out["build the graph"]["triples"] = len(triples)
    shapes, ontology = load_shapes(settings), load_ontology()
    report = timed("validate", lambda: validate_graph(triples, settings, shapes=shapes, ontology=ontology))
    out["validate"]["violations"] = len(report.violations)
    prefixes = prefixes_for(settings.id_base)
    for fmt in ("turtle", "n-triples", "json-ld"):
        body = timed(f"write {fmt}", lambda fmt=fmt: serialize(triples, fmt, prefixes, settings.id_base))
        out[f"write {fmt}"]["bytes"] = len(body)
        if fmt == "turtle":
            (work / "kopa.ttl").write_bytes(body)
    graph = timed("make the rdflib graph (library users, queries)", lambda: built.graph)
    out.update(_queries(graph, settings))
    return out


def _queries(graph, settings) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    from kopa_graph.query.evaluate import prepare, with_values
    from kopa_graph.query.helpers import bindings, helpers, rebase, run_query
    from kopa_graph.rdfio.oxbridge import store_of

    store = store_of([graph])  # the baseline: a bare pyoxigraph store, queried with the same text
    started = time.perf_counter()
    prepared = prepare(graph)
    out = {"prepare the graph for queries": {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb()}}
    for h in helpers().values():
        params = {p.name: p.example for p in h.params if p.example}
        text = with_values(rebase(h.text, settings), bindings(h, params))
        runs, oxi = [], []
        for _ in range(3):
            started = time.perf_counter()
            rows = run_query(prepared, h.name, settings, **params)
            runs.append(time.perf_counter() - started)
            started = time.perf_counter()
            ox_rows = list(store.query(text))
            oxi.append(time.perf_counter() - started)
        out[f"query {h.name}"] = {"seconds": min(runs), "pyoxigraph_seconds": min(oxi), "rows": len(rows),
                                  "pyoxigraph_rows": len(ox_rows), "peak_mb": _rss_mb()}
    return out


def step_command(args: list[str]) -> dict[str, dict[str, float]]:
    started = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    return {"command": {"seconds": seconds, "peak_mb": _child_rss_mb(), "exit": proc.returncode}}


def step_baselines(work: Path) -> dict[str, dict[str, float]]:
    out = {}
    ttl = work / "kopa.ttl"
    started = time.perf_counter()
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    out["pyoxigraph parse Turtle"] = {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb()}
    started = time.perf_counter()
    body = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    out["pyoxigraph write Turtle"] = {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb(),
                                      "bytes": len(body or b"")}
    del store, body
    started = time.perf_counter()
    from rdflib import Graph

    g = Graph()
    g.parse(ttl, format="turtle")
    out["rdflib parse Turtle"] = {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb()}
    started = time.perf_counter()
    data = g.serialize(format="turtle")
    out["rdflib write Turtle"] = {"seconds": time.perf_counter() - started, "peak_mb": _rss_mb(), "bytes": len(data)}
    return out


def step_pyshacl(work: Path) -> dict[str, dict[str, float]]:
    import pyshacl
    from rdflib import Graph

    from kopa_graph.settings import Settings
    from kopa_graph.validation.validate import load_ontology, load_shapes

    started = time.perf_counter()
    g = Graph().parse(work / "kopa.ttl", format="turtle")
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    conforms, _, _ = pyshacl.validate(g, shacl_graph=load_shapes(Settings()), ont_graph=load_ontology(),
                                      inference="none", advanced=True, allow_warnings=True)
    return {"pySHACL validate (parse excluded)": {"seconds": time.perf_counter() - started, "parse_seconds": parsed,
                                                  "peak_mb": _rss_mb(), "conforms": bool(conforms)}}


# -- the driver ------------------------------------------------------------------------------------------------

def _run_step(name: str, data: Path, work: Path, timeout: float | None = None) -> dict[str, dict[str, float]] | None:
    cmd = [sys.executable, str(Path(__file__)), "--step", name, "--data", str(data), "--work", str(work)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _median(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for key in runs[0]:
        out[key] = {k: statistics.median(r[key][k] for r in runs) if isinstance(v, (int, float)) and not
                    isinstance(v, bool) else v for k, v in runs[0][key].items()}
    return out


def measure(size: str, pilots: int, repeat: int, pyshacl_timeout: float, keep: Path,
            skip: frozenset[str] = frozenset()) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    import synth

    data = keep / f"data-{size}"
    if not (data / "pilots.yaml").exists():
        synth.generate(data, pilots, seed=1)
    work = keep / f"work-{size}"
    work.mkdir(exist_ok=True)
    kopa = str(BIN / "kopa-graph")
    results: dict[str, dict[str, float]] = {}
    results.update(_median([_run_step("stages", data, work) for _ in range(repeat)]))  # type: ignore[misc]
    for label, args in (("kopa-graph build (command)", [kopa, "build", "--data", str(data), "--out",
                                                        str(work / "out")]),
                        ("kopa-graph site (command)", [kopa, "site", str(work / "www"), "--data", str(data)])):
        if label.split()[1] in skip:
            continue
        runs = [_run_step("command:" + json.dumps(args), data, work) for _ in range(repeat)]
        results[label] = _median(runs)["command"]  # type: ignore[arg-type]
        if label.startswith("kopa-graph build"):  # issue 18's floor: pyoxigraph alone on the build's N-Triples
            floor = [sys.executable, str(HERE / "floor.py"), "--floor", str(work / "out" / "kopa.nt"),
                     str(work / "floor")]
            runs = [_run_step("command:" + json.dumps(floor), data, work) for _ in range(repeat)]
            results["floor: pyoxigraph loads kopa.nt, writes three formats (command)"] = _median(runs)["command"]
            results[label]["floor_ratio"] = results[label]["seconds"] / results[
                "floor: pyoxigraph loads kopa.nt, writes three formats (command)"]["seconds"]
    if "baselines" not in skip:
        results.update(_median([_run_step("baselines", data, work) for _ in range(repeat)]))  # type: ignore[misc]
    if "pyshacl" not in skip:
        shacl = _run_step("pyshacl", data, work, timeout=pyshacl_timeout)
        results["pySHACL validate (parse excluded)"] = (shacl or {}).get("pySHACL validate (parse excluded)") or {
            "seconds": float("inf"), "timeout": pyshacl_timeout}
    return {"size": size, "pilots": pilots, "results": results}


def markdown(all_results: list[dict[str, object]], repeat: int) -> str:
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
               f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        machine = cpu + ", " + machine
    except (OSError, StopIteration):
        pass
    lines = ["# Benchmarks", "", f"Measured {time.strftime('%Y-%m-%d')} by `python benchmarks/run.py`, on {machine}.",
             f"Medians of {repeat} runs, each in a fresh process; memory is the process's peak resident set.",
             "Synthetic data from `benchmarks/synth.py` (seed 1). Regenerate with the command above.", ""]
    for block in all_results:
        res = block["results"]
        assert isinstance(res, dict)
        triples = int(res["build the graph"]["triples"])
        lines += [f"## {block['size']}: {triples} triples ({block['pilots']} pilots)", "",
                  "| step | seconds | peak MB | note |", "|---|---:|---:|---|"]
        for name, r in res.items():
            if name.startswith("query "):
                continue
            note = []
            if "bytes" in r:
                note.append(f"{int(r['bytes']):,} bytes")
            if "violations" in r:
                note.append(f"{int(r['violations'])} violations")
            if "timeout" in r:
                note.append(f"stopped after {r['timeout']:.0f} s")
            if "floor_ratio" in r:
                note.append(f"{r['floor_ratio']:.2f}x the floor")
            if "parse_seconds" in r:
                note.append(f"parse {r['parse_seconds']:.2f} s")
            seconds = "over limit" if r["seconds"] == float("inf") else f"{r['seconds']:.3f}"
            lines.append(f"| {name} | {seconds} | {r.get('peak_mb', 0):.0f} | {'; '.join(note)} |")
        lines += ["", "| helper query | kopa-graph ms | pyoxigraph ms | ratio | rows |", "|---|---:|---:|---:|---:|"]
        for name, r in res.items():
            if name.startswith("query "):
                ratio = r["seconds"] / r["pyoxigraph_seconds"] if r["pyoxigraph_seconds"] else float("inf")
                lines.append(f"| {name[6:]} | {r['seconds'] * 1000:.2f} | {r['pyoxigraph_seconds'] * 1000:.2f} | "
                             f"{ratio:.1f} | {int(r['rows'])} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pyshacl-timeout", type=float, default=600)
    ap.add_argument("--markdown", type=Path, help="write the tables here (BENCHMARKS.md)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip", default="", help="comma-separated: site, build, baselines, pyshacl (slow at 1M)")
    ap.add_argument("--keep", type=Path, help="folder for the generated data and outputs [default: a temporary one]")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        if args.step == "stages":
            result = step_stages(args.data, args.work)
        elif args.step == "baselines":
            result = step_baselines(args.work)
        elif args.step == "pyshacl":
            result = step_pyshacl(args.work)
        else:
            result = step_command(json.loads(args.step.split(":", 1)[1]))
        print(json.dumps(result))
        return 0
    sys.path.insert(0, str(HERE))
    from synth import SIZES

    keep = args.keep or Path(tempfile.mkdtemp(prefix="kopa-bench-"))
    keep.mkdir(parents=True, exist_ok=True)
    try:
        skip = frozenset(x for x in args.skip.split(",") if x)
        everything = [measure(size, SIZES[size], args.repeat, args.pyshacl_timeout, keep, skip)
                      for size in args.sizes.split(",")]
    finally:
        if args.keep is None:
            shutil.rmtree(keep, ignore_errors=True)
    text = markdown(everything, args.repeat)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
