"""Time one build in a fresh interpreter: `python -m bench.buildrun CORPUS_DIR OUT.ttl RESULT.json`.

A fresh process per build keeps one scale's caches and memory from flattering the next, and lets
the benchmark read the build's own peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from bench.common import self_peak_mb


def _plain(value: object) -> object:
    """The builder's summary as JSON-able data, whatever shape it has."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.buildrun")
    p.add_argument("corpus", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("result", type=Path)
    p.add_argument("--jobs", type=int, default=1, help="processes for the build (npt-kg build --jobs)")
    p.add_argument("--model", default=None,
                   help="the measure-type model (npt-kg build --model; 'none': without it and the risk-type model)")
    args = p.parse_args(argv)

    t_import = time.perf_counter()
    from kg.build import build_graph

    import_s = time.perf_counter() - t_import
    t0, c0 = time.perf_counter(), time.process_time()
    # "none" measures the rules alone: neither model
    summary = build_graph([args.corpus], args.output, jobs=args.jobs, model=args.model,
                          risk_model="none" if args.model == "none" else None)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0  # cpu: this process only, not the jobs
    peak = self_peak_mb()

    from pyoxigraph import RdfFormat, parse

    with args.output.open("rb") as f:
        triples = sum(1 for _ in parse(f, format=RdfFormat.TURTLE))
    args.result.write_text(json.dumps({
        "seconds": round(seconds, 3), "cpu_s": round(cpu, 3), "import_s": round(import_s, 3), "peak_mb": peak,
        "triples": triples, "output_bytes": args.output.stat().st_size, "summary": _plain(summary),
    }, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
