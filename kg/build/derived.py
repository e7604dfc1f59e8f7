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
  seven grouped joins. A paper in two languages has each paragraph twice (once per
  language version): its paragraphs, items and footnotes are those of its fullest
  version, so that a paper is counted once whatever the number of its translations;
- for the pictures of the explore page, the totals they rank by and the cells they
  show: per measure type and per risk type, how many measures (risks) are of exactly that
  type (`npt:measureCount`, `npt:riskCount`); per state or coalition, how many measures
  the papers it submitted or that were submitted on its behalf propose
  (`npt:measureCount`); per state or coalition and measure type, an
  `npt:Tally` with the measures and papers behind that cell (and likewise per paper and type, and per meeting and main type), and ranks (`npt:measureRank`, `npt:riskRank`) so that a top-N is a range and not a sort; and per paper its
  main measure type (`npt:mainMeasureType`: the type of most of its measures, a tie going
  to the type proposed most across the graph, then to the first IRI);
- `?paper npt:proposesMeasureOfType ?type` for each type (and every broader type) of the
  measures a paper proposes, a few per paper instead of a walk over every measure;
- per state and measure type, an `npt:ProposerSummary` of the papers proposing a measure of
  that type (or a narrower one) that the state submitted or that were submitted on behalf of a
  coalition it belongs to (`states-proposing-measure-type`): the join of every such paper with
  its submitters and every coalition member grows faster than the corpus, the summaries do not;
- the two summaries over the whole corpus that no index makes cheap, because their
  answer lists every paper (and, for measure types, every item): per state,
  `npt:paperCount` / `npt:paperList` / `npt:roleList` (`states-in-several-papers`), and
  per measure type, `npt:paperCount` / `npt:paperList` / `npt:itemList`
  (`shared-measure-types`).

The computation is a handful of grouped SPARQL queries run by the engine itself (a few
seconds at 10,000 papers); the explore statistics are tallied in Python over two of
their answers (a paper's measures and types, a paper's submitters), because a grouped
join of every measure with every submitter is the very query they exist to avoid.
"""

from __future__ import annotations

from collections import defaultdict
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

#: The text units a paper in several languages has once per language version.
_PER_VERSION = frozenset({"paragraphCount", "itemCount", "footnoteCount"})

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
  OPTIONAL {{ ?unit npt:number ?number }}
  BIND(CONCAT(?paperName, " ", COALESCE(?path, STR(?number), "?")) AS ?where)
}} GROUP BY ?type"""


#: What the explore statistics are tallied from: (paper, measure, type), (paper, risk, type), (paper, submitting
#: state or coalition), (paper, meeting), (paper, name).
_PAPER_MEASURE_TYPES = f"""{_PREFIXES}
SELECT ?paper ?measure ?type WHERE {{ GRAPH {_DATA} {{ ?paper npt:proposes ?measure . ?measure npt:measureType ?type }} }}"""
_PAPER_ACTORS = f"""{_PREFIXES}
SELECT DISTINCT ?paper ?actor WHERE {{ GRAPH {_DATA} {{
  {{ ?paper npt:submittedBy ?actor }} UNION {{ ?paper npt:onBehalfOf ?actor }} }} }}"""
_PAPER_RISK_TYPES = f"""{_PREFIXES}
SELECT ?paper ?risk ?type WHERE {{ GRAPH {_DATA} {{ ?paper npt:identifies ?risk . ?risk npt:riskType ?type }} }}"""
_PAPER_MEETINGS = f"""{_PREFIXES}
SELECT ?paper ?meeting WHERE {{ GRAPH {_DATA} {{ ?paper a npt:WorkingPaper ; npt:submittedTo ?meeting }} }}"""
_PAPER_SUBMITTERS = f"""{_PREFIXES}
SELECT ?paper ?state WHERE {{ ?paper npt:submittedBy ?state }}"""
_PAPER_COALITION_MEMBERS = f"""{_PREFIXES}
SELECT ?paper ?state WHERE {{ ?paper npt:onBehalfOf ?coalition . ?coalition npt:hasMember ?state }}"""
_PAPER_NAMES = f"""{_PREFIXES}
SELECT ?paper ?paperName WHERE {{ GRAPH {_DATA} {{ ?paper a npt:WorkingPaper . {_PAPER_NAME} }} }}"""


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
        if name in _PER_VERSION:
            # counted per language version (a unit outside any version is a version of its own), the fullest kept
            sparql = (f"{_PREFIXES} SELECT ?paper (MAX(?k) AS ?n) WHERE {{ {{"
                      f" SELECT ?paper ?version (COUNT(DISTINCT ?x) AS ?k) WHERE {{ GRAPH {_DATA} {{ {pattern}"
                      " OPTIONAL { ?x npt:inExpression ?version } } } GROUP BY ?paper ?version } } GROUP BY ?paper")
        else:
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


def proposer_summaries(store: Store, proposed: list[Quad]) -> Iterator[Quad]:
    """Per state and measure type, its papers proposing that type or a narrower one (`proposed`: the
    npt:proposesMeasureOfType quads), as submitter or as a member of the coalition a paper is for."""
    graph = NamedNode(vocab.DERIVED_GRAPH)
    npt = vocab.NPT
    roles: tuple[tuple[str, str], ...] = (("submitter", _PAPER_SUBMITTERS), ("coalition member", _PAPER_COALITION_MEMBERS))
    states_of: dict = defaultdict(list)                          # paper -> [(state, role)]
    for role, sparql in roles:
        result = store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        for row in result:
            states_of[row["paper"]].append((row["state"], role))
    names = {row["paper"]: row["paperName"].value for row in _solutions(store, _PAPER_NAMES)}
    doc_ns = vocab.ID_NS + "doc/"
    cells: dict = defaultdict(lambda: (set(), set()))           # (state, type) -> (papers, roles)
    for quad in proposed:
        paper, type_ = quad.subject, quad.object
        for state, role in states_of.get(paper, ()):
            papers, in_roles = cells[(state, type_)]
            papers.add(paper)
            in_roles.add(role)
    order = [role for role, _ in roles]
    for (state, type_), (papers, in_roles) in cells.items():
        summary = NamedNode(f"{vocab.ID_NS}proposers/{_local(type_)}/{_local(state)}")
        listed = sorted(names.get(p) or (p.value[len(doc_ns):] if p.value.startswith(doc_ns) else "") for p in papers)
        yield Quad(summary, vocab.RDF.type, npt.ProposerSummary, graph)
        yield Quad(summary, npt.summaryOf, state, graph)
        yield Quad(summary, npt.summaryType, type_, graph)
        yield Quad(summary, npt.paperCount, _int(len(papers)), graph)
        yield Quad(summary, npt.paperList, Literal(", ".join(listed)), graph)
        yield Quad(summary, npt.roleList, Literal(", ".join(r for r in order if r in in_roles)), graph)


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


def explore_statistics(store: Store) -> Iterator[Quad]:
    """Totals, ranks, cells and main types for the explore page (see the module docstring)."""
    graph = NamedNode(vocab.DERIVED_GRAPH)
    npt = vocab.NPT
    measures_of: dict = defaultdict(lambda: defaultdict(set))   # paper -> measure type -> measures
    for row in _solutions(store, _PAPER_MEASURE_TYPES):
        measures_of[row["paper"]][row["type"]].add(row["measure"])
    risks_of: dict = defaultdict(lambda: defaultdict(set))      # paper -> risk type -> risks identified
    for row in _solutions(store, _PAPER_RISK_TYPES):
        risks_of[row["paper"]][row["type"]].add(row["risk"])
    papers_of: dict = defaultdict(set)                          # state or coalition -> papers
    for row in _solutions(store, _PAPER_ACTORS):
        papers_of[row["actor"]].add(row["paper"])
    meeting_of = {row["paper"]: row["meeting"] for row in _solutions(store, _PAPER_MEETINGS)}
    names = {row["paper"]: row["paperName"].value for row in _solutions(store, _PAPER_NAMES)}

    def union(cells: dict) -> set:
        return set().union(*cells.values()) if cells else set()

    type_total: dict = defaultdict(int)
    for cells in measures_of.values():
        for t, ms in cells.items():
            type_total[t] += len(ms)
    risk_type_total: dict = defaultdict(int)
    for cells in risks_of.values():
        for t, rs in cells.items():
            risk_type_total[t] += len(rs)
    # totals not already in paper_counts, then every rank (1 = most; a tie goes to the first IRI)
    for t, n in type_total.items():
        yield Quad(t, npt.measureCount, _int(n), graph)
    for t, n in risk_type_total.items():
        yield Quad(t, npt.riskCount, _int(n), graph)
    actor_measures = {a: set().union(*(union(measures_of.get(p, {})) for p in ps)) for a, ps in papers_of.items()}
    for a, ms in actor_measures.items():
        yield Quad(a, npt.measureCount, _int(len(ms)), graph)
    for prop, totals in ((npt.measureRank, {p: len(union(c)) for p, c in measures_of.items()}),
                         (npt.measureRank, type_total),
                         (npt.measureRank, {a: len(ms) for a, ms in actor_measures.items()}),
                         (npt.riskRank, {p: len(union(c)) for p, c in risks_of.items()}),
                         (npt.riskRank, risk_type_total)):
        ranked = sorted((node for node, n in totals.items() if n), key=lambda node: (-totals[node], node.value))
        for rank, node in enumerate(ranked, 1):
            yield Quad(node, prop, _int(rank), graph)
    # the cells: a paper's measures (risks) of each type, a state's or coalition's measures and papers
    for paper, cells in measures_of.items():
        for t, ms in cells.items():
            yield from _tally(graph, paper, t, npt.measureCount, len(ms))
        main = min(cells, key=lambda t: (-len(cells[t]), -type_total[t], t.value))
        yield Quad(paper, npt.mainMeasureType, main, graph)
    for paper, cells in risks_of.items():
        for t, rs in cells.items():
            yield from _tally(graph, paper, t, npt.riskCount, len(rs))
    for actor, papers in papers_of.items():
        by_type: dict = defaultdict(lambda: (set(), set()))      # measure type -> (measures, papers)
        for paper in papers:
            for t, ms in measures_of.get(paper, {}).items():
                by_type[t][0].update(ms)
                by_type[t][1].add(paper)
        for t, (ms, ps) in by_type.items():
            yield from _tally(graph, actor, t, npt.measureCount, len(ms), papers=ps)
    # a meeting's papers by main measure type (no type: papers that propose no measure)
    by_meeting: dict = defaultdict(set)
    for paper, meeting in meeting_of.items():
        cells = measures_of.get(paper)
        main = min(cells, key=lambda t: (-len(cells[t]), -type_total[t], t.value)) if cells else None
        by_meeting[(meeting, main)].add(paper)
    for (meeting, main), papers in by_meeting.items():
        yield from _tally(graph, meeting, main, None, 0, papers=papers,
                          paper_list=", ".join(sorted(names.get(p, p.value) for p in papers)))


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=vocab.XSD.integer)


def _tally(graph: NamedNode, of: NamedNode, type_: NamedNode | None, count_prop: NamedNode | None, count: int,
           papers: set | None = None, paper_list: str | None = None) -> Iterator[Quad]:
    """One npt:Tally: a cell of a table the explore page draws (its IRI names its row and column)."""
    tally = NamedNode(f"{vocab.ID_NS}tally/{_local(of)}/{_local(type_) if type_ is not None else 'none'}")
    yield Quad(tally, vocab.RDF.type, vocab.NPT.Tally, graph)
    yield Quad(tally, vocab.NPT.tallyOf, of, graph)
    if type_ is not None:
        yield Quad(tally, vocab.NPT.tallyType, type_, graph)
    if count_prop is not None:
        yield Quad(tally, count_prop, _int(count), graph)
    if papers is not None:
        yield Quad(tally, vocab.NPT.paperCount, _int(len(papers)), graph)
    if paper_list is not None:
        yield Quad(tally, vocab.NPT.paperList, Literal(paper_list), graph)


def _local(node: NamedNode) -> str:
    """The part of an IRI under the id/ namespace (state/NZ, measure-type/de-alerting), for a tally's IRI."""
    value = node.value
    return value[len(vocab.ID_NS):] if value.startswith(vocab.ID_NS) else vocab.slug(value)


def _sorted(joined: str, sep: str) -> str:
    """GROUP_CONCAT's order depends on the engine's hashing: sorted, every load writes the same string."""
    return sep.join(sorted(joined.split(sep))) if joined else joined


def derive(store: Store) -> list[Quad]:
    """Every derived quad for the data and ontology graphs in `store` (not yet added)."""
    proposed = list(proposed_types(store))
    return [*type_closure(store), *paper_counts(store), *proposed, *proposer_summaries(store, proposed),
            *summaries(store), *explore_statistics(store)]


def materialize(store: Store) -> int:
    """Replace the derived graph of `store` by a fresh computation; the number of triples written."""
    graph = NamedNode(vocab.DERIVED_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    quads = derive(store)
    store.extend(quads)
    return len(quads)
