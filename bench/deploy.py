"""Publishing into, and serving from, real engines at corpus scale: the numbers of docs/deploy.md.

    python -m bench.generate 9997 bench/out/deploy/generated      # + the 3 seed papers = 10,000
    npt-kg build bench/out/deploy/corpus-10000 -o bench/out/deploy/npt-kg-10000.ttl
    nice -n 10 python -m bench.deploy bench/out/deploy/npt-kg-10000.ttl bench/deploy.json

For each engine (`bench.peers`, fresh store on loopback): `npt-kg publish` over the Graph
Store Protocol (staged and swapped, as by default; its phases timed separately), the
engine's own bulk loader into a fresh store, and every named query through the store
`serve --remote` uses (`RemoteStore`, JSON / Turtle as a client gets them), warm, p50 of
the runs. The JSON records the machine, the commit and whether the tree was clean.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine_info, summarize
from bench.peers import STARTERS, missing
from kg import vocab
from kg.commands.publish import DEFAULT_CHUNK, Publisher, load_targets, sibling_urls
from kg.store.endpoint import Client
from kg.store.library import load_library
from kg.store.remote import RemoteSpec

RUNS = 3
QUERY_TIMEOUT = 120.0


def clean_tree() -> bool:
    out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                         capture_output=True, text=True)
    return out.returncode == 0 and not out.stdout.strip()


def log(text: str) -> None:
    print(f"[deploy] {text}", file=sys.stderr, flush=True)


def measure_engine(name: str, graph: Path, targets, workdir: Path) -> dict:
    res: dict = {}
    start = STARTERS[name]
    opts = {"memory_mb": 8192} if name == "virtuoso" else {}
    eng = start(workdir / f"{name}-gsp", **opts)
    try:
        res["version"] = eng.version
        query_url, update_url = sibling_urls(eng.gsp_url)
        pub = Publisher(eng.gsp_url, query_url, update_url, Client(eng.user, eng.password),
                        chunk_size=DEFAULT_CHUNK, timeout=3600, progress=False)
        t0 = time.perf_counter()
        pub.publish(targets)
        res["gsp_publish_s"] = round(time.perf_counter() - t0, 1)
        res["triples"] = {t.graph: pub.count(t.graph) for t in targets}
        log(f"{name}: GSP publish {res['gsp_publish_s']} s, {res['triples']}")
        store = RemoteSpec(eng.query_url).open(timeout=QUERY_TIMEOUT)
        queries: dict = {}
        for qname, q in sorted(load_library().items()):
            times, error, size = [], None, None
            for i in range(RUNS + 1):
                t0 = time.perf_counter()
                try:
                    data = store.query(q.sparql, timeout=QUERY_TIMEOUT, max_rows=100_000).read()
                except Exception as exc:  # recorded: an engine that cannot answer is a result too
                    error = f"{type(exc).__name__}: {str(exc)[:200]}"
                    break
                if i:
                    times.append(time.perf_counter() - t0)
                size = len(data)
            queries[qname] = {**summarize(times), "bytes": size, **({"error": error} if error else {})}
            log(f"{name}: {qname} {queries[qname]}")
        res["queries"] = queries
    finally:
        eng.stop()
    eng = start(workdir / f"{name}-bulk", **opts)
    try:
        t0 = time.perf_counter()
        eng.bulk_load(graph, vocab.DATA_GRAPH)
        res["bulk_load_s"] = round(time.perf_counter() - t0, 1)
        log(f"{name}: bulk load {res['bulk_load_s']} s")
    finally:
        eng.stop()
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.deploy", description=__doc__.splitlines()[0])
    p.add_argument("graph", type=Path, help="the built graph (Turtle)")
    p.add_argument("output", type=Path, help="JSON results to write")
    p.add_argument("--engines", default="oxigraph,virtuoso")
    p.add_argument("--workdir", type=Path, default=None, help="engine stores (default: a temp dir)")
    args = p.parse_args(argv)
    result: dict = {"machine": machine_info(), "clean_tree": clean_tree(), "graph": str(args.graph),
                    "graph_bytes": args.graph.stat().st_size, "engines": {}}
    t0 = time.perf_counter()
    targets = load_targets(args.graph, vocab.DATA_GRAPH, vocab.ONTOLOGY_GRAPH)
    result["local_load_s"] = round(time.perf_counter() - t0, 1)
    result["triples"] = {t.graph: t.count for t in targets}
    log(f"loaded {result['triples']} in {result['local_load_s']} s")
    with tempfile.TemporaryDirectory(prefix="npt-kg-deploy-", dir=args.workdir) as tmp:
        for name in args.engines.split(","):
            reason = missing(name)
            if reason:
                result["engines"][name] = {"skipped": reason}
                continue
            result["engines"][name] = measure_engine(name, args.graph, targets, Path(tmp))
            args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
