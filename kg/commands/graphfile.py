"""The built graph a command reads (`--graph`): found, built on first use when it is the default, loaded.

Only the default graph (build/npt-kg.ttl) is built from the seed papers when missing: a
`--graph` that names another file is what the user meant to read, and a typo must be an
error, not a fresh build written under the misspelt name. A directory, an unreadable file
or a file that is not Turtle is one line naming the file (and the line pyoxigraph stopped at).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from pyoxigraph import Store

from kg import resources
from kg.errors import UserError


def is_default(graph: Path) -> bool:
    return graph.resolve() == resources.DEFAULT_GRAPH.resolve()


def ensure_graph(graph: Path, *, out: TextIO | None = None) -> Path:
    """The built graph; the default one is built from the seed papers first when it does not exist yet."""
    out = out if out is not None else sys.stderr
    if graph.is_dir():
        raise UserError(f"{graph}: is a directory; --graph takes a built graph file (Turtle)")
    if graph.exists():
        return graph
    if not is_default(graph):
        raise UserError(f"{graph}: no such file; build it with 'npt-kg build -o {graph}' or fix the path")
    from kg.build import build_graph  # imported late: building is the rare path

    seeds = resources.seeds_dir()
    print(f"npt-kg: {graph} not found; building it from {seeds}/ first", file=out)
    build_graph([seeds], graph)
    if not graph.exists():
        raise UserError(f"{graph}: the build did not write the graph")
    return graph


def load_graph(graph: Path) -> Store:
    """The ontology and the graph in a store (see `kg.store.load_dataset`), or a UserError naming the file."""
    from kg.store import load_dataset

    graph = ensure_graph(graph)
    try:
        return load_dataset(graph)
    except SyntaxError as exc:
        raise UserError(f"{graph}: not a Turtle graph: {' '.join(str(exc.msg or exc).split())}") from None
    except OSError as exc:
        raise UserError(f"{graph}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UserError(f"{graph}: cannot load: {' '.join(str(exc).split())}") from None
