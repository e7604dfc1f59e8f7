"""The same queries on the same data without our server: raw pyoxigraph, and rdflib's default store.

Run as a subprocess (`python -m bench.engines ENGINE GRAPH QUERIES.json OUT.json`) so that each
engine's load time and peak memory are its own, and a runaway rdflib query can be cut off with
SIGALRM (rdflib evaluates in pure Python, so the alarm interrupts it between bytecodes).

- `oxigraph`: `kg.store.load_dataset` (what the server loads) and `Store.query(...,
  use_default_graph_as_union=True)`, results serialized by pyoxigraph's own serializers.
- `rdflib`: `rdflib.Dataset(default_union=True)` on the default in-memory store (what
  rdflib-endpoint serves by default), ontology and data parsed into their named graphs with
  rdflib's Turtle parser, results serialized by rdflib (`json` / `turtle`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import count_json_results, query_form, self_peak_mb, summarize

#: Exit status of an engine process that stopped at a query over the cap (the caller resumes after it).
TIMED_OUT_EXIT = 3


class QueryTimeout(Exception):
    """The per-query cap ran out."""


def _alarm(signum: int, frame: object) -> None:
    raise QueryTimeout


def measure(run: Callable[[], object], reps: int, budget: float, cap: float | None = None) -> dict:
    """One warm-up run, then up to `reps` timed runs within `budget` seconds (at least 3 when affordable).

    With `cap`, any run longer than `cap` seconds is interrupted and the query recorded as `> cap`.
    """
    times: list[float] = []

    def timed() -> float:
        if cap:
            signal.setitimer(signal.ITIMER_REAL, cap)
        t0 = time.perf_counter()
        try:
            run()
        finally:
            if cap:
                signal.setitimer(signal.ITIMER_REAL, 0)
        return time.perf_counter() - t0

    try:
        warm = timed()
        if warm > budget / 2:  # too heavy to repeat within the budget: the one run is the measurement
            times.append(warm)
        else:
            deadline = time.perf_counter() + budget
            for _ in range(reps):
                times.append(timed())
                if time.perf_counter() > deadline and len(times) >= 3:
                    break
    except QueryTimeout:
        return {"status": "timeout", "cap_s": cap, **summarize(times)}
    except TimeoutError as exc:  # raised by callers whose own limit passed (the server's time limit)
        return {"status": "timeout", "cap_s": float(str(exc) or 0) or cap, **summarize(times)}
    except Exception as exc:  # a failing query is a result to report, not a crash of the benchmark
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:500], **summarize(times)}
    return {"status": "ok", **summarize(times)}


def _in_thread(fn: Callable[[], None], cap: float) -> None:
    """Run `fn` in a thread and wait at most `cap` seconds.

    pyoxigraph runs a query inside one native call that no signal interrupts; when the cap
    passes, the caller records the timeout and ends the whole process (see `run_oxigraph`).
    """
    box: dict = {}

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # handed to the caller below
            box["exc"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(cap)
    if t.is_alive():
        raise QueryTimeout
    if "exc" in box:
        raise box["exc"]


def run_oxigraph(graph: Path, queries: list[dict], reps: int, budget: float, cap: float, out_path: Path,
                 store_dir: Path | None = None) -> dict:
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

    from kg.store import load_dataset

    t0 = time.perf_counter()
    store = Store.read_only(str(store_dir)) if store_dir else load_dataset(graph)
    load_s = time.perf_counter() - t0
    out: dict = {"engine": "oxigraph", "store": "disk (read-only)" if store_dir else "memory",
                 "load_s": round(load_s, 3), "quads": len(store), "queries": {}}
    for q in queries:
        result: dict = {}

        def query(q: dict = q, result: dict = result) -> None:
            res = store.query(q["sparql"], use_default_graph_as_union=True)
            if isinstance(res, QuerySolutions | QueryBoolean):
                data = res.serialize(format=QueryResultsFormat.JSON)
            else:
                data = res.serialize(format=RdfFormat.TURTLE)
            result["bytes"] = len(data)
            result["data"] = data

        stats = measure(lambda query=query: _in_thread(query, cap), reps, budget, cap=None)
        if stats["status"] == "timeout":
            stats["cap_s"] = cap
        stats["rows"] = _rows(result.pop("data", None), q["sparql"])
        stats["bytes"] = result.get("bytes")
        out["queries"][q["name"]] = stats
        out["peak_mb"] = self_peak_mb()
        _save(out, out_path)
        if stats["status"] == "timeout":
            # the runaway query still holds a core: stop here; the caller restarts with the remaining queries
            sys.stdout.flush()
            os._exit(TIMED_OUT_EXIT)
    return out


def _save(result: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
    tmp.replace(path)


def run_rdflib(graph: Path, queries: list[dict], reps: int, budget: float, cap: float, out_path: Path) -> dict:
    from rdflib import Dataset, URIRef

    from kg import resources, vocab

    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    onto = ds.graph(URIRef(vocab.ONTOLOGY_GRAPH))
    for path in resources.ONTOLOGY_FILES:
        onto.parse(str(path), format="turtle")
    ds.graph(URIRef(vocab.DATA_GRAPH)).parse(str(graph), format="turtle")
    load_s = time.perf_counter() - t0
    out: dict = {"engine": "rdflib", "load_s": round(load_s, 3), "quads": len(ds), "queries": {},
                 "peak_after_load_mb": self_peak_mb()}
    signal.signal(signal.SIGALRM, _alarm)
    for q in queries:
        result: dict = {}
        graph_form = query_form(q["sparql"]) in ("CONSTRUCT", "DESCRIBE")

        def run(q: dict = q, result: dict = result, graph_form: bool = graph_form) -> None:
            res = ds.query(q["sparql"])
            data = res.serialize(format="turtle" if graph_form else "json")
            result["bytes"] = len(data)
            result["data"] = data

        stats = measure(run, reps, budget, cap=cap)
        stats["rows"] = _rows(result.pop("data", None), q["sparql"])
        stats["bytes"] = result.get("bytes")
        out["queries"][q["name"]] = stats
        out["peak_mb"] = self_peak_mb()
        _save(out, out_path)
    return out


def _rows(data: bytes | None, sparql: str) -> int | None:
    """Result size: rows (JSON), the boolean as 0/1, or triples (Turtle), to check engines agree."""
    if data is None:
        return None
    if not data.strip():
        return 0
    if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
        from pyoxigraph import RdfFormat, parse

        try:
            return sum(1 for _ in parse(data, format=RdfFormat.TURTLE))
        except (SyntaxError, ValueError):
            return None
    return count_json_results(data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.engines")
    p.add_argument("engine", choices=["oxigraph", "rdflib"])
    p.add_argument("graph", type=Path)
    p.add_argument("queries", type=Path, help="JSON list of {name, sparql}")
    p.add_argument("out", type=Path, help="where to write the JSON result")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--budget", type=float, default=10.0, help="seconds of repetitions per query")
    p.add_argument("--cap", type=float, default=60.0, help="seconds before a query is cut off")
    p.add_argument("--store-dir", type=Path, default=None,
                   help="oxigraph: open this on-disk store read-only instead of loading GRAPH into memory")
    p.add_argument("--max-memory-mb", type=int, default=0,
                   help="address-space limit, so that an engine too big for the machine fails alone (0: none)")
    args = p.parse_args(argv)
    if args.max_memory_mb:
        limit = args.max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    try:
        if args.engine == "oxigraph":
            result = run_oxigraph(args.graph, queries, args.reps, args.budget, args.cap, args.out, args.store_dir)
        else:
            result = run_rdflib(args.graph, queries, args.reps, args.budget, args.cap, args.out)
    except MemoryError:
        _save({"engine": args.engine, "status": "error", "queries": {}, "peak_mb": self_peak_mb(),
               "error": f"MemoryError: did not fit in the {args.max_memory_mb} MB allowed"}, args.out)
        return 4
    _save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
