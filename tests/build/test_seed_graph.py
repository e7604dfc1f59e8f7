"""The graph built from seeds/: what a user querying it sees, and its conformance to the SHACL shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store, parse

from kg import vocab
from kg.build import build_graph
from kg.commands.validate import validate_graph
from kg.store import load_dataset

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ID = vocab.ID_NS
D000, D001, D003 = (ID + "doc/" + s for s in ("000_7fd555d8a5aa5ef7", "001_f2694958423e3bfa", "003_f88313c97aa13a38"))


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "npt-kg.ttl"
    build_graph([SEEDS], out)
    return out


@pytest.fixture(scope="module")
def store(graph: Path) -> Store:
    return load_dataset(graph)


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(t.value if t is not None else "" for t in r)
                  for r in store.query(vocab.sparql_prefixes() + sparql, use_default_graph_as_union=True))


def test_three_working_papers(store: Store) -> None:
    assert rows(store, "SELECT ?d { ?d a npt:WorkingPaper }") == [(D000,), (D001,), (D003,)]


def test_submitters_and_coalition(store: Store) -> None:
    subs = rows(store, "SELECT ?d ?iso { ?d npt:submittedBy/npt:isoCode ?iso }")
    assert [iso for d, iso in subs if d == D000] == ["AT", "CL", "CO", "CR", "EC", "KI", "LI", "MT", "MX", "SM", "TH"]
    assert [iso for d, iso in subs if d == D001] == ["NZ"]
    assert [iso for d, iso in subs if d == D003] == ["GB"]
    assert rows(store, f"SELECT ?iso {{ <{D001}> npt:onBehalfOf ?c . ?c npt:hasMember/npt:isoCode ?iso }}") == [
        ("BR",), ("EG",), ("IE",), ("MX",), ("NZ",), ("ZA",)]


def test_meetings(store: Store) -> None:
    got = rows(store, """SELECT ?d ?m ?cycle ?inferred ?start ?end ?city {
        ?d npt:submittedTo ?m . ?m npt:cycleYear ?cycle ; npt:cycleInferred ?inferred ;
           npt:startDate ?start ; npt:endDate ?end ; npt:city ?city FILTER(lang(?city) = "en") }""")
    assert got == [
        (D000, ID + "meeting/revcon-2026/prepcom-1", "2026", "true", "2023-07-31", "2023-08-11", "Vienna"),
        (D001, ID + "meeting/revcon-2026/prepcom-2", "2026", "false", "2024-07-22", "2024-08-02", "Geneva"),
        (D003, ID + "meeting/revcon-2020", "2020", "true", "2022-01-04", "2022-01-28", "New York"),
    ]
    assert rows(store, "SELECT ?r { ?m npt:forReviewConference ?r } GROUP BY ?r") == [(ID + "meeting/revcon-2026",)]


def test_counts_of_paragraphs_items_and_footnotes(store: Store) -> None:
    def count(doc: str, cls: str) -> int:
        (r,) = rows(store, f"SELECT (COUNT(?u) AS ?n) {{ ?u a npt:{cls} ; npt:inDocument <{doc}> }}")
        return int(r[0])
    assert [count(d, "Paragraph") for d in (D000, D001, D003)] == [21, 12, 18]
    assert [count(d, "Item") for d in (D000, D001, D003)] == [44, 42, 13]
    assert [count(d, "Footnote") for d in (D000, D001, D003)] == [6, 4, 0]


def test_citations(store: Store) -> None:
    got = rows(store, "SELECT DISTINCT ?d ?s { ?u npt:inDocument ?d ; npt:cites ?c . ?c npt:symbol ?s }")
    assert got == [(D000, "A/71/371"), (D000, "A/RES/70/33"),
                   (D001, "NPT/CONF.2000/28"), (D001, "NPT/CONF.2026/PC.I/WP.5")]
    statements = rows(store, """SELECT ?s ?issuer ?date { ?s a npt:Statement ; npt:issuedBy ?issuer ;
                                npt:statementDate ?date }""")
    assert statements == [(ID + "statement/2022-01-p5", ID + "org/p5", "2022-01-03"),
                          (ID + "statement/2022-11-g20", ID + "org/g20", "2022-11-16")]


def test_treaties_named_per_paper(store: Store) -> None:
    got = rows(store, """SELECT DISTINCT ?d ?t { ?u npt:inDocument ?d ; npt:refersToTreaty ?t . ?t a npt:Treaty }""")
    by_doc: dict[str, set[str]] = {}
    for d, t in got:
        by_doc.setdefault(d, set()).add(t.rsplit("/", 1)[1])
    assert by_doc[D000] == {"npt", "ctbt", "fmct", "new-start"}
    assert by_doc[D001] == {"npt", "ctbt", "outer-space-treaty", "tpnw"}
    assert by_doc[D003] == {"npt", "ctbt", "fmct"}
    assert rows(store, "SELECT ?t { ?t a npt:ProposedTreaty }") == [(ID + "treaty/fmct",)]
    assert rows(store, "SELECT ?a { ?u npt:refersToTreaty ?a . ?a npt:articleOf ?t } GROUP BY ?a") == [
        (ID + "treaty/npt/article-VI",)]


def test_measures_and_risky_actions(store: Store) -> None:
    assert rows(store, f"SELECT ?t {{ <{D000}/p/19/h/measure> npt:measureType ?t }}") == [
        (vocab.MEASURE_TYPE_NS + "de-alerting",)]
    assert rows(store, f"SELECT ?a {{ <{D001}/p/12/d/measure> npt:addressedTo ?a }}") == [
        (ID + "state/RU",), (ID + "state/US",)]
    types_5b = rows(store, f"SELECT ?t {{ <{D003}/p/5/b/measure> npt:measureType ?t }}")
    assert (vocab.MEASURE_TYPE_NS + "test-ban",) in types_5b
    risky = rows(store, f"SELECT ?r {{ <{D000}> npt:advisesAgainst ?r . ?r a npt:RiskyAction }}")
    assert len(risky) == 6
    assert rows(store, f"SELECT ?m {{ <{D000}/p/21/a/measure> ?p ?o }} LIMIT 1") == []
    assert rows(store, "SELECT ?x { ?x a npt:Measure , npt:Risk }") == []


def test_every_measure_and_risk_quotes_its_unit(store: Store) -> None:
    bad = rows(store, """SELECT ?x { { ?x a npt:Measure } UNION { ?x a npt:Risk }
                         ?x npt:quote ?q ; prov:wasDerivedFrom ?u . ?u npt:text ?t
                         FILTER(!CONTAINS(STR(?t), STR(?q))) }""")
    assert bad == []


def test_the_seed_graph_conforms_to_the_shapes(graph: Path) -> None:
    report = validate_graph(rdflib.Graph().parse(graph, format="turtle"))
    assert report.conforms, "\n".join(v.line() for v in report.violations[:40])



def test_the_turtle_file_states_each_triple_once(graph: Path) -> None:
    # a footnote naming one statement by date and by title once gave `npt:cites st , st`
    triples = list(parse(path=str(graph), format=RdfFormat.TURTLE))  # a list: duplicates kept
    assert triples and len(triples) == len(set(triples))


def test_the_p5_statement_is_cited_where_a_paper_quotes_its_formula(store: Store) -> None:
    # 000 20(e): "五个核武器拥有国发表的重申“核战争打不赢也打不得”概念的声明", no date, no title
    assert rows(store, f"SELECT ?s {{ <{D000}/p/20/e> npt:cites ?s }}") == [
        (ID + "statement/2022-01-p5",), (ID + "statement/2022-11-g20",)]


def test_papers_without_a_symbol_have_readable_labels(store: Store) -> None:
    got = dict(rows(store, 'SELECT ?d ?l { ?d a npt:WorkingPaper ; rdfs:label ?l FILTER(lang(?l) = "en") }'))
    assert got[D003] == ("Working paper submitted by the United Kingdom of Great Britain and Northern Ireland "
                         "(2020 Review Conference)")
    assert got[D001].startswith("Working paper submitted by New Zealand on behalf of the New Agenda Coalition")
    assert not [label for label in got.values() if ".txt" in label]
    assert rows(store, f"SELECT ?f {{ <{D003}> npt:sourceFile ?f }}") == [("003_f88313c97aa13a38.txt",)]
