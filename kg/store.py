"""Load the built graph and the ontology into a pyoxigraph store.

The ontology goes into the named graph `vocab.ONTOLOGY_GRAPH` and the papers into
`vocab.DATA_GRAPH`; queries see the default graph as their union, so users can write
plain SPARQL and still tell the two apart with GRAPH or FROM NAMED.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from kg import vocab
from kg.errors import UserError


def load_into(store: Store, graph: Path, *, with_ontology: bool = True) -> Store:
    """Bulk-load ontology files and the built Turtle into `store`."""
    if with_ontology:
        for path in vocab.ONTOLOGY_FILES:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.ONTOLOGY_GRAPH))
    if not graph.exists():
        raise UserError(f"{graph}: no built graph here; run 'npt-kg build' first")
    store.bulk_load(path=str(graph), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.DATA_GRAPH))
    return store


def load_dataset(graph: Path, *, with_ontology: bool = True) -> Store:
    """An in-memory store holding the ontology and the built graph."""
    return load_into(Store(), graph, with_ontology=with_ontology)
