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
import shutil
import sys
import threading
import time
from pathlib import Path

from bench import generate
from bench.common import BENCH_DIR, SEEDS_DIR, Server, SparqlClient, accept_for, machine_info, percentile
from bench.run import log, run_build

MAX_CLIENTS = 200
MAX_DURATION = 600.0
P99_OVER_P50_MAX = 10.0


def client_loop(port: int, queries: list[dict], offset: int, stop_at: float, timeout: float,
                records: list[tuple[str, float, str]]) -> None:
    client = SparqlClient(port, timeout=timeout)
    i = offset
    while time.perf_counter() < stop_at:
        q = queries[i % len(queries)]
        i += 1
        accept = accept_for(q["sparql"])
        t0 = time.perf_counter()
        try:
            status, _, _ = client.query(q["sparql"], accept)
            outcome = "ok" if status == 200 else f"HTTP {status}"
        except Exception as exc:  # every failure is an error to count, never a crash of the client
            outcome = type(exc).__name__
        records.append((q["name"], time.perf_counter() - t0, outcome))
    client.close()


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


def render_markdown(res: dict) -> str:
    m, o = res["machine"], res["overall"]
    triples = f" ({res['quads']:,} triples)" if res.get("quads") else ""
    papers = res["config"]["papers"]
    data = f"the seed papers plus {papers:,} synthetic papers" if papers else "the seed papers"
    lines = [
        "# Load test",
        "",
        f"Written by `make loadtest` (`python -m bench.loadtest`): {res['config']['clients']} concurrent clients for "
        f"{res['config']['duration_s']:.0f} s against `npt-kg serve` on 127.0.0.1 ({res['config']['server']}), "
        f"sending the {len(res['per_query'])} named queries in turn over keep-alive connections. Data: "
        f"{data}{triples}. Clients and server share the machine.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
        f"pyoxigraph {m['libraries'].get('pyoxigraph')}, waitress {m['libraries'].get('waitress')}; {m['date']}.",
        "",
        "| | |", "|---|---|",
        f"| requests | {o['n']:,} |",
        f"| errors | {res['errors']} |",
        f"| throughput | {res['throughput_rps']:.1f} requests/s |",
        f"| p50 | {o.get('p50_ms')} ms |",
        f"| p99 | {o.get('p99_ms')} ms |",
        f"| p99 / p50 | {res['p99_over_p50']} |",
        f"| server peak memory | {res['server_memory'].get('total_mb')} MB "
        f"(main {res['server_memory'].get('main_mb')}, workers {res['server_memory'].get('workers_mb')}) |",
        "",
        "## Targets",
        "",
        "| target | measured | met |", "|---|---|---|",
        f"| 0 errors | {res['errors']} | {'yes' if res['errors'] == 0 else '**no**'} |",
        f"| p99 < {P99_OVER_P50_MAX:.0f}x p50 (whole mix) | {res['p99_over_p50']}x | "
        f"{'yes' if res['p99_target_met'] else '**no**'} |",
        "",
    ]
    if res.get("notes"):
        lines += ["### Notes", ""] + [f"- {n}" for n in res["notes"]] + [""]
    if res["error_kinds"]:
        lines += ["## Errors", "", "| kind | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in res["error_kinds"].items()] + [""]
    lines += ["## Per query", "", "| query | requests | p50 ms | p99 ms | max ms | p99 / p50 |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, s in res["per_query"].items():
        ratio = round(s["p99_ms"] / s["p50_ms"], 1) if s.get("p50_ms") else "–"
        lines.append(f"| {name} | {s['n']} | {s.get('p50_ms', '–')} | {s.get('p99_ms', '–')} | "
                     f"{s.get('max_ms', '–')} | {ratio} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default: 60)")
    p.add_argument("--papers", type=int, default=0, help="synthetic papers besides the seeds (default: 0)")
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

    queries = [{"name": q.name, "sparql": q.sparql} for q in load_library().values()]
    graph = prepare_graph(args.papers, args.workdir, args.seed)
    server = Server(graph=graph, log_path=args.workdir / "loadtest-server.log")
    log(f"starting server on {graph.name}")
    server.start()
    records: list[tuple[str, float, str]] = []
    try:
        # one untimed pass so that the measured run does not include first-query warm-up
        warm = SparqlClient(server.port, timeout=args.request_timeout)
        for q in queries:
            warm.query(q["sparql"], accept_for(q["sparql"]))
        warm.close()
        log(f"{args.clients} clients for {args.duration:.0f} s")
        t0 = time.perf_counter()
        stop_at = t0 + args.duration
        threads = [threading.Thread(target=client_loop, daemon=True,
                                    args=(server.port, queries, i, stop_at, args.request_timeout, records))
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + args.request_timeout + 10)
        elapsed = time.perf_counter() - t0
        memory = server.memory()
    finally:
        server.stop()

    done = list(records)
    ok_times = [t for _, t, o in done if o == "ok"]
    error_kinds: dict[str, int] = {}
    for _, _, o in done:
        if o != "ok":
            error_kinds[o] = error_kinds.get(o, 0) + 1
    overall = stats_ms([t for _, t, _ in done])
    per_query = {q["name"]: stats_ms([t for n, t, o in done if n == q["name"] and o == "ok"]) for q in queries}
    ratio = round(overall["p99_ms"] / overall["p50_ms"], 1) if overall.get("p50_ms") else None
    res = {
        "machine": machine_info(),
        "config": {"clients": args.clients, "duration_s": args.duration, "papers": args.papers,
                   "request_timeout_s": args.request_timeout, "server": server_defaults()},
        "quads": graph_triples(args.papers, args.workdir),
        "elapsed_s": round(elapsed, 2),
        "requests": len(done), "ok": len(ok_times), "errors": len(done) - len(ok_times), "error_kinds": error_kinds,
        "throughput_rps": round(len(ok_times) / elapsed, 2) if elapsed else None,
        "overall": overall, "p99_over_p50": ratio,
        "p99_target_met": bool(ratio is not None and ratio < P99_OVER_P50_MAX),
        "per_query": per_query, "server_memory": memory,
    }
    res["notes"] = notes(res)
    (args.out / "loadtest.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out / "loadtest.md").write_text(render_markdown(res), encoding="utf-8")
    log(f"{len(done)} requests, {res['errors']} errors, {res['throughput_rps']} req/s, "
        f"p50 {overall.get('p50_ms')} ms, p99 {overall.get('p99_ms')} ms -> {args.out / 'loadtest.md'}")
    return 0


def notes(res: dict) -> list[str]:
    out: list[str] = []
    pq = [(n, s) for n, s in res["per_query"].items() if s.get("p50_ms")]
    if pq and not res["p99_target_met"]:
        fastest = min(pq, key=lambda kv: kv[1]["p50_ms"])
        slowest = max(pq, key=lambda kv: kv[1]["p50_ms"])
        out.append(
            f"The mix is uneven: per-query p50 ranges from {fastest[1]['p50_ms']} ms ({fastest[0]}) to "
            f"{slowest[1]['p50_ms']} ms ({slowest[0]}). The overall p50 is set by the many cheap queries, the "
            "p99 by the expensive ones and by cheap queries queued behind them, so p99/p50 of the whole mix "
            "measures how uneven the queries are as much as how the server behaves.")
        worst = max(pq, key=lambda kv: kv[1]["p99_ms"] / kv[1]["p50_ms"])
        out.append(f"Per query, the largest p99/p50 is {worst[1]['p99_ms'] / worst[1]['p50_ms']:.1f} ({worst[0]}).")
    if res["errors"]:
        out.append("Errors: " + ", ".join(f"{k} × {v}" for k, v in res["error_kinds"].items()) + ".")
    return out


if __name__ == "__main__":
    sys.exit(main())
