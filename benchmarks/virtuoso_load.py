"""Publishing into Virtuoso beside Virtuoso's own bulk loader, on the same graph, in the same run (issue 18).

    python benchmarks/virtuoso_load.py [--size 1M] [--chunk-triples 50000] [--read-back sparql] [--page 100000]

Generates synthetic data (``benchmarks/synth.py``, seed 1), builds the graph, starts a throw-away Virtuoso
(``tests/virtuoso.py``) and measures, on that server:

- ``publish`` with ``--chunk-triples`` (pieces POSTed into a staging graph over HTTP with Digest, the staging
  graph read back and checked, ``MOVE`` to the target, the target read back and checked): what a user waits for;
  each read-back as ``--read-back`` says: ``sparql`` (the default here: ``CONSTRUCT`` pages of ``--page`` triples
  from ``/sparql``, which Virtuoso answers for graphs over 1,000,000 triples), ``auto`` or ``graph-store``;
- the same path's upload alone (the pieces, without the two read-backs), from the progress stages;
- Virtuoso's bulk loader on the N-Quads file of the same graph (``publish --bulk-bundle``'s ``load.sql``:
  ``ld_dir``, ``rdf_loader_run``, ``checkpoint``, through ``isql-vt``).

Building the graph is not timed. Wall time is ``time.perf_counter``. Nothing is asserted: it reports, as a
Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import configparser
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1M", help="10k, 100k or 1M triples (benchmarks/synth.py SIZES)")
    ap.add_argument("--chunk-triples", type=int, default=50000)
    ap.add_argument("--read-back", default="sparql", choices=["auto", "graph-store", "sparql"])
    ap.add_argument("--page", type=int, default=100000, help="triples per read-back page")
    args = ap.parse_args()
    import synth  # benchmarks/synth.py

    import virtuoso as launcher  # tests/virtuoso.py
    from kopa_graph import Settings, build_graph, load_source_data
    from kopa_graph.progress import Progress
    from kopa_graph.publish.graphstore.bundle import write_bundle
    from kopa_graph.publish.graphstore.paged import ReadBack
    from kopa_graph.publish.triplestore import publish

    with tempfile.TemporaryDirectory(prefix="kopa-virtuoso-load-") as tmp:
        work = Path(tmp)
        synth.generate(work / "data", synth.SIZES[args.size], seed=1)
        graph = build_graph(load_source_data(work / "data"), Settings()).graph
        print(f"{len(graph)} triples built; starting Virtuoso", file=sys.stderr)
        written = launcher.write_ini

        def roomy_ini(folder: Path, sql_port: int, http_port: int) -> Path:
            """The test server's ini, with room to read back more triples than its ResultSetMaxRows
            (1,000,000): Virtuoso answers a Graph Store GET of a larger graph with 500."""
            path = written(folder, sql_port, http_port)
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("ResultSetMaxRows = 1000000", "ResultSetMaxRows = 100000000"),
                            encoding="utf-8")
            return path

        launcher.write_ini = roomy_ini
        server = launcher.start(work / "virtuoso")
        try:
            stages: list[tuple[str, float]] = []

            class Timing(Progress):  # the stage times of the publish run, for the upload alone
                def stage(self, name):  # type: ignore[no-untyped-def,override]
                    from contextlib import contextmanager

                    @contextmanager
                    def timed():  # type: ignore[no-untyped-def]
                        started = time.perf_counter()
                        yield
                        stages.append((name, time.perf_counter() - started))
                    return timed()

            started = time.perf_counter()
            result = publish(graph, server.graph_store, "https://example.org/bench/chunked", launcher.USER,
                             launcher.PASSWORD, chunk_triples=args.chunk_triples, timeout=600,
                             update_endpoint=f"{server.url}/sparql-auth", progress=Timing(),
                             read_back=ReadBack(args.read_back, server.sparql, args.page))
            chunked = time.perf_counter() - started
            checks = sum(t for name, t in stages if name.startswith(("read", "switch")))
            bundle = write_bundle(work / "virtuoso" / "bundle",
                                  [("data.nq", graph, "https://example.org/bench/bulk")])
            ini = configparser.RawConfigParser(strict=False, interpolation=None, inline_comment_prefixes=(";",))
            ini.read(work / "virtuoso" / "virtuoso.ini", encoding="utf-8")
            started = time.perf_counter()
            run = subprocess.run(["isql-vt", ini.get("Parameters", "ServerPort"), launcher.USER, launcher.PASSWORD,
                                  str(bundle.folder / "load.sql")], capture_output=True, text=True, check=False)
            bulk = time.perf_counter() - started
            assert run.returncode == 0 and "Error" not in run.stdout, run.stdout + run.stderr
        finally:
            launcher.stop(server.pid)
    load = os.getloadavg()
    print("| triples | chunked publish (upload, check, MOVE, check) | of which upload | bulk loader "
          "(ld_dir + rdf_loader_run + checkpoint) | ratio publish / bulk | ratio upload / bulk |\n"
          "|---|---|---|---|---|---|\n"
          f"| {len(graph):,} ({args.chunk_triples:,} a piece) | {chunked:.1f} s | {chunked - checks:.1f} s | "
          f"{bulk:.1f} s | {chunked / bulk:.1f}x | {(chunked - checks) / bulk:.1f}x |")
    print("stages: " + "; ".join(f"{n} {t:.1f} s" for n, t in stages), file=sys.stderr)
    print(f"\nread-back: {args.read_back} (pages of {args.page:,})")
    print(f"verified: {result.verified}; note: {result.note or 'none'}; load average after: "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
