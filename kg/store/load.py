"""Load the built graph and the ontology into a pyoxigraph store, each in its own named graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from kg import resources, vocab
from kg.errors import UserError


def load_into(
    store: Store, graph: Path, *, with_ontology: bool = True, ontology_files: Sequence[Path] | None = None,
    derive: bool = True,
) -> Store:
    """Bulk-load ontology files and the built Turtle into `store`, then add the derived graph."""
    if with_ontology:
        for path in resources.ONTOLOGY_FILES if ontology_files is None else ontology_files:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.ONTOLOGY_GRAPH))
    if not graph.exists():
        raise UserError(f"{graph}: no built graph here; run 'npt-kg build' first")
    store.bulk_load(path=str(graph), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.DATA_GRAPH))
    if derive and with_ontology:  # the derived triples need the class hierarchy
        # imported here: `kg.build` pulls in the whole extraction pipeline, which a server that
        # only opens a prepared store never needs (it would add most of a second to its start)
        from kg.build.derived import materialize

        materialize(store)
    return store


def load_dataset(graph: Path, *, with_ontology: bool = True, ontology_files: Sequence[Path] | None = None) -> Store:
    """An in-memory store holding the ontology and the built graph."""
    return load_into(Store(), graph, with_ontology=with_ontology, ontology_files=ontology_files)
