"""Every npt: term the code, the queries and the shapes use is declared in the ontology.

The used terms are read from the sources themselves (Python under kg/ and server/,
queries/*.rq, ontology/shapes.ttl), so new code is covered without editing this file.
The two SKOS schemes are checked for the labels the builder and the UI rely on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from conftest import REPO

from kg import resources, vocab

NPT_NS = vocab.NPT_NS
RDF = rdflib.Namespace(vocab.RDF_NS)
OWL = rdflib.Namespace(vocab.OWL_NS)
SKOS = rdflib.Namespace(vocab.SKOS_NS)
NPT = rdflib.Namespace(NPT_NS)

#: `NPT.term`, `NPT["term"]`, `NPT['term']` in Python.
_PY_ATTR = re.compile(r"\bNPT(?:\.([A-Za-z_]\w*)|\[\s*[\"']([A-Za-z_]\w*)[\"']\s*\])")
#: `npt:term` in SPARQL or Turtle text (also inside Python strings).
_PREFIXED = re.compile(r"(?<![\w/#])npt:([A-Za-z_][\w-]*)")
#: the full IRI of a term.
_FULL = re.compile(re.escape(NPT_NS) + r"([A-Za-z_][\w-]*)")
#: attributes of vocab's namespace helper that are not terms
_HELPER_ATTRS = {"base", "terms"}


def _declared() -> set[str]:
    g = rdflib.Graph().parse(resources.ONTOLOGY_FILE, format="turtle")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {str(s)[len(NPT_NS):] for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(NPT_NS)}


def _sources() -> list[Path]:
    files = [*REPO.joinpath("kg").rglob("*.py"), *REPO.joinpath("server").rglob("*.py")]
    files += sorted(REPO.joinpath("queries").glob("*.rq"))
    return sorted(f for f in files if f.is_file())


def _terms_in_text(text: str, *, python: bool) -> set[str]:
    found = {m.group(1) for m in _PREFIXED.finditer(text)} | {m.group(1) for m in _FULL.finditer(text)}
    if python:
        found |= {(m.group(1) or m.group(2)) for m in _PY_ATTR.finditer(text)} - _HELPER_ATTRS
    return found


def _used_terms() -> dict[str, set[str]]:
    """term -> files that use it."""
    used: dict[str, set[str]] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for term in _terms_in_text(text, python=path.suffix == ".py"):
            used.setdefault(term, set()).add(str(path.relative_to(REPO)))
    shapes = rdflib.Graph().parse(resources.SHAPES_FILE, format="turtle")
    shape_text = resources.SHAPES_FILE.read_text(encoding="utf-8")
    in_shapes = {str(t)[len(NPT_NS):] for triple in shapes for t in triple
                 if isinstance(t, rdflib.URIRef) and str(t).startswith(NPT_NS)}
    for term in in_shapes | _terms_in_text(shape_text, python=False):
        used.setdefault(term, set()).add("ontology/shapes.ttl")
    for path in (resources.MEASURE_SCHEME_FILE, resources.RISK_SCHEME_FILE):
        g = rdflib.Graph().parse(path, format="turtle")
        for term in {str(t)[len(NPT_NS):] for triple in g for t in triple
                     if isinstance(t, rdflib.URIRef) and str(t).startswith(NPT_NS)}:
            used.setdefault(term, set()).add(str(path.relative_to(REPO)))
    return used


def test_the_scanner_finds_terms_in_each_kind_of_source():
    py = 'x = NPT.submittedBy; y = vocab.NPT["hasMember"]; q = "SELECT ?s WHERE { ?s npt:proposes ?m }"'
    assert _terms_in_text(py, python=True) == {"submittedBy", "hasMember", "proposes"}
    rq = f"SELECT * WHERE {{ ?p npt:submittedTo ?m ; <{NPT_NS}onBehalfOf> ?c }}"
    assert _terms_in_text(rq, python=False) == {"submittedTo", "onBehalfOf"}
    assert _terms_in_text("https://example.org/npt:notaterm", python=False) == set()


def test_every_npt_term_used_by_code_queries_shapes_and_schemes_is_declared_in_the_ontology():
    declared = _declared()
    undeclared = {term: sorted(files) for term, files in _used_terms().items() if term not in declared}
    assert undeclared == {}


def test_data_model_document_names_every_term():
    text = REPO.joinpath("docs", "data-model.md").read_text(encoding="utf-8")
    named = set(re.findall(r"npt:([A-Za-z_]\w*)", text))
    assert set(vocab.NPT.terms) - named == set()


# --- the two concept schemes ---------------------------------------------------------------

SCHEMES = [
    (resources.MEASURE_SCHEME_FILE, vocab.MEASURE_SCHEME_IRI, NPT.MeasureType, vocab.MEASURE_TYPE_NS),
    (resources.RISK_SCHEME_FILE, vocab.RISK_SCHEME_IRI, NPT.RiskType, vocab.RISK_TYPE_NS),
]


def _concepts(g: rdflib.Graph, cls: rdflib.URIRef) -> set[rdflib.URIRef]:
    return set(g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(RDF.type, cls))


@pytest.mark.parametrize("path, scheme, cls, namespace", SCHEMES, ids=["measure-types", "risk-types"])
def test_scheme_concepts_have_bilingual_preferred_labels_and_a_definition(path, scheme, cls, namespace):
    g = rdflib.Graph().parse(path, format="turtle")
    concepts = _concepts(g, cls)
    assert concepts, f"{path.name} defines no concepts"
    problems = []
    for c in sorted(concepts):
        pref = {o.language for o in g.objects(c, SKOS.prefLabel)}
        definition = {o.language for o in g.objects(c, SKOS.definition)}
        if not {"en", "zh"} <= pref:
            problems.append(f"{c}: skos:prefLabel @en and @zh")
        if "en" not in definition:
            problems.append(f"{c}: skos:definition @en")
    assert problems == []


@pytest.mark.parametrize("path, scheme, cls, namespace", SCHEMES, ids=["measure-types", "risk-types"])
def test_scheme_concepts_are_named_individuals_of_their_class_in_their_scheme(path, scheme, cls, namespace):
    g = rdflib.Graph().parse(path, format="turtle")
    scheme_iri = rdflib.URIRef(scheme)
    assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in g
    problems = []
    for c in sorted(_concepts(g, cls)):
        types = set(g.objects(c, RDF.type))
        if not {OWL.NamedIndividual, SKOS.Concept, cls} <= types:
            problems.append(f"{c}: typed {sorted(map(str, types))}")
        if (c, SKOS.inScheme, scheme_iri) not in g:
            problems.append(f"{c}: not skos:inScheme {scheme}")
        if not str(c).startswith(namespace):
            problems.append(f"{c}: outside {namespace}")
    assert problems == []
