"""The vocabulary in one place.

Every IRI the builder, the store, the server and the tests use comes from here, so
that a renamed term breaks loudly in one module instead of silently in many.
`tests/test_vocabulary.py` checks that each `npt:` term named here is declared in
`ontology/npt.ttl`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pyoxigraph import NamedNode

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "npt.ttl"
MEASURE_SCHEME_FILE = ONTOLOGY_DIR / "measure-types.ttl"
RISK_SCHEME_FILE = ONTOLOGY_DIR / "risk-types.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
#: Files that together make the ontology (TBox plus the two SKOS schemes).
ONTOLOGY_FILES = (ONTOLOGY_FILE, MEASURE_SCHEME_FILE, RISK_SCHEME_FILE)

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

    def __init__(self, base: str, terms: tuple[str, ...] | None = None) -> None:
        self._base = base
        self._terms = terms

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._terms is not None and name not in self._terms:
            raise AttributeError(f"{name!r} is not a term of {self._base}")
        return NamedNode(self._base + name)

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    @property
    def base(self) -> str:
        return self._base

    @property
    def terms(self) -> tuple[str, ...]:
        return self._terms or ()


#: Classes of the npt: ontology.
NPT_CLASSES: tuple[str, ...] = (
    # documents and their structure
    "Document", "WorkingPaper", "UNDocument", "Statement",
    "TextUnit", "Section", "Paragraph", "Item", "Footnote",
    # meetings
    "Meeting", "ReviewConference", "PrepComSession",
    # actors
    "Actor", "State", "NuclearWeaponState", "NonNuclearWeaponState", "NonPartyState",
    "Coalition", "Organization",
    # substance
    "Measure", "Risk", "RiskyAction", "MeasureType", "RiskType",
    # treaties
    "Treaty", "ProposedTreaty", "TreatyArticle",
)

#: Object properties of the npt: ontology.
NPT_OBJECT_PROPERTIES: tuple[str, ...] = (
    "submittedBy", "submitted", "onBehalfOf", "submittedTo",
    "hasMember", "memberOf",
    "proposes", "proposedIn", "identifies", "identifiedIn", "advisesAgainst",
    "addressedTo", "mentions", "cites", "refersToTreaty",
    "measureType", "riskType", "mitigates",
    "inDocument", "hasSection", "inSection", "hasParagraph", "hasItem", "itemOf",
    "hasFootnote", "markedIn",
    "issuedBy", "articleOf", "forReviewConference",
)

#: Datatype properties of the npt: ontology.
NPT_DATA_PROPERTIES: tuple[str, ...] = (
    "symbol", "issueDate", "originalLanguage", "language",
    "sourceFile", "sha256", "parseWarning",
    "cycleYear", "sessionNumber", "city", "startDate", "endDate", "cycleInferred",
    "isoCode", "abbreviation",
    "number", "label", "itemPath", "order", "text", "heading", "footnoteMark",
    "quote", "url", "statementDate",
)

#: Annotation properties of the npt: ontology (the builder's lexicon lives in SKOS labels).
NPT_ANNOTATION_PROPERTIES: tuple[str, ...] = ()

NPT = _Namespace(
    NPT_NS,
    NPT_CLASSES + NPT_OBJECT_PROPERTIES + NPT_DATA_PROPERTIES + NPT_ANNOTATION_PROPERTIES,
)
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
