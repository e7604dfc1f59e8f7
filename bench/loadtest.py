"""`make loadtest`: many concurrent clients against a real server running the named-query mix.

    python -m bench.loadtest                         # 50 clients, 60 s, the seed papers (what `make serve` serves)
    python -m bench.loadtest --papers 1000           # the same over the seeds + 1,000 synthetic papers
    python -m bench.loadtest --clients 3 --duration 2 --papers 0 --out /tmp/lt   # a smoke run

Each client is a thread with its own keep-alive connection to `npt-kg serve` on 127.0.0.1; it
sends the queries of `queries/` in turn (each client starting at a different one), waits for the
whole response, and sends the next. The run is bounded in clients, time and per-request timeout.
Writes `loadtest.json` and `loadtest.md` (errors, throughput, p50/p99 overall and per query).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench import generate
from bench.common import (
    BENCH_DIR,
    SEEDS_DIR,
    Server,
    SparqlClient,
    accept_for,
    git_clean,
    machine_info,
    percentile,
    pss_mb,
)
from bench.run import log, run_build
from kg.util.atomic import write_atomically

MAX_CLIENTS = 200
MAX_DURATION = 600.0
P99_OVER_P50_MAX = 10.0


def client_loop(send, queries: list[dict], offset: int, stop_at: float,
                records: list[tuple[str, float, float, str]]) -> None:
    """One client: the queries in turn until `stop_at`; each request as (query, start, seconds, outcome)."""
    i = offset
    while time.perf_counter() < stop_at:
        q = queries[i % len(queries)]
        i += 1
        t0 = time.perf_counter()
        try:
            outcome = send(q)
        except Exception as exc:  # every failure is an error to count, never a crash of the client
            outcome = type(exc).__name__
        records.append((q["name"], t0, time.perf_counter() - t0, outcome))


def run_phase(make_sender, queries: list[dict], clients: int, duration: float,
              during=None) -> tuple[list[tuple[str, float, float, str]], float, dict]:
    """`clients` threads for `duration` seconds; `during(t0)` runs meanwhile (the worker kill)."""
    records: list[tuple[str, float, float, str]] = []
    t0 = time.perf_counter()
    stop_at = t0 + duration
    threads = [threading.Thread(target=client_loop, daemon=True, args=(make_sender(), queries, i, stop_at, records))
               for i in range(clients)]
    for t in threads:
        t.start()
    extra = during(t0) if during else {}
    for t in threads:
        t.join(timeout=duration + 120)
    return list(records), time.perf_counter() - t0, extra


def summarize_phase(records: list[tuple[str, float, float, str]], elapsed: float, queries: list[dict]) -> dict:
    ok_times = [t for _, _, t, o in records if o == "ok"]
    error_kinds: dict[str, int] = {}
    for _, _, _, o in records:
        if o != "ok":
            error_kinds[o] = error_kinds.get(o, 0) + 1
    overall = stats_ms([t for _, _, t, _ in records])
    ratio = round(overall["p99_ms"] / overall["p50_ms"], 1) if overall.get("p50_ms") else None
    return {
        "elapsed_s": round(elapsed, 2), "requests": len(records), "ok": len(ok_times),
        "errors": len(records) - len(ok_times), "error_kinds": error_kinds,
        "throughput_rps": round(len(ok_times) / elapsed, 2) if elapsed else None,
        "overall": overall, "p99_over_p50": ratio,
        "per_query": {q["name"]: stats_ms([t for n, _, t, o in records if n == q["name"] and o == "ok"])
                      for q in queries},
    }


def stats_ms(times: list[float]) -> dict:
    if not times:
        return {"n": 0}
    return {"n": len(times), "p50_ms": round(percentile(times, 50) * 1000, 2),
            "p99_ms": round(percentile(times, 99) * 1000, 2), "max_ms": round(max(times) * 1000, 2)}


def prepare_graph(papers: int, workdir: Path, seed: int) -> Path:
    """The seed papers plus `papers` synthetic ones, built once and reused."""
    graph = workdir / f"loadtest-graph-{papers}.ttl"
    if graph.exists():
        return graph
    corpus = workdir / f"loadtest-corpus-{papers}"
    if corpus.exists():
        shutil.rmtree(corpus)
    if papers:
        generate.generate_corpus(papers, corpus, seed=seed)
    else:
        corpus.mkdir(parents=True)
    for s in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(s, corpus / s.name)
    log(f"building the load-test graph ({papers} synthetic papers + seeds)")
    run_build(corpus, graph, workdir / f"loadtest-build-{papers}.json", timeout=1800)
    return graph


def server_defaults() -> str:
    """The `npt-kg serve` defaults the load test runs with, read from the CLI itself."""
    from kg.commands import build_parser

    a = build_parser().parse_args(["serve"])
    return f"{a.workers} worker processes, {a.threads} threads, {a.timeout:.0f} s query timeout"


def graph_triples(papers: int, workdir: Path) -> int | None:
    result = workdir / f"loadtest-build-{papers}.json"
    if result.exists():
        return json.loads(result.read_text(encoding="utf-8")).get("triples")
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load per phase (default: 60)")
    p.add_argument("--papers", type=int, default=997,
                   help="synthetic papers besides the three seeds (default: 997, the 1,000-paper corpus)")
    p.add_argument("--graph", type=Path, default=None, help="a built graph to use instead of building one")
    p.add_argument("--store-dir", type=Path, default=None, help="its on-disk store, if already prepared")
    p.add_argument("--no-peer", action="store_true", help="skip Oxigraph server")
    p.add_argument("--queries", default=None, help="comma-separated named queries for the mix (default: all)")
    p.add_argument("--request-timeout", type=float, default=60.0, help="client timeout per request")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, default=BENCH_DIR, help="where loadtest.json / loadtest.md go")
    p.add_argument("--workdir", type=Path, default=BENCH_DIR / "out")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        p.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_DURATION:
        p.error(f"--duration must be in (0, {MAX_DURATION:.0f}]")
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)

    from kg.store.library import load_library
    from kg.store.textindex import INDEX_NAME, TextIndex, rewrite, uses_text_query

    graph = args.graph or prepare_graph(args.papers, args.workdir, args.seed)
    store_dir = args.store_dir or args.workdir / f"loadtest-store-{args.papers}"
    if not (store_dir / INDEX_NAME).exists():
        log(f"preparing the on-disk store {store_dir}")
        from kg.store import prepare_disk_store

        prepare_disk_store(store_dir, graph)
    index = TextIndex(store_dir / INDEX_NAME)
    queries = [{"name": q.name, "sparql": q.sparql, "accept": accept_for(q.sparql),
                "peer_sparql": rewrite(q.sparql, index) if uses_text_query(q.sparql) else q.sparql}
               for q in load_library().values()]
    if args.queries:
        chosen = set(args.queries.split(","))
        if chosen - {q["name"] for q in queries}:
            p.error(f"unknown queries: {', '.join(sorted(chosen - {q['name'] for q in queries}))}")
        queries = [q for q in queries if q["name"] in chosen]
    res: dict = {"machine": machine_info(), "clean": git_clean(),
                 "config": {"clients": args.clients, "duration_s": args.duration, "papers": args.papers + 3,
                            "request_timeout_s": args.request_timeout, "server": server_defaults(),
                            "store": "on disk (--store-dir), as make serve",
                            "queries": [q["name"] for q in queries]},
                 "phases": {}}

    server = Server(graph=graph, store_dir=store_dir, log_path=args.workdir / "loadtest-server.log")
    log(f"starting server on {graph.name} with the store {store_dir}")
    server.start()
    try:
        def sender(headers: dict[str, str] | None):
            def make():
                client = SparqlClient(server.port, timeout=args.request_timeout)

                def send(q: dict) -> str:
                    status, _, _ = client.query(q["sparql"], q["accept"], headers)
                    return "ok" if status == 200 else f"HTTP {status}"
                return send
            return make

        warm = SparqlClient(server.port, timeout=args.request_timeout)
        for q in queries:  # one untimed pass: the first query of each kind opens its caches
            warm.query(q["sparql"], q["accept"], {"Cache-Control": "no-cache"})
        warm.close()

        def kill_midway(t0: float) -> dict:
            time.sleep(args.duration / 2)
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=60) as resp:
                pids = json.loads(resp.read())["workers"]["pids"]
            at = time.perf_counter()
            os.kill(pids[0], signal.SIGKILL)
            time.sleep(1.0)
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=60) as resp:
                after = json.loads(resp.read())["workers"]
            return {"killed_pid": pids[0], "at_s": round(at - t0, 2), "at": at, "after": after}

        log(f"this server, no result cache: {args.clients} clients for {args.duration:.0f} s, a worker killed midway")
        records, elapsed, kill = run_phase(sender({"Cache-Control": "no-cache"}), queries, args.clients,
                                           args.duration, kill_midway)
        phase = summarize_phase(records, elapsed, queries)
        at = kill.pop("at")
        in_flight = [r for r in records if r[1] <= at <= r[1] + r[2]]
        phase["worker_kill"] = {
            **kill, "requests_in_flight": len(in_flight),
            "failed_in_flight": sum(1 for r in in_flight if r[3] != "ok"),
            "failed_otherwise": sum(1 for r in records if r[3] != "ok" and r not in in_flight),
        }
        phase["server_memory_pss"] = pss_mb(server.proc.pid)  # type: ignore[union-attr]
        res["phases"]["server"] = phase

        log(f"this server, result cache on: {args.clients} clients for {args.duration:.0f} s")
        records, elapsed, _ = run_phase(sender(None), queries, args.clients, args.duration)
        res["phases"]["server_cached"] = summarize_phase(records, elapsed, queries)
        res["server_memory"] = server.memory()
    finally:
        server.stop()

    if not args.no_peer:
        res["phases"]["oxigraph"] = oxigraph_phase(store_dir, queries, args)
    res["notes"] = notes(res)
    write_atomically(args.out / "loadtest.json", json.dumps(res, indent=1, ensure_ascii=False) + "\n")
    write_atomically(args.out / "loadtest.md", render_markdown(res))
    s = res["phases"]["server"]
    log(f"{s['requests']} requests, {s['errors']} errors, {s['throughput_rps']} req/s, "
        f"p50 {s['overall'].get('p50_ms')} ms, p99 {s['overall'].get('p99_ms')} ms -> {args.out / 'loadtest.md'}")
    return 0


def oxigraph_phase(store_dir: Path, queries: list[dict], args: argparse.Namespace) -> dict:
    """Oxigraph server on the same data (our store dumped as N-Quads), the same mix and clients."""
    from bench.named import ensure_oxigraph
    from bench.peers import start_oxigraph

    why = ensure_oxigraph()
    if why:
        return {"skipped": why}
    quads = args.workdir / "loadtest-dataset.nq"
    from pyoxigraph import RdfFormat, Store

    Store.read_only(str(store_dir)).dump(str(quads), RdfFormat.N_QUADS)
    d = args.workdir / "loadtest-oxigraph"
    shutil.rmtree(d, ignore_errors=True)
    with start_oxigraph(d, read_only=True, union_default_graph=True, timeout_s=30) as ox:
        ox.bulk_load(quads, None)
        port = int(ox.query_url.rsplit(":", 1)[1].split("/")[0])

        def make():
            client = SparqlClient(port, timeout=args.request_timeout, path="/query")

            def send(q: dict) -> str:
                status, _, _ = client.query(q["peer_sparql"], q["accept"])
                return "ok" if status == 200 else f"HTTP {status}"
            return send

        log(f"Oxigraph server {ox.version}: {args.clients} clients for {args.duration:.0f} s")
        records, elapsed, _ = run_phase(make, queries, args.clients, args.duration)
        phase = summarize_phase(records, elapsed, queries)
        phase["version"] = ox.version
    shutil.rmtree(d, ignore_errors=True)
    quads.unlink(missing_ok=True)
    return phase


def notes(res: dict) -> list[str]:
    out: list[str] = []
    for name, ph in res["phases"].items():
        pq = [(n, st) for n, st in ph.get("per_query", {}).items() if st.get("p50_ms")]
        if pq and ph.get("p99_over_p50") and ph["p99_over_p50"] >= P99_OVER_P50_MAX:
            fastest = min(pq, key=lambda kv: kv[1]["p50_ms"])
            slowest = max(pq, key=lambda kv: kv[1]["p50_ms"])
            out.append(f"{name}: per-query p50 ranges from {fastest[1]['p50_ms']} ms ({fastest[0]}) to "
                       f"{slowest[1]['p50_ms']} ms ({slowest[0]}); the whole mix's p99/p50 says how uneven the "
                       "queries are as much as how the server behaves.")
        if ph.get("errors"):
            out.append(f"{name}: errors " + ", ".join(f"{k} × {v}" for k, v in ph["error_kinds"].items()) + ".")
    return out


def render_markdown(res: dict) -> str:
    m, cfg = res["machine"], res["config"]
    lines = [
        "# Load test",
        "",
        f"Written by `make loadtest` (`python -m bench.loadtest`): {cfg['clients']} concurrent clients for "
        f"{cfg['duration_s']:.0f} s per phase, sending the {len(res['phases']['server']['per_query'])} named queries "
        f"in turn over keep-alive connections, on {cfg['papers']:,} papers. `npt-kg serve` ({cfg['server']}, "
        f"store {cfg['store']}) first with `Cache-Control: no-cache` on every request (the engine, no result "
        "cache), one query worker SIGKILLed halfway; then with its result cache; then Oxigraph server on the same "
        "data (our store dumped as N-Quads) with the same mix. Clients and servers share the machine.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, pyoxigraph "
        f"{m['libraries'].get('pyoxigraph')}; {m['date']}; commit {m['commit']} (tree clean: {res.get('clean')}); "
        f"load average at start {m['load_average']}.",
        "",
        "| | this server, no cache | this server, result cache | Oxigraph server |",
        "|---|---:|---:|---:|",
    ]
    phases = [res["phases"].get(k, {}) for k in ("server", "server_cached", "oxigraph")]

    def row(label: str, get) -> str:
        return f"| {label} | " + " | ".join(str(get(ph)) if ph and not ph.get("skipped") else "–"
                                            for ph in phases) + " |"

    lines += [
        row("requests", lambda ph: f"{ph['requests']:,}"),
        row("errors", lambda ph: ph["errors"]),
        row("throughput", lambda ph: f"{ph['throughput_rps']} requests/s"),
        row("p50", lambda ph: f"{ph['overall'].get('p50_ms')} ms"),
        row("p99", lambda ph: f"{ph['overall'].get('p99_ms')} ms"),
        row("p99 / p50", lambda ph: ph["p99_over_p50"]),
        "",
    ]
    if res["phases"].get("oxigraph", {}).get("skipped"):
        lines += [f"Oxigraph server skipped: {res['phases']['oxigraph']['skipped']}.", ""]
    s = res["phases"]["server"]
    kill = s.get("worker_kill", {})
    others = s["errors"] - kill.get("failed_in_flight", 0)
    lines += [
        "## Targets",
        "",
        "| target | measured | met |", "|---|---|---|",
        f"| 0 errors (besides the killed worker's request) | {others} | {'yes' if others == 0 else '**no**'} |",
        f"| p99 < {P99_OVER_P50_MAX:.0f}x p50 (whole mix, no cache) | {s['p99_over_p50']}x | "
        f"{'yes' if s['p99_over_p50'] and s['p99_over_p50'] < P99_OVER_P50_MAX else '**no**'} |",
        f"| a SIGKILLed worker costs only its in-flight request | killed at {kill.get('at_s')} s: "
        f"{kill.get('failed_in_flight')} failed of {kill.get('requests_in_flight')} in flight, "
        f"{kill.get('failed_otherwise')} failed otherwise; replacement "
        f"{kill.get('after', {}).get('last_replacement_ms')} ms | "
        f"{'yes' if kill.get('failed_in_flight', 9) <= 1 and kill.get('failed_otherwise') == 0 else '**no**'} |",
        "",
        "Server memory (PSS, all processes) after the first phase: "
        f"{s.get('server_memory_pss', {}).get('total_mb')} MB.",
        "",
    ]
    if res.get("notes"):
        lines += ["### Notes", ""] + [f"- {n}" for n in res["notes"]] + [""]
    lines += ["## Per query (p50 / p99 ms)", "", "| query | this server, no cache | result cache | Oxigraph server |",
              "|---|---:|---:|---:|"]
    for name in s["per_query"]:
        cells = []
        for ph in phases:
            st = ph.get("per_query", {}).get(name, {}) if ph else {}
            cells.append(f"{st.get('p50_ms', '–')} / {st.get('p99_ms', '–')} (n={st.get('n', 0)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
