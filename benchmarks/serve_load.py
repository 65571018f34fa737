"""Loopback load test: ``kopa-graph serve`` against ``oxigraph serve``.

Same data (the shipped graph, or any N-Triples file), same queries (every
named helper with its example parameters), same run, same clients. Each
client is a separate process with one keep-alive HTTP/1.1 connection that
sends the helper queries round-robin; the run is bounded by a request count
per client. Both servers answer every query before the timed run, and the
answers are compared (the same rows), so the figures compare like with like.

    python benchmarks/serve_load.py [--clients 4] [--requests 500] [--json out.json]

Reports requests/s, p50, p90 and p99 latency for each server and the
ratios, and exits 1 when the goal is missed (--goal): at least 0.8 of
Oxigraph's throughput (issue 18) and p99 under 50 ms. kopa-graph serve keeps
answers for the same query asked again (``--cache-mb``, the default) and the
load repeats 17 queries, so the figures of a cache are what it measures:
``--uncached`` adds a row for ``serve --cache-mb 0``, every query evaluated.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, path: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on 127.0.0.1:{port}{path}")


def helper_queries() -> list[tuple[str, str]]:
    from kopa_graph.query.evaluate import with_values
    from kopa_graph.query.helpers import bindings, helpers, rebase
    from kopa_graph.settings import Settings

    out = []
    for h in helpers().values():
        init = bindings(h, {p.name: p.example for p in h.params if p.example})
        out.append((h.name, with_values(rebase(h.text, Settings()), init)))
    return out


def ask(port: int, path: str, query: str) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", f"{path}?{urlencode({'query': query})}", headers={"Accept": "application/sparql-results+json"})
    r = c.getresponse()
    return r.status, r.read()


def rows(body: bytes) -> list[dict[str, object]]:
    data = json.loads(body)
    if "boolean" in data:
        return [{"boolean": data["boolean"]}]
    return sorted((b for b in data["results"]["bindings"]), key=lambda b: json.dumps(b, sort_keys=True))


def client(port: int, path: str, queries: list[str], requests: int, offset: int, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    urls = [f"{path}?{urlencode({'query': q})}" for q in queries]
    headers = {"Accept": "application/sparql-results+json"}
    latencies, errors = [], 0
    for i in range(requests):
        url = urls[(i + offset) % len(urls)]
        started = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    out.put((latencies, errors))


def run(port: int, path: str, queries: list[str], clients: int, requests: int) -> dict[str, float]:
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=client, args=(port, path, queries, requests, i * 5, out)) for i in range(clients)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": len(latencies), "errors": sum(e for _, e in results), "seconds": wall,
            "rps": len(latencies) / wall, "p50_ms": q[49] * 1000, "p90_ms": q[89] * 1000, "p99_ms": q[98] * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=500, help="requests per client per server")
    ap.add_argument("--rounds", type=int, default=3, help="timed runs per server (medians are reported)")
    ap.add_argument("--data", type=Path, help="source-data folder [default: the shipped data]")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--goal", action="store_true", help="exit 1 unless rps >= 0.8 of Oxigraph's and p99 < 50 ms")
    ap.add_argument("--uncached", action="store_true", help="also run serve --cache-mb 0 (every query evaluated)")
    args = ap.parse_args()

    bindir = Path(sys.executable).parent
    kopa = str(bindir / "kopa-graph") if (bindir / "kopa-graph").exists() else shutil.which("kopa-graph")
    oxi = str(bindir / "oxigraph") if (bindir / "oxigraph").exists() else shutil.which("oxigraph")
    if not kopa or not oxi:
        raise SystemExit("needs kopa-graph and the oxigraph server: pip install -e '.[test]'")
    work = Path(tempfile.mkdtemp(prefix="kopa-load-"))
    data = ["--data", str(args.data)] if args.data else []
    subprocess.run([kopa, "build", "--out", str(work / "out"), *data], check=True, stdout=subprocess.DEVNULL)
    nt = (work / "out" / "kopa.nt").read_bytes()
    queries = helper_queries()

    kport, oport, uport = free_port(), free_port(), free_port()
    servers = [subprocess.Popen([kopa, "serve", "--port", str(kport), *data], stdout=subprocess.DEVNULL),
               subprocess.Popen([oxi, "serve", "--bind", f"127.0.0.1:{oport}"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    kopas = [("kopa-graph serve", kport)]
    if args.uncached:
        servers.append(subprocess.Popen([kopa, "serve", "--port", str(uport), "--cache-mb", "0", *data],
                                        stdout=subprocess.DEVNULL))
        kopas.append(("  --cache-mb 0", uport))
    try:
        for _, port in kopas:
            wait_for(port, "/health")
        wait_for(oport, "/query")
        c = http.client.HTTPConnection("127.0.0.1", oport, timeout=60)
        c.request("POST", "/store?default", body=nt, headers={"Content-Type": "application/n-triples"})
        assert c.getresponse().status in (200, 201, 204)
        for name, text in queries:  # same answers from all, and all warm
            b = ask(oport, "/query", text)
            for _, port in kopas:
                a = ask(port, "/sparql", text)
                if a[0] != 200 or b[0] != 200 or rows(a[1]) != rows(b[1]):
                    raise SystemExit(f"{name}: the servers disagree ({a[0]} vs {b[0]})")
        texts = [t for _, t in queries]
        order = [("oxigraph serve", oport, "/query")] + [(label, port, "/sparql") for label, port in kopas]
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in order}
        for _ in range(args.rounds):  # the servers take turns, round by round: a busier minute hits all
            for label, port, path in order:
                runs[label].append(run(port, path, texts, args.clients, args.requests))
        figures = {label: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for label, rs in runs.items()}
    finally:
        for s in servers:
            s.terminate()
            s.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    ox, kg = figures["oxigraph serve"], figures["kopa-graph serve"]
    print(f"{len(nt.splitlines())} triples, {len(queries)} helper queries, {args.clients} clients x "
          f"{args.requests} requests, median of {args.rounds} runs, {os.cpu_count()} cores")
    print(f"{'server':<18} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, f in figures.items():
        print(f"{label:<18} {f['rps']:8.0f} {f['p50_ms']:8.2f} {f['p90_ms']:8.2f} {f['p99_ms']:8.2f} "
              f"{f['errors']:7.0f}")
    ratio = kg["rps"] / ox["rps"]
    print(f"kopa-graph / oxigraph throughput: {ratio:.2f}")
    ratios = {"ratio": ratio}
    if args.uncached:
        ratios["uncached_ratio"] = figures["  --cache-mb 0"]["rps"] / ox["rps"]
        print(f"kopa-graph --cache-mb 0 / oxigraph throughput: {ratios['uncached_ratio']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, **ratios}, indent=2) + "\n")
    if args.goal and (ratio < 0.8 or kg["p99_ms"] >= 50 or kg["errors"]):
        print("goal missed: at least 0.8 of Oxigraph's throughput, p99 under 50 ms, no errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
