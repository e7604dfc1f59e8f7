"""`npt-kg build`: papers → the graph (see `kg.build` for how), with warnings and a summary line."""

from __future__ import annotations

import argparse
import sys

from kg.build import build_graph
from kg.errors import UserError


def run(args: argparse.Namespace) -> int:
    """The `npt-kg build` subcommand."""
    quiet = bool(getattr(args, "quiet", False))
    if args.output.is_dir():
        raise UserError(f"{args.output}: is a directory; -o takes the graph file to write, "
                        f"e.g. {args.output / 'npt-kg.ttl'}")

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    summary = build_graph(
        args.paths, args.output, strict=bool(args.strict),
        on_warning=None if quiet else say, on_progress=None if quiet else say,
        jobs=int(getattr(args, "jobs", 1) or 1), model=getattr(args, "model", None),
        risk_model=getattr(args, "risk_model", None),
    )
    print(summary.line())
    return 0
