"""The vocabulary in one place: namespaces, graph names, and the `npt:` terms read from the ontology.

The `npt:` terms are not typed here a second time: they are read from `ontology/npt.ttl`
(every owl:Class, owl:ObjectProperty, owl:DatatypeProperty and owl:AnnotationProperty in
the `npt:` namespace), so using a term the ontology does not declare fails at once, with
an AttributeError naming the term.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from pyoxigraph import NamedNode, RdfFormat, parse

from kg import resources

ONTOLOGY_IRI = "https://w3id.org/npt-kg/ontology"
NPT_NS = ONTOLOGY_IRI + "#"
ID_NS = "https://w3id.org/npt-kg/id/"
MEASURE_TYPE_NS = ID_NS + "measure-type/"
RISK_TYPE_NS = ID_NS + "risk-type/"
MEASURE_SCHEME_IRI = ID_NS + "scheme/measure-types"
RISK_SCHEME_IRI = ID_NS + "scheme/risk-types"

#: Named graphs in the store; the default graph is queried as their union.
ONTOLOGY_GRAPH = ONTOLOGY_IRI
DATA_GRAPH = ID_NS + "graph/papers"
#: Triples computed from the data graph when the store is loaded (kg.build.derived).
DERIVED_GRAPH = ID_NS + "graph/derived"

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
PROV_NS = "http://www.w3.org/ns/prov#"
DCTERMS_NS = "http://purl.org/dc/terms/"
ORG_NS = "http://www.w3.org/ns/org#"
SH_NS = "http://www.w3.org/ns/shacl#"
#: Vocabularies the server describes itself with (VoID dataset, SPARQL service description).
VOID_NS = "http://rdfs.org/ns/void#"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"

PREFIXES: dict[str, str] = {
    "npt": NPT_NS,
    "id": ID_NS,
    "mt": MEASURE_TYPE_NS,
    "rt": RISK_TYPE_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "owl": OWL_NS,
    "xsd": XSD_NS,
    "skos": SKOS_NS,
    "prov": PROV_NS,
    "dcterms": DCTERMS_NS,
    "org": ORG_NS,
}


class _Namespace:
    """Attribute access to terms of one namespace, as pyoxigraph NamedNodes."""

    def __init__(self, base: str, terms: Callable[[], tuple[str, ...]] | None = None) -> None:
        self._base = base
        self._known = terms  # called on first use, so importing vocab reads no file
        self._terms: frozenset[str] | None = None

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._known is not None:
            if self._terms is None:
                self._terms = frozenset(self._known())
            if name not in self._terms:
                raise AttributeError(f"{name!r} is not a term of {self._base} (not declared in the ontology)")
        return NamedNode(self._base + name)

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    @property
    def base(self) -> str:
        return self._base

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(sorted(self._known())) if self._known is not None else ()


_OWL_KINDS = {
    "Class": "classes",
    "ObjectProperty": "object_properties",
    "DatatypeProperty": "data_properties",
    "AnnotationProperty": "annotation_properties",
}


@cache
def declared_terms() -> dict[str, tuple[str, ...]]:
    """The `npt:` terms `ontology/npt.ttl` declares, by kind (classes, object_properties, ...)."""
    found: dict[str, set[str]] = {kind: set() for kind in _OWL_KINDS.values()}
    with resources.ONTOLOGY_FILE.open("rb") as f:
        for t in parse(f, RdfFormat.TURTLE):
            if t.predicate.value != RDF_NS + "type" or not t.subject.value.startswith(NPT_NS):
                continue
            kind = _OWL_KINDS.get(t.object.value.removeprefix(OWL_NS))
            if kind and t.object.value.startswith(OWL_NS):
                found[kind].add(t.subject.value[len(NPT_NS):])
    return {kind: tuple(sorted(names)) for kind, names in found.items()}


def npt_terms() -> tuple[str, ...]:
    """Every declared `npt:` term name."""
    return tuple(name for names in declared_terms().values() for name in names)


NPT = _Namespace(NPT_NS, npt_terms)
ID = _Namespace(ID_NS)
MT = _Namespace(MEASURE_TYPE_NS)
RT = _Namespace(RISK_TYPE_NS)
RDF = _Namespace(RDF_NS)
RDFS = _Namespace(RDFS_NS)
OWL = _Namespace(OWL_NS)
XSD = _Namespace(XSD_NS)
SKOS = _Namespace(SKOS_NS)
PROV = _Namespace(PROV_NS)
DCTERMS = _Namespace(DCTERMS_NS)
ORG = _Namespace(ORG_NS)
VOID = _Namespace(VOID_NS)
SD = _Namespace(SD_NS)


def slug(text: str) -> str:
    """A readable, stable IRI path segment: keeps letters, digits, '.', '-' and '_'."""
    text = text.strip().replace("/", "-")
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.ASCII)
    return re.sub(r"-{2,}", "-", text).strip("-") or "x"


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for canned queries and tests."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
