"""Derived triples: what the named queries and pages would otherwise recompute on every request.

Computed from the built graph once it is in a store (so any graph file, however it was
built, gets them) and written to a named graph of their own, `vocab.DERIVED_GRAPH`, so
that they can be told apart from what was read from the papers (docs/data-model.md,
"Derived triples"):

- the type closure: `?x a ?super` for every `npt:` superclass of a class `?x` has in the
  data graph (a paragraph is also an `npt:TextUnit`, a non-nuclear-weapon state an
  `npt:State` and an `npt:Actor`); queries then write `?x a npt:State` instead of walking
  `a/rdfs:subClassOf*` at query time. Superclasses outside `npt:` (`prov:Entity`,
  `skos:Concept`, ...) are left out: no named query needs them and they would add a
  triple for nearly every node;
- per working paper, how much it contains (`npt:paragraphCount`, `npt:itemCount`,
  `npt:footnoteCount`, `npt:measureCount`, `npt:riskCount`, `npt:riskyActionCount`,
  `npt:citedDocumentCount`), 0 included, so that `paper-counts` is a lookup and not
  seven grouped joins.

The computation is a handful of grouped SPARQL queries run by the engine itself (a few
seconds at 10,000 papers), not a Python walk over every triple.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from kg import vocab

_PREFIXES = f"""PREFIX npt: <{vocab.NPT_NS}>
PREFIX rdfs: <{vocab.RDFS_NS}>
"""
_DATA = f"<{vocab.DATA_GRAPH}>"
_ONTOLOGY = f"<{vocab.ONTOLOGY_GRAPH}>"

_TYPE_CLOSURE = f"""{_PREFIXES}
SELECT DISTINCT ?x ?super WHERE {{
  {{ SELECT DISTINCT ?class ?super WHERE {{
      GRAPH {_ONTOLOGY} {{ ?class rdfs:subClassOf+ ?super }}
      FILTER(isIRI(?super) && STRSTARTS(STR(?super), STR(npt:)))
  }} }}
  GRAPH {_DATA} {{ ?x a ?class }}
  FILTER NOT EXISTS {{ GRAPH {_DATA} {{ ?x a ?super }} }}
}}"""

#: Each statistic: its property and a query of (?paper, ?n) over the data graph.
_COUNTS: dict[str, str] = {
    "paragraphCount": "?x a npt:Paragraph ; npt:inDocument ?paper .",
    "itemCount": "?x a npt:Item ; npt:inDocument ?paper .",
    "footnoteCount": "?x a npt:Footnote ; npt:inDocument ?paper .",
    "measureCount": "?paper npt:proposes ?x .",
    "riskCount": "?paper npt:identifies|npt:advisesAgainst ?x .",
    "riskyActionCount": "?paper npt:identifies|npt:advisesAgainst ?x . ?x a npt:RiskyAction .",
    "citedDocumentCount": "?unit npt:inDocument ?paper ; npt:cites ?x .",
}


def _solutions(store: Store, sparql: str) -> QuerySolutions:
    result = store.query(sparql)
    assert isinstance(result, QuerySolutions)
    return result


def type_closure(store: Store) -> Iterator[Quad]:
    graph = NamedNode(vocab.DERIVED_GRAPH)
    rdf_type = vocab.RDF.type
    for row in _solutions(store, _TYPE_CLOSURE):
        yield Quad(row["x"], rdf_type, row["super"], graph)


def paper_counts(store: Store) -> Iterator[Quad]:
    graph = NamedNode(vocab.DERIVED_GRAPH)
    papers = [row["paper"] for row in _solutions(
        store, f"{_PREFIXES} SELECT ?paper WHERE {{ GRAPH {_DATA} {{ ?paper a npt:WorkingPaper }} }}")]
    for name, pattern in _COUNTS.items():
        sparql = (f"{_PREFIXES} SELECT ?paper (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH {_DATA} {{ {pattern} }} }}"
                  " GROUP BY ?paper")
        counts = {row["paper"]: row["n"].value for row in _solutions(store, sparql)}
        prop = vocab.NPT[name]
        for paper in papers:
            yield Quad(paper, prop, Literal(counts.get(paper, "0"), datatype=vocab.XSD.integer), graph)


def derive(store: Store) -> list[Quad]:
    """Every derived quad for the data and ontology graphs in `store` (not yet added)."""
    return [*type_closure(store), *paper_counts(store)]


def materialize(store: Store) -> int:
    """Replace the derived graph of `store` by a fresh computation; the number of triples written."""
    graph = NamedNode(vocab.DERIVED_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    quads = derive(store)
    store.extend(quads)
    return len(quads)
