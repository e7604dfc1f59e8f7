"""`npt-kg export`: write the ontology, the data, or both, in a standard RDF serialization.

The export reads the same store the server queries (ontology in its own named graph,
papers in theirs), so what users download is exactly what they query. Triple formats
(Turtle, N-Triples, RDF/XML, JSON-LD) get the union of the selected graphs; N-Quads
keeps the named graphs. Serialization is pyoxigraph's; files are written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple, serialize

from kg import resources, vocab
from kg.errors import UserError
from kg.util.atomic import write_atomically

FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
}
#: Named graphs of the store for each `--what`.
GRAPHS: dict[str, tuple[str, ...]] = {
    "ontology": (vocab.ONTOLOGY_GRAPH,),
    "data": (vocab.DATA_GRAPH,),
    "all": (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH),
}


def ontology_store() -> Store:
    """A store with the ontology files only, for exports that need no built graph."""
    store = Store()
    for path in resources.ONTOLOGY_FILES:
        try:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.ONTOLOGY_GRAPH))
        except (SyntaxError, OSError) as exc:
            raise UserError(f"{path}: {' '.join(str(exc).split())}") from exc
    return store


def open_store(what: str, graph: Path) -> Store:
    """The store holding what `what` asks for; builds the graph from the seed papers if it is missing."""
    if what == "ontology":
        return ontology_store()
    from kg.commands.graphfile import load_graph  # the same rules as `npt-kg query`

    return load_graph(graph)


def selected_quads(store: Store, what: str) -> list[Quad]:
    """The quads of the named graphs `what` selects, in store order."""
    quads: list[Quad] = []
    for graph in GRAPHS[what]:
        quads.extend(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    return quads


def export_bytes(store: Store, fmt: str, what: str) -> bytes:
    """Serialize the selection: quads for N-Quads, the de-duplicated union of triples otherwise."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", exit_code=2)
    if what not in GRAPHS:
        raise UserError(f"unknown selection {what!r}; choose one of {', '.join(GRAPHS)}", exit_code=2)
    quads = selected_quads(store, what)
    rdf_format = FORMATS[fmt]
    if rdf_format == RdfFormat.N_QUADS:
        return serialize(quads, format=rdf_format)
    triples = sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=triple_sort_key)
    return serialize(triples, format=rdf_format, prefixes=vocab.PREFIXES)


def triple_sort_key(t: Triple) -> tuple[str, str, str]:
    """Subject-major order: each subject's triples come together and files diff well between builds."""
    return (str(t.subject), str(t.predicate), str(t.object))


def run(args: argparse.Namespace) -> int:
    """The `npt-kg export` subcommand: to `args.output` (atomically) or to stdout."""
    store = open_store(args.what, Path(args.graph))
    data = export_bytes(store, args.format, args.what)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            write_atomically(Path(args.output), data)
        except OSError as exc:
            raise UserError(f"{args.output}: cannot write: {exc.strerror or exc}") from exc
        print(f"wrote {args.output} ({args.what}, {args.format}, {len(data)} bytes)", file=sys.stderr)
    return 0
