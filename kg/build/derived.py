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
  seven grouped joins;
- `?paper npt:proposesMeasureOfType ?type` for each type (and every broader type) of the
  measures a paper proposes, a few per paper instead of a walk over every measure;
- the two summaries over the whole corpus that no index makes cheap, because their
  answer lists every paper (and, for measure types, every item): per state,
  `npt:paperCount` / `npt:paperList` / `npt:roleList` (`states-in-several-papers`), and
  per measure type, `npt:paperCount` / `npt:paperList` / `npt:itemList`
  (`shared-measure-types`).

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


_PAPER_NAME = ('OPTIONAL { ?paper npt:symbol ?symbol }'
               ' BIND(COALESCE(?symbol, STRAFTER(STR(?paper), "' + vocab.ID_NS + 'doc/")) AS ?paperName)')

_PROPOSED_TYPES = f"""{_PREFIXES}
PREFIX skos: <{vocab.SKOS_NS}>
SELECT DISTINCT ?paper ?type WHERE {{
  GRAPH {_DATA} {{ ?paper npt:proposes ?measure . ?measure npt:measureType ?direct . }}
  GRAPH {_ONTOLOGY} {{ ?direct skos:broader* ?type }}
}}"""

#: Each state with the papers that name it in any role (the roles of `states-in-several-papers`).
#: Summaries are run over the union of the data and ontology graphs, before the derived graph exists.
_STATE_SUMMARY = f"""{_PREFIXES}
SELECT ?state (COUNT(DISTINCT ?paper) AS ?count)
       (GROUP_CONCAT(DISTINCT ?paperName; separator=", ") AS ?papers)
       (GROUP_CONCAT(DISTINCT ?role; separator=", ") AS ?roles)
WHERE {{
  {{
    SELECT DISTINCT ?state ?paper ?role WHERE {{
      {{ ?paper npt:submittedBy ?state . BIND("submitter" AS ?role) }}
      UNION {{ ?paper npt:onBehalfOf/npt:hasMember ?state . BIND("coalition member" AS ?role) }}
      UNION {{ ?paper npt:proposes/npt:addressedTo ?state . BIND("addressee" AS ?role) }}
      UNION {{ ?unit npt:mentions ?state ; npt:inDocument ?paper . BIND("mentioned" AS ?role) }}
    }}
  }}
  FILTER EXISTS {{ ?paper a npt:WorkingPaper }}
  FILTER EXISTS {{ ?state a npt:State }}
  {_PAPER_NAME}
}} GROUP BY ?state"""

#: Each measure type with the papers proposing a measure of exactly that type, and where.
_TYPE_SUMMARY = f"""{_PREFIXES}
PREFIX prov: <{vocab.PROV_NS}>
SELECT ?type (COUNT(DISTINCT ?paper) AS ?count)
       (GROUP_CONCAT(DISTINCT ?paperName; separator=", ") AS ?papers)
       (GROUP_CONCAT(DISTINCT ?where; separator="; ") AS ?items)
WHERE {{
  ?paper npt:proposes ?measure .
  ?measure npt:measureType ?type .
  {_PAPER_NAME}
  ?measure prov:wasDerivedFrom ?unit .
  OPTIONAL {{ ?unit npt:itemPath ?path }}
  BIND(CONCAT(?paperName, " ", COALESCE(?path, "?")) AS ?where)
}} GROUP BY ?type"""


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


def proposed_types(store: Store) -> Iterator[Quad]:
    graph = NamedNode(vocab.DERIVED_GRAPH)
    prop = vocab.NPT.proposesMeasureOfType
    for row in _solutions(store, _PROPOSED_TYPES):
        yield Quad(row["paper"], prop, row["type"], graph)


def summaries(store: Store) -> Iterator[Quad]:
    graph = NamedNode(vocab.DERIVED_GRAPH)
    count, papers = vocab.NPT.paperCount, vocab.NPT.paperList
    for sparql, list_prop, list_var in ((_STATE_SUMMARY, vocab.NPT.roleList, "roles"),
                                        (_TYPE_SUMMARY, vocab.NPT.itemList, "items")):
        result = store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        for row in result:
            subject = row[0]
            yield Quad(subject, count, row["count"], graph)
            yield Quad(subject, papers, Literal(_sorted(row["papers"].value, ", ")), graph)
            sep = "; " if list_var == "items" else ", "
            yield Quad(subject, list_prop, Literal(_sorted(row[list_var].value, sep)), graph)


def _sorted(joined: str, sep: str) -> str:
    """GROUP_CONCAT's order depends on the engine's hashing: sorted, every load writes the same string."""
    return sep.join(sorted(joined.split(sep))) if joined else joined


def derive(store: Store) -> list[Quad]:
    """Every derived quad for the data and ontology graphs in `store` (not yet added)."""
    return [*type_closure(store), *paper_counts(store), *proposed_types(store), *summaries(store)]


def materialize(store: Store) -> int:
    """Replace the derived graph of `store` by a fresh computation; the number of triples written."""
    graph = NamedNode(vocab.DERIVED_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    quads = derive(store)
    store.extend(quads)
    return len(quads)
