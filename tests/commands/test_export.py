"""Exports and release files: faithful in every format, and the Protégé file is OWL 2 DL and consistent.

The graph is built from the seed papers with the real builder. Exports are parsed back
with rdflib (a different parser from the one that wrote them) and compared with the
store's content as graphs, blank nodes included. The Protégé file is checked with the
Java OWL API and reasoned over with HermiT, including the DL queries of docs/protege.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from conftest import REPO
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib.compare import graph_diff, isomorphic

from kg import __version__, vocab
from kg.build import build_graph
from kg.commands import main, owlcheck
from kg.commands import reason as reasoning
from kg.commands.dist import FULL_ONTOLOGY_IRI, write_dist
from kg.store import load_dataset

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NPT = rdflib.Namespace(vocab.NPT_NS)
RDF = rdflib.Namespace(vocab.RDF_NS)
OWL = rdflib.Namespace(vocab.OWL_NS)
XSD = rdflib.Namespace(vocab.XSD_NS)
SKOS = rdflib.Namespace(vocab.SKOS_NS)
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld", "xml": "xml"}

# rdflib's own JSON-LD and N-Quads parsers use its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")

needs_owlapi = pytest.mark.skipif(
    owlcheck.missing_requirements() is not None,
    reason=f"OWL API check unavailable: {owlcheck.missing_requirements()}",
)
needs_java = pytest.mark.skipif(not reasoning.java_available(), reason="java not found: HermiT needs a JVM")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "npt-kg.ttl"
    build_graph([SEEDS], out)
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Path:
    out = tmp_path_factory.mktemp("dist")
    write_dist(out, built)
    return out


def _term(t):
    """pyoxigraph term -> rdflib term, with plain strings written the way rdflib parses them."""
    if isinstance(t, NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, BlankNode):
        return rdflib.BNode(t.value)
    assert isinstance(t, Literal)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    if t.datatype.value == vocab.XSD_NS + "string":
        return rdflib.Literal(t.value)
    return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))


def _normalized(g: rdflib.Graph) -> rdflib.Graph:
    """Drop explicit xsd:string, which some parsers keep and others do not."""
    out = rdflib.Graph()
    for s, p, o in g:
        if isinstance(o, rdflib.Literal) and o.datatype == XSD.string:
            o = rdflib.Literal(str(o))
        out.add((s, p, o))
    return out


def _store_graph(built: Path, graphs: tuple[str, ...]) -> rdflib.Graph:
    store = load_dataset(built)
    g = rdflib.Graph()
    for name in graphs:
        for q in store.quads_for_pattern(None, None, None, NamedNode(name)):
            g.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return g


def _assert_same_graph(expected: rdflib.Graph, actual: rdflib.Graph) -> None:
    expected, actual = _normalized(expected), _normalized(actual)
    if not isomorphic(expected, actual):
        _both, only_expected, only_actual = graph_diff(expected, actual)
        pytest.fail(f"{len(only_expected)} triples lost, {len(only_actual)} triples added; e.g. lost "
                    f"{sorted(map(str, only_expected))[:3]} added {sorted(map(str, only_actual))[:3]}")


WHAT_GRAPHS = {
    "ontology": (vocab.ONTOLOGY_GRAPH,),
    "data": (vocab.DATA_GRAPH,),
    "all": (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH),
}


# --- npt-kg export ---------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["ontology", "data", "all"])
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_each_triple_format_parses_back_to_the_graph_in_the_store(built, tmp_path, fmt, what):
    out = tmp_path / f"export.{fmt}"
    assert main(["export", "--format", fmt, "--what", what, "--graph", str(built), "-o", str(out)]) == 0
    parsed = rdflib.Graph().parse(out, format=RDFLIB_FORMATS[fmt])
    _assert_same_graph(_store_graph(built, WHAT_GRAPHS[what]), parsed)


@pytest.mark.parametrize("what", ["ontology", "data", "all"])
def test_n_quads_keep_ontology_and_data_in_their_named_graphs(built, tmp_path, what):
    out = tmp_path / "export.nq"
    assert main(["export", "--format", "nq", "--what", what, "--graph", str(built), "-o", str(out)]) == 0
    ds = rdflib.Dataset()
    ds.parse(out, format="nquads")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == set(WHAT_GRAPHS[what])
    for name in WHAT_GRAPHS[what]:
        _assert_same_graph(_store_graph(built, (name,)), ds.graph(rdflib.URIRef(name)))


def test_export_writes_to_stdout_without_a_file(built, capsysbinary):
    assert main(["export", "--format", "nt", "--what", "data", "--graph", str(built)]) == 0
    out = capsysbinary.readouterr().out
    g = rdflib.Graph().parse(data=out, format="nt")
    assert (None, RDF.type, NPT.WorkingPaper) in g


def test_export_of_the_ontology_alone_needs_no_built_graph(tmp_path, capsysbinary):
    missing = tmp_path / "not-built.ttl"
    assert main(["export", "--format", "ttl", "--what", "ontology", "--graph", str(missing)]) == 0
    g = rdflib.Graph().parse(data=capsysbinary.readouterr().out, format="turtle")
    assert (rdflib.URIRef(vocab.ONTOLOGY_IRI), RDF.type, OWL.Ontology) in g
    assert not missing.exists()


def test_export_builds_the_default_graph_from_the_seeds_when_it_is_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    graph = tmp_path / "fresh" / "npt-kg.ttl"
    monkeypatch.setattr("kg.resources.DEFAULT_GRAPH", graph)  # only the default graph is built on first use
    out = tmp_path / "data.ttl"
    assert main(["export", "--what", "data", "--graph", str(graph), "-o", str(out)]) == 0
    assert graph.exists()
    g = rdflib.Graph().parse(out, format="turtle")
    assert len(set(g.subjects(RDF.type, NPT.WorkingPaper))) == len(list(SEEDS.glob("*.txt")))


def test_a_failed_export_leaves_the_existing_file_and_no_temporary_files(built, tmp_path, capsys):
    out = tmp_path / "keep.ttl"
    out.write_text("previous export\n", encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b \"open\n", encoding="utf-8")
    assert main(["export", "--what", "data", "--graph", str(broken), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken.ttl" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl", "keep.ttl"]


def test_export_to_an_unwritable_place_is_one_line_and_exit_1(built, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert main(["export", "--what", "ontology", "-o", str(blocker / "out.ttl")]) == 1
    err = capsys.readouterr().err
    assert "out.ttl" in err and len(err.strip().splitlines()) == 1


# --- make dist -------------------------------------------------------------------------------


def test_dist_writes_the_four_release_files(dist):
    assert sorted(p.name for p in dist.iterdir()) == [
        "npt-kg-full.owl", "npt-kg.jsonld", "npt-kg.ttl", "npt-ontology.ttl"]


@pytest.mark.parametrize("name", ["npt-ontology.ttl", "npt-kg.ttl"])
def test_dist_turtle_files_say_version_and_build_date_in_a_header_comment(dist, name):
    head = (dist / name).read_text(encoding="utf-8").splitlines()[:3]
    assert any(line.startswith("#") and f"npt-kg {__version__}, built 20" in line for line in head)


def test_dist_data_turtle_is_the_built_graph(dist, built):
    _assert_same_graph(_store_graph(built, (vocab.DATA_GRAPH,)), rdflib.Graph().parse(dist / "npt-kg.ttl"))


def test_dist_json_ld_holds_the_data_and_a_release_description(dist, built):
    g = rdflib.Graph().parse(dist / "npt-kg.jsonld", format="json-ld")
    release = rdflib.URIRef(vocab.DATA_GRAPH)
    assert str(g.value(release, rdflib.URIRef(vocab.DCTERMS_NS + "hasVersion"))) == f"npt-kg {__version__}"
    assert g.value(release, rdflib.URIRef(vocab.DCTERMS_NS + "created")) is not None
    g.remove((release, None, None))
    _assert_same_graph(_store_graph(built, (vocab.DATA_GRAPH,)), g)
    json.loads((dist / "npt-kg.jsonld").read_text(encoding="utf-8"))


def test_dist_honours_source_date_epoch(tmp_path, built, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_dist(tmp_path, built)
    assert "built 2023-11-14T22:13:20+00:00" in (tmp_path / "npt-kg.ttl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full(dist: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(dist / "npt-kg-full.owl", format="xml")


def test_protege_file_has_one_ontology_header_with_version_and_date_and_no_imports(full):
    headers = set(full.subjects(RDF.type, OWL.Ontology))
    assert headers == {rdflib.URIRef(FULL_ONTOLOGY_IRI)}
    assert __version__ in str(full.value(rdflib.URIRef(FULL_ONTOLOGY_IRI), OWL.versionInfo))
    assert not list(full.triples((None, OWL.imports, None)))


def test_protege_file_declares_every_individual_as_a_named_individual(full):
    npt_classes = {s for s in full.subjects(RDF.type, OWL.Class) if str(s).startswith(vocab.NPT_NS)}
    typed = {s for s, o in full.subject_objects(RDF.type) if o in npt_classes}
    assert typed
    assert {s for s in typed if (s, RDF.type, OWL.NamedIndividual) not in full} == set()


def test_protege_file_has_only_owl2_datatypes_and_dates_as_midnight_date_times(full, built):
    datatypes = {o.datatype for o in full.objects() if isinstance(o, rdflib.Literal) and o.datatype}
    assert XSD.date not in datatypes and XSD.gYearMonth not in datatypes
    data = rdflib.Graph().parse(built)
    start = next(data.objects(None, NPT.startDate))
    subject = next(data.subjects(NPT.startDate, start))
    assert full.value(subject, NPT.startDate) == rdflib.Literal(f"{start}T00:00:00", datatype=XSD.dateTime)


@needs_owlapi
def test_protege_file_loads_in_the_owl_api_without_errors_lost_triples_or_dl_violations(dist):
    report = owlcheck.check([dist / "npt-kg-full.owl"])
    assert report.problems() == []
    assert report.ok


# --- HermiT on ontology plus data, and the DL queries of docs/protege.md ------------------------

#: The three DL queries of docs/protege.md, as OWL classes (Manchester syntax in the comments).
DL_QUERIES = f"""
@prefix npt: <{vocab.NPT_NS}> .
@prefix owl: <{vocab.OWL_NS}> .
@prefix rdfs: <{vocab.RDFS_NS}> .
@prefix xsd: <{vocab.XSD_NS}> .
@prefix mt: <{vocab.MEASURE_TYPE_NS}> .
@prefix q: <http://example.org/query#> .

# State and submitted some (WorkingPaper and onBehalfOf some Coalition)
q:one a owl:Class ; owl:equivalentClass [ owl:intersectionOf ( npt:State [ a owl:Restriction ;
    owl:onProperty npt:submitted ; owl:someValuesFrom [ owl:intersectionOf ( npt:WorkingPaper [ a owl:Restriction ;
    owl:onProperty npt:onBehalfOf ; owl:someValuesFrom npt:Coalition ] ) ] ] ) ] .

# State and submitted some (proposes some (measureType value de-alerting))
q:two a owl:Class ; owl:equivalentClass [ owl:intersectionOf ( npt:State [ a owl:Restriction ;
    owl:onProperty npt:submitted ; owl:someValuesFrom [ a owl:Restriction ; owl:onProperty npt:proposes ;
    owl:someValuesFrom [ a owl:Restriction ; owl:onProperty npt:measureType ; owl:hasValue mt:de-alerting ] ] ] ) ] .

# Meeting and startDate some xsd:dateTime[>= "2024-01-01T00:00:00"^^xsd:dateTime]
q:three a owl:Class ; owl:equivalentClass [ owl:intersectionOf ( npt:Meeting [ a owl:Restriction ;
    owl:onProperty npt:startDate ; owl:someValuesFrom [ a rdfs:Datatype ; owl:onDatatype xsd:dateTime ;
    owl:withRestrictions ( [ xsd:minInclusive "2024-01-01T00:00:00"^^xsd:dateTime ] ) ] ] ) ] .
"""


@pytest.fixture(scope="module")
def hermit(full: rdflib.Graph) -> reasoning.ReasonerResult:
    if not reasoning.java_available():
        pytest.skip("java not found: HermiT needs a JVM")
    return reasoning.run_hermit([full, rdflib.Graph().parse(data=DL_QUERIES, format="turtle")])


def _instances(result: reasoning.ReasonerResult, name: str) -> set[str]:
    cls = result.world.search_one(iri=f"http://example.org/query#{name}")
    return {i.iri[len(vocab.ID_NS):] for i in cls.instances()}


@needs_java
def test_hermit_finds_ontology_schemes_and_seed_data_consistent(hermit):
    assert hermit.consistent, hermit.message
    assert hermit.unsatisfiable == []


@needs_java
def test_hermit_infers_which_papers_each_state_submitted_from_submitted_by(hermit, full):
    pairs = list(full.subject_objects(NPT.submittedBy))
    assert pairs and not list(full.triples((None, NPT.submitted, None)))  # nothing asserted: all inferred
    for paper, state in pairs:
        assert str(paper) in {p.iri for p in hermit.individual(str(state)).submitted}


@needs_java
def test_hermit_gives_a_measure_every_broader_type_of_its_asserted_type(hermit, full):
    chains = [(m, b) for m, t in full.subject_objects(NPT.measureType) for b in full.objects(t, SKOS.broader)
              if (m, NPT.measureType, b) not in full]
    assert chains, "the seed data should have measures typed below a broader measure type"
    for measure, broader in chains:
        assert str(broader) in {t.iri for t in hermit.individual(str(measure)).measureType}


@needs_java
def test_dl_queries_in_the_protege_guide_give_the_documented_answers(hermit):
    assert _instances(hermit, "one") == {"state/NZ"}
    assert _instances(hermit, "two") == {f"state/{c}" for c in
                                         ("AT", "CL", "CO", "CR", "EC", "KI", "LI", "MT", "MX", "SM", "TH", "NZ")}
    assert _instances(hermit, "three") == {"meeting/revcon-2026/prepcom-2"}
