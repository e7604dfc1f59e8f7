"""Publishing into, and serving from, real engines at corpus scale: the numbers of docs/deploy.md.

    npt-kg build CORPUS-10000 -o bench/out/deploy/npt-kg-10000.ttl
    nice -n 10 python -m bench.deploy bench/out/deploy/npt-kg-10000.ttl bench/deploy.json --papers 10000

For each engine (`bench.peers`, fresh store on loopback, one per path): `npt-kg publish`
over the Graph Store Protocol (`gsp`: staged and swapped, as by default, its upload, count
and swap timed apart), `npt-kg publish --bulk` (`bulk`: Oxigraph server's bulk loader over
HTTP), the engine's own loader from a file into a fresh store (`loader`: the same three graphs
a publish sends, ontology, data and derived, as one N-Quads file), and every named
query through the store `serve --remote` uses (`RemoteStore`, JSON / Turtle as a client gets
them) on the first store published: the first run cold, then warm runs, p50.
`--skip engine:path` leaves one out (a path that would take hours at that size is recorded
as skipped, never guessed). Each run is added to `runs` of the JSON (one per size and
commit), with the machine, its load average, the commit and whether the tree was clean.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from bench.common import ROOT, machine_info, summarize
from bench.peers import STARTERS, missing
from kg import vocab
from kg.commands.publish import DEFAULT_CHUNK, Publisher, load_targets, sibling_urls
from kg.errors import UserError
from kg.store.endpoint import Client
from kg.store.library import load_library
from kg.store.remote import RemoteSpec

PATHS = ("gsp", "bulk", "loader")


def clean_tree() -> bool:
    out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                         capture_output=True, text=True)
    return out.returncode == 0 and not out.stdout.strip()


def log(text: str) -> None:
    print(f"[deploy] {text}", file=sys.stderr, flush=True)


def load_average() -> list[float]:
    with open("/proc/loadavg", encoding="ascii") as f:
        return [float(x) for x in f.read().split()[:3]]


def time_queries(eng, runs: int, timeout: float, slow: float) -> dict:
    """Every named query: the first run (cold), then `runs` warm ones unless the cold one took over `slow` s."""
    store = RemoteSpec(eng.query_url).open(timeout=timeout)
    queries: dict = {}
    for qname, q in sorted(load_library().items()):
        times, error, size, cold = [], None, None, None
        for i in range(runs + 1):
            t0 = time.perf_counter()
            try:
                data = store.query(q.sparql, timeout=timeout, max_rows=100_000).read()
            except Exception as exc:  # recorded: an engine that cannot answer is a result too
                error = f"{type(exc).__name__}: {str(exc)[:200]}"
                break
            elapsed = time.perf_counter() - t0
            size = len(data)
            if i == 0:
                cold = elapsed
                if elapsed > slow:
                    break
            else:
                times.append(elapsed)
        queries[qname] = {"cold_ms": None if cold is None else round(cold * 1000, 1), **summarize(times),
                          "bytes": size, **({"error": error} if error else {})}
        log(f"{eng.name}: {qname} {queries[qname]}")
    return queries


def publish(eng, targets, bulk: bool) -> dict:
    query_url, update_url = sibling_urls(eng.gsp_url)
    pub = Publisher(eng.gsp_url, query_url, update_url, Client(eng.user, eng.password),
                    chunk_size=DEFAULT_CHUNK, timeout=3600, progress=False)
    load = load_average()
    t0 = time.perf_counter()
    try:
        pub.publish(targets, bulk=bulk)
    except UserError as exc:  # e.g. --bulk on an engine without a bulk path: the reason is the result
        return {"refused": str(exc)}
    res = {"publish_s": round(time.perf_counter() - t0, 1),
           **{k: round(v, 1) for k, v in pub.timings.items()}, "load_average_before": load,
           "triples": {t.graph: pub.count(t.graph) for t in targets}}
    res["counts_match"] = all(res["triples"][t.graph] == t.count for t in targets)
    return res


def dataset_file(targets, workdir: Path) -> Path:
    """The graphs a publish sends (ontology, data, derived: the named queries need all three) as N-Quads."""
    path = workdir / "dataset.nq"
    if not path.exists():
        with path.open("wb") as out:
            for t in targets:
                quads = t.store.quads_for_pattern(None, None, None, NamedNode(t.source))
                serialize((Quad(q.subject, q.predicate, q.object, NamedNode(t.graph)) for q in quads), out,
                          RdfFormat.N_QUADS)
    return path


def measure_engine(name: str, graph: Path, targets, workdir: Path, paths: list[str], args,
                   res: dict, write) -> dict:
    start = STARTERS[name]
    opts = {"memory_mb": 8192} if name == "virtuoso" else {}
    queried = not args.queries
    for path in paths:
        eng = start(workdir / f"{name}-{path}", **opts)
        try:
            res["version"] = eng.version
            if path == "loader":
                dataset = dataset_file(targets, workdir)
                load = load_average()
                t0 = time.perf_counter()
                eng.bulk_load(dataset, None)
                res["loader"] = {"load_s": round(time.perf_counter() - t0, 1), "load_average_before": load,
                                 "file": "N-Quads: ontology, data and derived graphs"}
            else:
                res[path] = publish(eng, targets, bulk=path == "bulk")
            log(f"{name}: {path} {res[path]}")
            write()
            if not queried and (path == "loader" or "publish_s" in res[path]):
                res["queries_after"] = path
                res["queries"] = time_queries(eng, args.runs, args.query_timeout, args.slow)
                queried = True
                write()
        finally:
            eng.stop()
    return res


def read_runs(path: Path) -> list[dict]:
    """The runs already recorded (a file of one run, the earlier layout, is that run)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if "runs" in data:
        return data["runs"]
    data.setdefault("papers", 1000)
    return [data]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.deploy", description=__doc__.splitlines()[0])
    p.add_argument("graph", type=Path, help="the built graph (Turtle)")
    p.add_argument("output", type=Path, help="JSON results to add this run to")
    p.add_argument("--papers", type=int, required=True, help="papers in the corpus the graph was built from")
    p.add_argument("--engines", default="oxigraph,virtuoso")
    p.add_argument("--skip", action="append", default=[], metavar="ENGINE:PATH",
                   help=f"leave out one path ({', '.join(PATHS)}) on one engine")
    p.add_argument("--no-queries", dest="queries", action="store_false")
    p.add_argument("--runs", type=int, default=3, help="warm runs per query (default: 3)")
    p.add_argument("--query-timeout", type=float, default=120.0)
    p.add_argument("--slow", type=float, default=30.0, help="no warm runs after a cold run over this (s)")
    p.add_argument("--workdir", type=Path, default=None, help="engine stores (default: a temp dir)")
    args = p.parse_args(argv)
    runs = read_runs(args.output)
    result: dict = {"papers": args.papers, "machine": machine_info(), "clean_tree": clean_tree(),
                    "graph": str(args.graph), "graph_bytes": args.graph.stat().st_size,
                    "skipped": args.skip, "engines": {}}
    targets = []
    if any(f"{e}:{path}" not in args.skip for e in args.engines.split(",") for path in PATHS):
        t0 = time.perf_counter()  # published, or written for the loaders: with the derived graph
        targets = load_targets(args.graph, vocab.DATA_GRAPH, vocab.ONTOLOGY_GRAPH)
        result["local_load_s"] = round(time.perf_counter() - t0, 1)
        result["triples"] = {t.graph: t.count for t in targets}
        log(f"loaded {result['triples']} in {result['local_load_s']} s")

    def write() -> None:
        result["load_average_after"] = load_average()
        args.output.write_text(json.dumps({"runs": [*runs, result]}, indent=1, ensure_ascii=False) + "\n",
                               encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="npt-kg-deploy-", dir=args.workdir) as tmp:
        for name in args.engines.split(","):
            reason = missing(name)
            if reason:
                result["engines"][name] = {"skipped": reason}
                continue
            paths = [path for path in PATHS if f"{name}:{path}" not in args.skip]
            result["engines"][name] = {}
            measure_engine(name, args.graph, targets, Path(tmp), paths, args, result["engines"][name], write)
            write()
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
