"""The SHACL shapes of a paper read in two languages: the work, its language versions, paragraph N ↔ N.

The graph is built from the English and the Chinese version of one test paper (tests/read/samples.py);
each broken graph spoils one fact of it, so a failing test points at one shape.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import rdflib

from kg import vocab
from kg.build import build_graph
from kg.commands.validate import ValidationReport, ontology_graph, read_turtle, validate_graph

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/read/ holds the paper makers

from tests.read import samples
from tests.read.unpdf import paper_text

PREFIXES = vocab.sparql_prefixes()
WORK = vocab.ID_NS + "doc/" + vocab.slug(samples.SYMBOL)
EN, ZH = f"{WORK}/en", f"{WORK}/zh"
OTHER = vocab.ID_NS + "doc/another-paper"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def pair_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pair")
    (d / "wp31-e.txt").write_text(paper_text(samples.RISK_EN), encoding="utf-8")
    (d / "wp31-c.txt").write_text(paper_text(samples.RISK_ZH), encoding="utf-8")
    out = d / "graph.ttl"
    summary = build_graph([d], out, strict=True)
    assert summary.papers == 1 and summary.versions == 2
    return out


def _pair(pair_file: Path, update: str | None = None) -> rdflib.Graph:
    g = rdflib.Graph().parse(pair_file, format="turtle")
    if update:
        g.update(PREFIXES + update)
    return g


def _lines(report: ValidationReport) -> list[str]:
    return [v.line() for v in report.violations]


def test_a_built_two_language_pair_conforms(ontology, pair_file):
    report = validate_graph(read_turtle(pair_file), ontology=ontology)
    assert _lines(report) == []
    assert report.conforms
    # the pair really has what the shapes below check, so conforming is not vacuous
    g = _pair(pair_file)
    assert len(list(g.subjects(rdflib.RDF.type, rdflib.URIRef(vocab.NPT_NS + "Expression")))) == 2
    assert len(list(g.subjects(rdflib.RDF.type, rdflib.URIRef(vocab.NPT_NS + "VersionDifference")))) > 0
    assert len(list(g.subject_objects(rdflib.URIRef(vocab.NPT_NS + "correspondsTo")))) > 0


def test_an_english_paper_alone_conforms_with_its_english_title(ontology, tmp_path):
    (tmp_path / "wp31-e.txt").write_text(paper_text(samples.RISK_EN), encoding="utf-8")
    build_graph([tmp_path], tmp_path / "graph.ttl", strict=True)
    report = validate_graph(read_turtle(tmp_path / "graph.ttl"), ontology=ontology)
    assert _lines(report) == []


@pytest.mark.parametrize("update, focus, expected", [
    (f"DELETE WHERE {{ <{EN}> npt:language ?l }}", EN, "has exactly one language"),
    (f"DELETE WHERE {{ <{ZH}> npt:realizes ?w }}", ZH, "version of exactly one working paper"),
    (f"DELETE WHERE {{ ?w npt:hasExpression <{ZH}> }}", ZH, "listed by exactly one paper"),
    (f'DELETE {{ <{EN}> npt:language ?l }} INSERT {{ <{EN}> npt:language "zh" }} WHERE {{ <{EN}> npt:language ?l }}',
     EN, "in the same language zh"),
    (f'DELETE DATA {{ <{WORK}> dcterms:title "Reducing the risk of nuclear weapons use"@en }}',
     WORK, "read in en has no title in that language"),
    (f"DELETE WHERE {{ <{ZH}/p/3> npt:correspondsTo ?o }}", f"{ZH}/p/3", "goes both ways"),
    (f"DELETE {{ <{EN}/p/2> npt:correspondsTo ?o }} INSERT {{ <{EN}/p/2> npt:correspondsTo <{ZH}/p/3> }} "
     f"WHERE {{ <{EN}/p/2> npt:correspondsTo ?o }}", f"{EN}/p/2", "not the same section, paragraph, item or footnote"),
    (f"DELETE {{ <{EN}/p/2> npt:correspondsTo ?o }} INSERT {{ <{EN}/p/2> npt:correspondsTo <{EN}/p/2> }} "
     f"WHERE {{ <{EN}/p/2> npt:correspondsTo ?o }}", f"{EN}/p/2", "another language version"),
    ("DELETE { ?d npt:onlyIn ?e } WHERE { ?d a npt:VersionDifference ; npt:onlyIn ?e }", "difference/",
     "names the one language version"),
    ("DELETE { ?d npt:differenceKind ?k } WHERE { ?d a npt:VersionDifference ; npt:differenceKind ?k }",
     "difference/", "what kind it is"),
    (f"DELETE {{ ?d npt:onlyIn ?e }} INSERT {{ ?d npt:onlyIn <{OTHER}/en> }} WHERE {{ ?d a npt:VersionDifference ; "
     f"npt:onlyIn ?e }} ; INSERT DATA {{ <{OTHER}/en> a npt:Expression ; npt:realizes <{OTHER}> }}", "difference/",
     "not a version of the paper"),
    ('DELETE { ?m npt:quote ?q } INSERT { ?m npt:quote ?wrong } WHERE { ?m a npt:Measure ; npt:quote ?q '
     'FILTER (LANG(?q) = "en") BIND (STRLANG(STR(?q), "zh") AS ?wrong) }', "/measure",
     "in the quote's language"),
])
def test_a_broken_pair_fails_with_a_readable_message_at_the_focus(ontology, pair_file, update, focus, expected):
    report = validate_graph(_pair(pair_file, update), ontology=ontology)
    assert not report.conforms
    where = focus.removeprefix(vocab.ID_NS)  # foci are written compactly (id:doc/…)
    at_focus = [v.line() for v in report.violations if v.focus.endswith(where) or where.strip("/") in v.focus]
    assert any(expected in line for line in at_focus), _lines(report)
