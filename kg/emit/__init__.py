"""Emission: facts → RDF (N-Triples lines, parsed back into pyoxigraph triples).

The third stage; every IRI comes from `kg.vocab`.
"""

from kg.emit.triples import (
    SharedEntities,
    expression_iri,
    paper_lines,
    paper_triples,
    shared_lines,
    shared_triples,
    to_triples,
    turtle_body,
    turtle_prefixes,
    work_lines,
)

__all__ = ["SharedEntities", "expression_iri", "paper_lines", "paper_triples", "shared_lines", "shared_triples",
           "to_triples", "turtle_body", "turtle_prefixes", "work_lines"]
