"""Good, slow, malformed and oversized requests together against a real ``kopa-graph serve``.

Starts ``kopa-graph serve`` on the shipped data on loopback, then for ``--seconds`` runs ``--clients``
client threads, each sending a mix of requests round-robin:

- good: the named helpers and SPARQL queries that answer at once (expected 200, or 503 when every
  worker is busy with slow queries for longer than the time limit: shed, with Retry-After);
- slow: a cartesian product that runs into the time limit (expected 503);
- malformed: SPARQL syntax errors, updates, SERVICE, unknown helpers (expected 400/403/404);
- oversized: a 20 kB query (414), 200 kB of headers (431), a 200 kB body (413).

Meanwhile a probe asks ``/health`` every 100 ms and the server's memory (its process and its query
workers) is sampled every 200 ms. The report gives requests served, answers by kind and status,
latency p50/p99 per kind, the probe's latency, and peak memory. It exits 1 if the server stops, if
an answer is not the expected kind (a 5xx other than a slow query's 503, a dropped connection), or if
the probe's p99 exceeds ``--health-p99`` seconds.

    .venv/bin/python benchmarks/mixed_load.py --seconds 60 --clients 4 [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

HELPERS = [("pilots-of-municipality", {"municipality": "Borgå"}), ("lead-organisations", {}),
           ("statistics", {}), ("contacts-of-pilot", {"pilot": "Birkaland"}), ("themes-together", {})]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# 503 is also expected for good and malformed queries: while slow queries hold every worker, a query
# that waits longer than the time limit for one is shed with 503 and Retry-After (back-pressure, not
# a failure). Requests the server answers without a worker (oversized ones) are never shed.
EXPECTED = {"good": {200, 503}, "slow": {503}, "malformed": {400, 403, 404, 503}, "oversized": {413, 414, 431}}


def _requests(base: str) -> list[tuple[str, str, str, dict[str, str], bytes | None]]:
    """(kind, method, url, headers, body) in the order each client cycles through."""
    q = urllib.parse.quote
    out: list[tuple[str, str, str, dict[str, str], bytes | None]] = []
    for name, params in HELPERS:
        out.append(("good", "GET", f"{base}/queries/{name}?{urllib.parse.urlencode(params)}", {}, None))
    out.append(("good", "GET", f"{base}/sparql?query={q('ASK { ?s ?p ?o }')}", {}, None))
    out.append(("good", "GET", f"{base}/doc/pilot/jarviseutu", {"Accept": "text/turtle"}, None))
    out.append(("slow", "GET", f"{base}/sparql?query={q(SLOW)}", {}, None))
    out.append(("malformed", "GET", f"{base}/sparql?query={q('SELECT * WHERE { ?s ?p }')}", {}, None))
    out.append(("malformed", "POST", f"{base}/sparql", {"Content-Type": "application/sparql-update"},
                b"DELETE WHERE { ?s ?p ?o }"))
    out.append(("malformed", "GET",
                f"{base}/sparql?query={q('SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')}", {},
                None))
    out.append(("malformed", "GET", f"{base}/queries/no-such-helper", {}, None))
    out.append(("oversized", "GET", f"{base}/sparql?query={q('#' + 'x' * 20_000)}", {}, None))
    out.append(("oversized", "GET", f"{base}/health", {"X-Padding": "x" * 200_000}, None))
    out.append(("oversized", "POST", f"{base}/sparql", {"Content-Type": "application/sparql-query"},
                b"#" + b"x" * 200_000))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_tree_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the query workers), in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) == pid or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(seconds: float, clients: int, health_p99: float, timeout: float) -> dict[str, object]:
    script = Path(sys.executable).with_name("kopa-graph")
    port = _free_port()
    server = subprocess.Popen([str(script), "serve", "--port", str(port), "--workers", "2", "--timeout",
                               str(timeout), "--memory-mb", "1024"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        time.sleep(0.2)

    results: list[tuple[str, int, float]] = []  # kind, status (0: no answer), seconds
    health: list[float] = []
    health_failures = 0
    memory: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    plan = _requests(base)

    def client(offset: int) -> None:
        with httpx.Client(timeout=timeout + 20) as c:
            i = offset
            while not stop.is_set():
                kind, method, url, headers, body = plan[i % len(plan)]
                i += 1
                started = time.monotonic()
                try:
                    status = c.request(method, url, headers=headers, content=body).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    results.append((kind, status, time.monotonic() - started))

    def probe() -> None:
        nonlocal health_failures
        with httpx.Client(timeout=10) as c:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    ok = c.get(f"{base}/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                health.append(time.monotonic() - started)
                health_failures += not ok
                time.sleep(0.1)

    def sample() -> None:
        while not stop.is_set():
            memory.append(_rss_tree_mb(server.pid))
            time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(k * 3,)) for k in range(clients)]
    threads += [threading.Thread(target=probe), threading.Thread(target=sample)]
    began = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout + 30)
    elapsed = time.monotonic() - began
    alive = server.poll() is None
    server.terminate()
    server.wait(20)

    by_kind: dict[str, dict[str, object]] = {}
    unexpected = 0
    for kind in EXPECTED:
        rows = [(s, sec) for k, s, sec in results if k == kind]
        statuses: dict[str, int] = {}
        for s, _ in rows:
            statuses[str(s)] = statuses.get(str(s), 0) + 1
        bad = sum(1 for s, _ in rows if s not in EXPECTED[kind])
        unexpected += bad
        secs = [sec for _, sec in rows]
        by_kind[kind] = {"requests": len(rows), "statuses": statuses, "unexpected": bad,
                         "shed_503": statuses.get("503", 0) if kind != "slow" else 0,
                         "p50_ms": round(_pct(secs, 50) * 1000, 1), "p99_ms": round(_pct(secs, 99) * 1000, 1)}
    report = {
        "seconds": round(elapsed, 1), "clients": clients, "timeout_s": timeout,
        "requests": len(results), "requests_per_s": round(len(results) / elapsed, 1),
        "by_kind": by_kind, "unexpected": unexpected, "server_alive": alive,
        "health": {"probes": len(health), "failures": health_failures,
                   "p50_ms": round(_pct(health, 50) * 1000, 1), "p99_ms": round(_pct(health, 99) * 1000, 1),
                   "max_ms": round(max(health, default=0) * 1000, 1)},
        "memory_mb": {"start": round(memory[0], 1) if memory else 0, "peak": round(max(memory, default=0), 1),
                      "end": round(memory[-1], 1) if memory else 0,
                      "median": round(statistics.median(memory), 1) if memory else 0},
    }
    report["ok"] = bool(alive and unexpected == 0 and health_failures == 0
                        and report["health"]["p99_ms"] <= health_p99 * 1000)  # type: ignore[index]
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=2.0, help="the server's query time limit")
    ap.add_argument("--health-p99", type=float, default=1.0, help="seconds the /health probe's p99 may reach")
    ap.add_argument("--json", help="write the report here too")
    args = ap.parse_args()
    report = run(args.seconds, args.clients, args.health_p99, args.timeout)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
