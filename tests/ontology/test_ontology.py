"""The ontology (ontology/npt.ttl) is complete, bilingual, OWL 2 DL and consistent.

OWL 2 DL is checked with the Java OWL API (what Protégé reads files with) and
consistency with HermiT (the reasoner Protégé users pick), both for real.
"""

from __future__ import annotations

import pytest
import rdflib

from kg import resources, vocab
from kg.commands import owlcheck
from kg.commands import reason as reasoning

NPT = rdflib.Namespace(vocab.NPT_NS)
RDF = rdflib.Namespace(vocab.RDF_NS)
RDFS = rdflib.Namespace(vocab.RDFS_NS)
OWL = rdflib.Namespace(vocab.OWL_NS)
XSD = rdflib.Namespace(vocab.XSD_NS)
SKOS = rdflib.Namespace(vocab.SKOS_NS)
DCTERMS = rdflib.Namespace(vocab.DCTERMS_NS)
PROV = rdflib.Namespace(vocab.PROV_NS)
ORG = rdflib.Namespace(vocab.ORG_NS)
ONTOLOGY = rdflib.URIRef(vocab.ONTOLOGY_IRI)

#: Datatypes of the OWL 2 datatype map (plus rdfs:Literal) that ranges may use.
OWL2_DATATYPES = {
    RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, OWL.real, OWL.rational,
    *(XSD[n] for n in (
        "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "double", "float", "boolean", "hexBinary",
        "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
    )),
}
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
DECLARATION_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Datatype)

needs_owlapi = pytest.mark.skipif(
    owlcheck.missing_requirements() is not None,
    reason=f"OWL API check unavailable: {owlcheck.missing_requirements()}",
)
needs_java = pytest.mark.skipif(not reasoning.java_available(), reason="java not found: HermiT needs a JVM")


@pytest.fixture(scope="module")
def ont() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ONTOLOGY_FILE, format="turtle")


def _npt_terms(ont: rdflib.Graph, kind: rdflib.URIRef) -> set[str]:
    return {str(s)[len(vocab.NPT_NS):] for s in ont.subjects(RDF.type, kind) if str(s).startswith(vocab.NPT_NS)}


def _kinds(ont: rdflib.Graph, term: rdflib.URIRef) -> set[rdflib.URIRef]:
    return {k for k in ont.objects(term, RDF.type) if k in DECLARATION_KINDS}


# --- content -----------------------------------------------------------------------------


def test_header_has_version_title_description_license_and_creator(ont):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ont
    version = ont.value(ONTOLOGY, OWL.versionIRI)
    assert version is not None and str(version).startswith(vocab.ONTOLOGY_IRI + "/")
    for prop in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ont.objects(ONTOLOGY, prop)}
        assert {"en", "zh"} <= langs, prop
    assert ont.value(ONTOLOGY, DCTERMS.license) is not None
    assert ont.value(ONTOLOGY, DCTERMS.creator) is not None


def test_the_vocabulary_module_reads_exactly_the_terms_the_ontology_declares(ont):
    declared = vocab.declared_terms()
    assert _npt_terms(ont, OWL.Class) == set(declared["classes"])
    assert _npt_terms(ont, OWL.ObjectProperty) == set(declared["object_properties"])
    assert _npt_terms(ont, OWL.DatatypeProperty) == set(declared["data_properties"])
    assert _npt_terms(ont, OWL.AnnotationProperty) == set(declared["annotation_properties"])
    assert len(declared["classes"]) > 20 and len(declared["object_properties"]) > 20


def test_a_term_the_ontology_does_not_declare_fails_with_its_name():
    with pytest.raises(AttributeError, match="notDeclaredAnywhere"):
        vocab.NPT.notDeclaredAnywhere  # noqa: B018
    assert str(vocab.NPT.Measure) == f"<{vocab.NPT_NS}Measure>"


def test_every_term_has_english_and_chinese_labels_and_an_english_definition(ont):
    missing = []
    for name in vocab.NPT.terms:
        term = NPT[name]
        labels = {o.language for o in ont.objects(term, RDFS.label)}
        definitions = {o.language for o in ont.objects(term, SKOS.definition)}
        if not {"en", "zh"} <= labels or "en" not in definitions:
            missing.append(name)
    assert missing == []


def test_every_property_has_a_domain_and_a_range(ont):
    props = vocab.declared_terms()["object_properties"] + vocab.declared_terms()["data_properties"]
    missing = [p for p in props if ont.value(NPT[p], RDFS.domain) is None or ont.value(NPT[p], RDFS.range) is None]
    assert missing == []


@pytest.mark.parametrize("prop, inverse", [
    ("submittedBy", "submitted"), ("hasMember", "memberOf"), ("proposes", "proposedIn"),
    ("identifies", "identifiedIn"), ("hasItem", "itemOf"), ("hasFootnote", "markedIn"),
])
def test_inverse_properties_are_declared(ont, prop, inverse):
    assert (NPT[prop], OWL.inverseOf, NPT[inverse]) in ont or (NPT[inverse], OWL.inverseOf, NPT[prop]) in ont


@pytest.mark.parametrize("sub, sup, relation", [
    (NPT.Coalition, ORG.Organization, RDFS.subClassOf),
    (NPT.Organization, ORG.Organization, RDFS.subClassOf),
    (NPT.Actor, PROV.Agent, RDFS.subClassOf),
    (NPT.Document, PROV.Entity, RDFS.subClassOf),
    (NPT.TextUnit, PROV.Entity, RDFS.subClassOf),
    (NPT.MeasureType, SKOS.Concept, RDFS.subClassOf),
    (NPT.RiskType, SKOS.Concept, RDFS.subClassOf),
    (NPT.hasMember, ORG.hasMember, RDFS.subPropertyOf),
    (NPT.memberOf, ORG.memberOf, RDFS.subPropertyOf),
    (NPT.advisesAgainst, NPT.identifies, RDFS.subPropertyOf),
])
def test_reused_vocabularies_are_aligned(ont, sub, sup, relation):
    assert (sub, relation, sup) in ont


@pytest.mark.parametrize("term, kind", [
    (SKOS.Concept, OWL.Class), (SKOS.ConceptScheme, OWL.Class),
    (SKOS.inScheme, OWL.ObjectProperty), (SKOS.broader, OWL.ObjectProperty),
    (SKOS.hasTopConcept, OWL.ObjectProperty), (SKOS.topConceptOf, OWL.ObjectProperty),
    (SKOS.prefLabel, OWL.AnnotationProperty), (SKOS.altLabel, OWL.AnnotationProperty),
    (SKOS.hiddenLabel, OWL.AnnotationProperty), (SKOS.definition, OWL.AnnotationProperty),
    (SKOS.scopeNote, OWL.AnnotationProperty), (SKOS.notation, OWL.AnnotationProperty),
    (PROV.Entity, OWL.Class), (PROV.Agent, OWL.Class), (PROV.wasDerivedFrom, OWL.ObjectProperty),
    (ORG.Organization, OWL.Class), (ORG.hasMember, OWL.ObjectProperty), (ORG.memberOf, OWL.ObjectProperty),
    (DCTERMS.title, OWL.AnnotationProperty), (DCTERMS.description, OWL.AnnotationProperty),
    (DCTERMS.license, OWL.AnnotationProperty), (DCTERMS.creator, OWL.AnnotationProperty),
])
def test_reused_terms_are_declared_with_the_kind_owl_2_dl_needs(ont, term, kind):
    assert _kinds(ont, term) == {kind}


def test_no_iri_is_declared_with_two_kinds(ont):
    subjects = {s for k in DECLARATION_KINDS for s in ont.subjects(RDF.type, k)}
    punned = {str(s) for s in subjects if len(_kinds(ont, s)) > 1}
    assert punned == set()


def test_every_predicate_and_class_used_is_declared(ont):
    declared = {s for k in DECLARATION_KINDS for s in ont.subjects(RDF.type, k)}

    def external(term):
        return isinstance(term, rdflib.URIRef) and not str(term).startswith(BUILTIN_NAMESPACES)

    undeclared = {str(p) for p in ont.predicates() if external(p) and p not in declared}
    for prop in (RDF.type, RDFS.subClassOf, RDFS.domain):
        undeclared |= {str(o) for o in ont.objects(None, prop) if external(o) and o not in declared}
    undeclared |= {str(o) for s, o in ont.subject_objects(RDFS.range) if external(o) and o not in declared}
    assert undeclared == set()


def test_literal_ranges_stay_in_the_owl2_datatype_map(ont):
    ranges = {ont.value(NPT[p], RDFS.range) for p in vocab.declared_terms()["data_properties"]}
    assert ranges <= OWL2_DATATYPES
    assert RDF.langString not in ranges


def test_treaties_and_other_individuals_are_data_not_ontology(ont):
    typed = {s for s, o in ont.subject_objects(RDF.type) if str(o).startswith(vocab.NPT_NS)}
    assert typed == set()
    assert not list(ont.subjects(RDF.type, OWL.NamedIndividual))


def test_scheme_files_import_the_ontology_under_their_own_ontology_iri():
    for path, name in ((resources.MEASURE_SCHEME_FILE, "measure-types"), (resources.RISK_SCHEME_FILE, "risk-types")):
        g = rdflib.Graph().parse(path, format="turtle")
        header = rdflib.URIRef(f"{vocab.ONTOLOGY_IRI}/{name}")
        assert (header, RDF.type, OWL.Ontology) in g, path
        assert (header, OWL.imports, ONTOLOGY) in g, path


# --- OWL API: what Protégé reads ------------------------------------------------------------


@needs_owlapi
def test_owl_api_reads_the_ontology_without_errors_lost_triples_or_dl_violations():
    report = owlcheck.check([resources.ONTOLOGY_FILE])
    assert report.problems() == []
    assert report.ok


@needs_owlapi
def test_owl_api_reads_the_ontology_with_both_schemes_in_one_manager_cleanly():
    report = owlcheck.check(list(resources.ONTOLOGY_FILES))
    assert report.problems() == []
    assert len(report.loaded) == 3


@needs_owlapi
def test_owl_api_check_fails_on_undeclared_property_literal_on_object_property_and_punning(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(f"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix npt: <{vocab.NPT_NS}> .
        @prefix ex: <http://example.org/> .
        <http://example.org/broken> a owl:Ontology ; owl:imports <{vocab.ONTOLOGY_IRI}> .
        ex:both a owl:ObjectProperty , owl:DatatypeProperty .
        ex:a a owl:NamedIndividual ; ex:both ex:b ; ex:undeclared ex:c ; npt:submittedTo "a literal" .
    """, encoding="utf-8")
    report = owlcheck.check([resources.ONTOLOGY_FILE, broken])
    assert not report.ok
    text = "\n".join(report.violations)
    assert "http://example.org/undeclared" in text
    assert "IllegalPunning" in text and "http://example.org/both" in text
    assert "submittedTo" in text


@needs_owlapi
def test_owl_api_check_reports_triples_the_owl_api_could_not_read(tmp_path):
    lossy = tmp_path / "lossy.ttl"
    lossy.write_text("""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <http://example.org/lossy> a owl:Ontology .
        [] a owl:AllDisjointClasses .
    """, encoding="utf-8")
    report = owlcheck.check([lossy])
    assert any("AllDisjointClasses" in u for u in report.unparsed)
    assert not report.ok


@needs_owlapi
def test_owl_api_check_reports_a_file_it_cannot_parse(tmp_path):
    broken = tmp_path / "truncated.owl"
    broken.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                      '<rdf:Description rdf:about="http://example.org/a"><unclosed>\n', encoding="utf-8")
    report = owlcheck.check([broken])
    assert report.parse_errors and not report.ok


# --- HermiT --------------------------------------------------------------------------------


@needs_java
def test_hermit_finds_ontology_and_schemes_consistent_with_no_unsatisfiable_class():
    result = reasoning.run_hermit(resources.ONTOLOGY_FILES)
    assert result.consistent, result.message
    assert result.unsatisfiable == []


@needs_java
def test_hermit_shows_the_disjoint_classes_of_the_data_model_share_no_member():
    pairs = [("Measure", "Risk"), ("Measure", "RiskyAction"), ("Section", "Paragraph"), ("Item", "Footnote"),
             ("Paragraph", "Item"), ("NuclearWeaponState", "NonNuclearWeaponState"),
             ("NonPartyState", "NuclearWeaponState"), ("ReviewConference", "PrepComSession"),
             ("MeasureType", "RiskType"), ("Document", "TextUnit"), ("State", "Coalition")]
    probe = rdflib.Graph()
    for a, b in pairs:
        both = rdflib.URIRef(f"http://example.org/probe#{a}And{b}")
        probe.add((both, RDF.type, OWL.Class))
        probe.add((both, RDFS.subClassOf, NPT[a]))
        probe.add((both, RDFS.subClassOf, NPT[b]))
    result = reasoning.run_hermit([*resources.ONTOLOGY_FILES, probe])
    assert result.consistent
    assert sorted(result.unsatisfiable) == sorted(f"http://example.org/probe#{a}And{b}" for a, b in pairs)


@needs_java
def test_hermit_types_a_measure_with_every_broader_type_but_not_the_risks_its_types_mitigate():
    ex = rdflib.Namespace("http://example.org/probe#")
    probe = rdflib.Graph()
    probe.add((ex.narrow, RDF.type, NPT.MeasureType))
    probe.add((ex.broad, RDF.type, NPT.MeasureType))
    probe.add((ex.narrow, SKOS.broader, ex.broad))
    probe.add((ex.risk, RDF.type, NPT.RiskType))
    probe.add((ex.broad, NPT.mitigates, ex.risk))
    probe.add((ex.m, RDF.type, NPT.Measure))
    probe.add((ex.m, NPT.measureType, ex.narrow))
    for s in (ex.narrow, ex.broad, ex.risk, ex.m):
        probe.add((s, RDF.type, OWL.NamedIndividual))
    result = reasoning.run_hermit([resources.ONTOLOGY_FILE, probe])
    assert result.consistent
    measure = result.individual(str(ex.m))
    assert {t.iri for t in measure.measureType} == {str(ex.narrow), str(ex.broad)}
    # what a type is meant to mitigate documents the scheme; a measure mitigates what its text names
    assert {r.iri for r in measure.mitigates} == set()


@needs_java
def test_hermit_rejects_data_that_contradicts_the_ontology():
    ex = rdflib.Namespace("http://example.org/probe#")
    probe = rdflib.Graph()
    probe.add((ex.x, RDF.type, NPT.Measure))
    probe.add((ex.x, RDF.type, NPT.RiskyAction))
    result = reasoning.run_hermit([resources.ONTOLOGY_FILE, probe])
    assert not result.consistent


# --- documentation ---------------------------------------------------------------------------


def test_docs_render_the_ontology_and_schemes_as_html_with_class_labels(tmp_path):
    from kg.commands import docs

    pages = docs.build_docs(tmp_path)
    assert {p.name for p in pages} == {"index.html", "measure-types.html", "risk-types.html"}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for label in ("working paper", "Preparatory Committee session", "risky action", "submitted by"):
        assert label in index
    assert "工作文件" in index
