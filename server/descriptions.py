"""The endpoint describing itself: SPARQL 1.1 Service Description and a VoID dataset description.

Both are small graphs built as pyoxigraph triples and written by pyoxigraph, with the
counts read from the store once (the graph does not change while serving).
"""

from __future__ import annotations

from flask import request, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple, serialize

from kg import vocab
from kg.store import select_rows
from server.db import get_state

_RESULT_FORMATS = (QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.CSV, QueryResultsFormat.TSV)
_RDF_FORMATS = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML, RdfFormat.JSON_LD)
_DESCRIPTION_PREFIXES = {
    "sd": vocab.SD_NS,
    "void": vocab.VOID_NS,
    "dcterms": vocab.DCTERMS_NS,
    "rdfs": vocab.RDFS_NS,
    "xsd": vocab.XSD_NS,
}
_TITLE_EN = "Knowledge graph of the NPT review process"
_TITLE_ZH = "《不扩散核武器条约》审议进程知识图谱"
_DESCRIPTION_EN = (
    "Working papers submitted to NPT Review Conferences and their Preparatory Committees: who submitted them, "
    "the measures they propose, the risks they identify and the treaties and documents they cite, each fact "
    "linked to the paragraph it was read from."
)

RDF_TYPE = vocab.RDF.type


def format_iri(fmt: QueryResultsFormat | RdfFormat) -> NamedNode:
    """The W3C formats IRI (http://www.w3.org/ns/formats/…) of a serialization.

    pyoxigraph names JSON-LD with a `data/` IRI that is not in that namespace; the
    registry's name is `JSON-LD`, next to `Turtle` and the others.
    """
    if fmt is RdfFormat.JSON_LD:
        return NamedNode(RdfFormat.TURTLE.iri.rsplit("/", 1)[0] + "/JSON-LD")
    return NamedNode(fmt.iri)


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=vocab.XSD.integer)


def counts() -> dict[str, int]:
    """Triples in the whole store and in each named graph."""
    st = get_state()

    def compute() -> dict[str, int]:
        rows = select_rows(
            st.store,
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            timeout=max(st.config.timeout, 60.0),
        )
        per_graph = {row["g"].value: int(row["n"].value) for row in rows if "g" in row}  # type: ignore[attr-defined]
        return {"": st.store.triple_count(), **per_graph}

    return st.cached("counts", compute)


def endpoint_iri() -> str:
    return request.url_root.rstrip("/") + url_for("sparql.endpoint")


def _write(triples: list[Triple], fmt: RdfFormat) -> bytes:
    prefixes = _DESCRIPTION_PREFIXES if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
    return serialize(triples, format=fmt, prefixes=prefixes)


def service_description(fmt: RdfFormat) -> bytes:
    """sd:Service for this endpoint: languages, result formats, the default dataset and its graphs."""
    SD, VOID = vocab.SD, vocab.VOID
    endpoint = NamedNode(endpoint_iri())
    service = NamedNode(endpoint.value + "#service")
    dataset = NamedNode(endpoint.value + "#dataset")
    default_graph = BlankNode()
    n = counts()
    triples = [
        Triple(service, RDF_TYPE, SD.Service),
        Triple(service, SD.endpoint, endpoint),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, vocab.DCTERMS.title, Literal(_TITLE_EN, language="en")),
        Triple(service, vocab.DCTERMS.title, Literal(_TITLE_ZH, language="zh")),
        *(Triple(service, SD.resultFormat, format_iri(f)) for f in (*_RESULT_FORMATS, *_RDF_FORMATS)),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF_TYPE, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default_graph),
        Triple(default_graph, RDF_TYPE, SD.Graph),
        Triple(default_graph, VOID.triples, _integer(n[""])),
    ]
    for name, title in ((vocab.ONTOLOGY_GRAPH, "The ontology and its SKOS schemes"),
                        (vocab.DATA_GRAPH, "The working papers")):
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, SD.namedGraph, named),
            Triple(named, RDF_TYPE, SD.NamedGraph),
            Triple(named, SD.name, NamedNode(name)),
            Triple(named, SD.graph, graph),
            Triple(graph, RDF_TYPE, SD.Graph),
            Triple(graph, vocab.DCTERMS.title, Literal(title, language="en")),
            Triple(graph, VOID.triples, _integer(n.get(name, 0))),
        ]
    return _write(triples, fmt)


#: Vocabularies the data and the ontology are written in.
VOCABULARIES = (vocab.NPT_NS, vocab.SKOS_NS, vocab.PROV_NS, vocab.DCTERMS_NS, vocab.ORG_NS, vocab.RDFS_NS,
                vocab.OWL_NS)


def void_description(fmt: RdfFormat) -> bytes:
    """void:Dataset: size, SPARQL endpoint, dump, URI space, vocabularies, and the two graphs as subsets."""
    VOID = vocab.VOID
    root = request.url_root.rstrip("/")
    dataset = NamedNode(root + url_for("pages.void") + "#dataset")
    n = counts()
    triples = [
        Triple(dataset, RDF_TYPE, VOID.Dataset),
        Triple(dataset, vocab.DCTERMS.title, Literal(_TITLE_EN, language="en")),
        Triple(dataset, vocab.DCTERMS.title, Literal(_TITLE_ZH, language="zh")),
        Triple(dataset, vocab.DCTERMS.description, Literal(_DESCRIPTION_EN, language="en")),
        Triple(dataset, VOID.triples, _integer(n[""])),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(endpoint_iri())),
        Triple(dataset, VOID.dataDump, NamedNode(root + url_for("pages.data"))),
        Triple(dataset, VOID.uriSpace, Literal(vocab.ID_NS)),
        Triple(dataset, VOID.rootResource, NamedNode(vocab.ONTOLOGY_IRI)),
        *(Triple(dataset, VOID.vocabulary, NamedNode(ns)) for ns in VOCABULARIES),
    ]
    for name, title in ((vocab.ONTOLOGY_GRAPH, "The ontology and its SKOS schemes"),
                        (vocab.DATA_GRAPH, "The working papers")):
        subset = NamedNode(dataset.value.removesuffix("#dataset") + "#graph-" + name.rstrip("/").rsplit("/", 1)[-1])
        triples += [
            Triple(dataset, VOID.subset, subset),
            Triple(subset, RDF_TYPE, VOID.Dataset),
            Triple(subset, vocab.DCTERMS.title, Literal(title, language="en")),
            Triple(subset, vocab.SD.name, NamedNode(name)),
            Triple(subset, VOID.triples, _integer(n.get(name, 0))),
            Triple(subset, VOID.dataDump, NamedNode(root + url_for("pages.data", graph=name))),
        ]
    return _write(triples, fmt)
