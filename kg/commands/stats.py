"""`npt-kg stats`: how big the built graph is, in the things researchers count.

The counts read the data graph only (the ontology's own individuals, such as the
measure-type concepts, are not data), and use the ontology's subclass axioms so that
a state typed as a nuclear-weapon state still counts as a state.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyoxigraph import Store

from kg import vocab
from kg.commands.graphfile import ensure_graph, load_graph

#: (label, class local name) for the instance counts, in the order they are printed.
CLASS_COUNTS: tuple[tuple[str, str], ...] = (
    ("papers", "WorkingPaper"),
    ("sections", "Section"),
    ("paragraphs", "Paragraph"),
    ("items", "Item"),
    ("footnotes", "Footnote"),
    ("measures", "Measure"),
    ("risks", "Risk"),
    ("states", "State"),
    ("coalitions", "Coalition"),
    ("organizations", "Organization"),
    ("treaties", "Treaty"),
    ("cited documents", "UNDocument"),
    ("statements", "Statement"),
)


def _instances(store: Store, cls: str) -> int:
    """Distinct data-graph subjects typed with `cls` or any of its subclasses."""
    query = f"""
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          GRAPH <{vocab.DATA_GRAPH}> {{ ?s a ?c }}
          ?c <{vocab.RDFS_NS}subClassOf>* <{vocab.NPT_NS}{cls}> .
        }}"""
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


def _count(store: Store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


def collect(store: Store) -> dict[str, int]:
    """Every count `npt-kg stats` prints, by label."""
    counts = {label: _instances(store, cls) for label, cls in CLASS_COUNTS}
    counts["citations"] = _count(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{vocab.DATA_GRAPH}> {{ ?s <{vocab.NPT_NS}cites> ?o }} }}"
    )
    for label, graph in (("triples", vocab.DATA_GRAPH), ("ontology triples", vocab.ONTOLOGY_GRAPH)):
        counts[label] = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return counts


def format_stats(graph: Path, counts: dict[str, int]) -> str:
    """One aligned block: a label and a number per line."""
    width = max(len(label) for label in counts)
    digits = max(len(f"{n:,}") for n in counts.values())
    lines = [f"{graph}"]
    lines += [f"  {label:<{width}}  {n:>{digits},}" for label, n in counts.items()]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    graph = ensure_graph(Path(args.graph))
    store = load_graph(graph)
    sys.stdout.write(format_stats(graph, collect(store)))
    return 0
