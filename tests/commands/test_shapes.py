"""The SHACL shapes accept a well-formed graph and name what is missing from a broken one.

Each broken graph is the sample graph with one fact removed or spoiled, so a failing
test points at exactly one shape. `npt-kg validate` is run through the real CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg import resources, vocab
from kg.commands import main
from kg.commands.validate import (
    ValidationReport,
    compact,
    ontology_graph,
    read_turtle,
    run_sparql_constraints,
    split_sparql_constraints,
    validate_graph,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample-graph.ttl"
PREFIXES = vocab.sparql_prefixes()
PAPER = f"{vocab.ID_NS}doc/sample-wp"
MEASURE = f"{PAPER}/p/19/k/measure"
OTHER = f"{vocab.ID_NS}doc/A-71-371"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return ontology_graph()


def _sample() -> rdflib.Graph:
    # rdflib's own parser keeps plain literals plain, so the SPARQL updates below can match "AT"
    return rdflib.Graph().parse(SAMPLE, format="turtle")


def _broken(update: str) -> rdflib.Graph:
    g = _sample()
    g.update(PREFIXES + update)
    return g


def _results(report: ValidationReport, focus_suffix: str) -> list[str]:
    return [f"{v.path} {v.message}" for v in report.violations if v.focus.endswith(focus_suffix)]


@pytest.mark.parametrize("parse", [_sample, lambda: read_turtle(SAMPLE)], ids=["rdflib", "oxigraph"])
def test_the_sample_graph_conforms(ontology, parse):
    report = validate_graph(parse(), ontology=ontology)
    assert [v.line() for v in report.violations] == []
    assert report.conforms


@pytest.mark.parametrize("update, focus, expected", [
    (f"DELETE WHERE {{ <{PAPER}> dcterms:title ?t }}", "doc/sample-wp", "title in Chinese"),
    (f'DELETE {{ <{PAPER}> dcterms:title ?t }} INSERT {{ <{PAPER}> dcterms:title "A title"@en }} '
     f"WHERE {{ <{PAPER}> dcterms:title ?t }}", "doc/sample-wp", "title in Chinese"),
    (f"DELETE WHERE {{ <{PAPER}> npt:submittedTo ?m }}", "doc/sample-wp", "exactly one meeting"),
    (f"DELETE WHERE {{ <{PAPER}> npt:submittedBy ?s }} ; DELETE WHERE {{ <{PAPER}> npt:onBehalfOf ?c }}",
     "doc/sample-wp", "who submitted it"),
    (f"DELETE WHERE {{ <{MEASURE}> npt:measureType ?t }}", "k/measure", "measure type"),
    (f"DELETE WHERE {{ <{MEASURE}> npt:quote ?q }}", "k/measure", "words it was read from"),
    (f"DELETE WHERE {{ <{MEASURE}> prov:wasDerivedFrom ?u }}", "k/measure", "derived from the paragraph or item"),
    (f'DELETE {{ <{MEASURE}> npt:quote ?q }} INSERT {{ <{MEASURE}> npt:quote "不在原文中的话"@zh }} '
     f"WHERE {{ <{MEASURE}> npt:quote ?q }}", "k/measure", "does not occur in the text"),
    (f"DELETE WHERE {{ <{PAPER}> npt:proposes ?m }}", "k/measure", "proposed in a working paper"),
    (f"DELETE {{ <{PAPER}/p/19/k> npt:inDocument ?d }} INSERT {{ <{PAPER}/p/19/k> npt:inDocument <{OTHER}> }} "
     f"WHERE {{ <{PAPER}/p/19/k> npt:inDocument ?d }}", "k/measure", "not part of the paper"),
    ("DELETE WHERE { ?r npt:riskType ?t }", "m/risk", "risk type"),
    ('DELETE { ?s npt:isoCode "AT" } INSERT { ?s npt:isoCode "at" } WHERE { ?s npt:isoCode "AT" }',
     "state/AT", "ISO 3166-1 alpha-2"),
    (f'INSERT DATA {{ <{vocab.ID_NS}state/AT> npt:isoCode "AU" }}', "state/AT", "ISO 3166-1 alpha-2"),
    (f'DELETE DATA {{ <{vocab.ID_NS}state/CL> rdfs:label "智利"@zh }}', "state/CL", "name in Chinese"),
    (f'DELETE DATA {{ <{vocab.ID_NS}state/CL> rdfs:label "Chile"@en }}', "state/CL", "name in English"),
    ("DELETE WHERE { ?p npt:number ?n }", "p/19", "exactly one number"),
    ("DELETE { ?p npt:text ?t } WHERE { ?p a npt:Paragraph ; npt:text ?t }", "p/19", "has its text"),
    ("DELETE { ?p npt:inDocument ?d } WHERE { ?p a npt:Paragraph ; npt:inDocument ?d }", "p/19",
     "exactly one document"),
    ('DELETE WHERE { ?m npt:startDate ?d }', "prepcom-1", "start date"),
    ('DELETE { ?m npt:endDate ?d } INSERT { ?m npt:endDate "2023-07-01"^^xsd:date } WHERE { ?m npt:endDate ?d }',
     "prepcom-1", "not after its end date"),
    ('DELETE { ?m npt:startDate ?d } INSERT { ?m npt:startDate "2023-07-31" } WHERE { ?m npt:startDate ?d }',
     "prepcom-1", "xsd:date"),
    ("DELETE WHERE { ?m npt:forReviewConference ?r }", "prepcom-1", "exactly one Review Conference"),
    ("DELETE WHERE { ?i npt:itemOf ?p } ; DELETE WHERE { ?p npt:hasItem ?i }", "p/19/m", "stands under a paragraph"),
    ("DELETE WHERE { ?f npt:footnoteMark ?m }", "fn/3", "exactly one mark"),
])
def test_a_broken_graph_is_reported_at_the_focus_node_with_a_readable_message(ontology, update, focus, expected):
    report = validate_graph(_broken(update), ontology=ontology)
    assert not report.conforms
    messages = _results(report, focus)
    assert any(expected in m for m in messages), [v.line() for v in report.violations]


def test_sparql_constraints_run_in_bulk_give_the_results_pyshacl_gives_node_by_node(ontology):
    from pyshacl import validate as pyshacl_validate
    from rdflib.namespace import SH

    broken = _broken(f'DELETE {{ ?x npt:quote ?q }} INSERT {{ ?x npt:quote "不在原文中的话"@zh }} '
                     f"WHERE {{ ?x npt:quote ?q }} ;"
                     f"DELETE {{ <{PAPER}/p/19/m> npt:inDocument ?d }} "
                     f"INSERT {{ <{PAPER}/p/19/m> npt:inDocument <{OTHER}> }} "
                     f"WHERE {{ <{PAPER}/p/19/m> npt:inDocument ?d }}")
    combined = rdflib.Graph()
    combined += broken
    combined += ontology
    shapes = read_turtle(resources.SHAPES_FILE)
    _core, constraints = split_sparql_constraints(shapes)
    assert len(constraints) == sum(1 for _ in shapes.subject_objects(SH.sparql))  # all are class-targeted
    ours = {(v.focus, v.message) for v in run_sparql_constraints(combined, constraints)}
    only_sparql = rdflib.Graph()
    for c in constraints:  # the SPARQL shapes alone, evaluated by pyshacl itself
        for t in shapes.cbd(c.shape):
            only_sparql.add(t)
    for t in shapes.cbd(rdflib.URIRef("https://w3id.org/npt-kg/ontology/shapes")):
        only_sparql.add(t)
    _ok, results, _text = pyshacl_validate(combined, shacl_graph=only_sparql, inference="none")
    theirs = {(compact(results.value(r, SH.focusNode)), str(results.value(r, SH.resultMessage)))
              for r in results.subjects(rdflib.RDF.type, SH.ValidationResult)}
    # two quotes not in their text (and so not words of a unit in their language), one risk read from another document
    assert len([m for _focus, m in ours if "does not occur" in m or "not part of" in m]) == 3
    assert ours == theirs


def test_items_may_hang_from_their_parent_by_has_item_alone(ontology):
    report = validate_graph(_broken("DELETE WHERE { ?i npt:itemOf ?p }"), ontology=ontology)
    assert [v.line() for v in report.violations] == []


def test_scheme_concepts_are_checked_for_bilingual_labels(ontology):
    extra = rdflib.Graph()
    extra += ontology
    extra.update(PREFIXES + """
        INSERT DATA { mt:unlabelled a owl:NamedIndividual , skos:Concept , npt:MeasureType ;
                        skos:prefLabel "unlabelled"@en ;
                        skos:inScheme <https://w3id.org/npt-kg/id/scheme/measure-types> . }""")
    report = validate_graph(_sample(), ontology=extra)
    messages = _results(report, "mt:unlabelled")
    assert any("preferred label in Chinese" in m for m in messages)
    assert any("definition in English" in m for m in messages)


def test_the_graph_built_from_the_seed_papers_conforms(ontology, tmp_path):
    from kg.build import build_graph

    out = tmp_path / "seeds.ttl"
    build_graph([resources.SEEDS_DIR], out)
    report = validate_graph(read_turtle(out), ontology=ontology)
    assert [v.line() for v in report.violations] == []


# --- the CLI ---------------------------------------------------------------------------------


def test_validate_command_exits_0_and_says_the_graph_conforms(capsys):
    assert main(["validate", "--graph", str(SAMPLE)]) == 0
    assert "conforms" in capsys.readouterr().out


def test_validate_command_prints_focus_path_and_message_and_exits_1(tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    _broken('DELETE { ?s npt:isoCode "AT" } INSERT { ?s npt:isoCode "at" } WHERE { ?s npt:isoCode "AT" }').serialize(
        broken, format="turtle")
    assert main(["validate", "--graph", str(broken)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "id:state/AT" in x)
    assert "npt:isoCode" in line and "ISO 3166-1" in line and '"at"' in line


def test_validate_command_reports_a_missing_graph_as_one_line(tmp_path, capsys):
    assert main(["validate", "--graph", str(tmp_path / "nothing.ttl")]) == 1
    err = capsys.readouterr().err
    assert "nothing.ttl" in err and "npt-kg build" in err and len(err.strip().splitlines()) == 1


def test_validate_command_names_file_and_line_of_a_syntax_error(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open\n', encoding="utf-8")
    assert main(["validate", "--graph", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.ttl" in err and "line 3" in err
