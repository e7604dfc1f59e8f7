"""Content negotiation: which serialization a client gets, from Accept (with q-values) or `format`.

Media types are the ones SPARQL clients send (Fuseki, Oxigraph server and
rdflib-endpoint accept the same); `format=` short names override Accept, as in
those servers. Quality and specificity ranking is Werkzeug's `MIMEAccept`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.store import Formats, ResultFormat

HTML = "text/html"


@dataclass(frozen=True)
class Offer:
    """A media type a client may name, and the serialization it gets for it."""

    media_type: str
    format: ResultFormat | str  # a pyoxigraph format, or HTML


# Order matters: on equal quality the first offer wins (so */* gets the first).
RESULT_OFFERS: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", QueryResultsFormat.JSON),
    Offer("application/sparql-results+xml", QueryResultsFormat.XML),
    Offer("text/csv", QueryResultsFormat.CSV),
    Offer("text/tab-separated-values", QueryResultsFormat.TSV),
    # generic aliases last, so that wildcards (text/*, */*) pick a canonical type
    Offer("application/json", QueryResultsFormat.JSON),
    Offer("application/xml", QueryResultsFormat.XML),
    Offer("text/xml", QueryResultsFormat.XML),
)
GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("text/turtle", RdfFormat.TURTLE),
    Offer("application/n-triples", RdfFormat.N_TRIPLES),
    Offer("application/rdf+xml", RdfFormat.RDF_XML),
    Offer("application/ld+json", RdfFormat.JSON_LD),
    Offer("application/x-turtle", RdfFormat.TURTLE),
    Offer("text/plain", RdfFormat.N_TRIPLES),
    Offer("application/xml", RdfFormat.RDF_XML),
    Offer("text/xml", RdfFormat.RDF_XML),
    Offer("application/json", RdfFormat.JSON_LD),
)
DATASET_OFFERS: tuple[Offer, ...] = (
    *GRAPH_OFFERS,
    Offer("application/n-quads", RdfFormat.N_QUADS),
    Offer("application/trig", RdfFormat.TRIG),
)
HTML_OFFERS: tuple[Offer, ...] = (Offer(HTML, HTML), Offer("application/xhtml+xml", HTML))

#: `format=` short names (also accepted: a media type from the tables above).
SHORT_NAMES: dict[str, tuple[ResultFormat | str, ...]] = {
    "json": (QueryResultsFormat.JSON, RdfFormat.JSON_LD),
    "xml": (QueryResultsFormat.XML, RdfFormat.RDF_XML),
    "csv": (QueryResultsFormat.CSV,),
    "tsv": (QueryResultsFormat.TSV,),
    "ttl": (RdfFormat.TURTLE,),
    "turtle": (RdfFormat.TURTLE,),
    "nt": (RdfFormat.N_TRIPLES,),
    "ntriples": (RdfFormat.N_TRIPLES,),
    "rdfxml": (RdfFormat.RDF_XML,),
    "rdf+xml": (RdfFormat.RDF_XML,),
    "rdf": (RdfFormat.RDF_XML,),
    "jsonld": (RdfFormat.JSON_LD,),
    "json-ld": (RdfFormat.JSON_LD,),
    "n3": (RdfFormat.TURTLE,),  # Turtle is N3 (SPARQLWrapper's N3 asks for it)
    "nq": (RdfFormat.N_QUADS,),
    "trig": (RdfFormat.TRIG,),
    "html": (HTML,),
}


class UnknownFormat(ValueError):
    """A `format=` value that names nothing this server writes."""


def _with_charset(media_type: str) -> str:
    """Where the media type has a charset parameter, say UTF-8 (CSV and TSV are read wrongly without)."""
    media_type = media_type.split(";")[0].strip()
    if media_type.startswith("text/") or media_type.endswith("xml") or media_type in (
        "application/n-triples", "application/n-quads", "application/trig",
    ):
        return f"{media_type}; charset=utf-8"
    return media_type


def content_type(fmt: ResultFormat | str) -> str:
    """The Content-Type header for a serialization."""
    if isinstance(fmt, str):
        return _with_charset(fmt)
    if fmt is RdfFormat.JSON_LD:
        return "application/ld+json"
    return _with_charset(fmt.media_type)


def parse_accept(header: str | None) -> MIMEAccept | None:
    """The parsed Accept header; None when absent or unreadable (then the server's default applies)."""
    if not header:
        return None
    accept = parse_accept_header(header, MIMEAccept)
    return accept if len(accept) else None


def choose(accept: MIMEAccept | None, offers: Sequence[Offer]) -> ResultFormat | str | None:
    """The offer the client ranks best (q-values, then specificity, then offer order); None if none fits."""
    if not offers:
        return None
    if accept is None:
        return offers[0].format
    best = accept.best_match([o.media_type for o in offers])
    if best is None:
        return None
    return next(o.format for o in offers if o.media_type == best)


def from_format_param(value: str, offers: Sequence[Offer]) -> ResultFormat | str | None:
    """The serialization `format=value` names among `offers`; None when it names another kind.

    Raises `UnknownFormat` for a value that names nothing at all.
    """
    key = value.strip().lower()
    if "," in key:
        # a list of media types, as in Accept (SPARQLWrapper sends its Accept header as `format=`)
        accept = parse_accept(key)
        if accept is None or choose(accept, (*RESULT_OFFERS, *DATASET_OFFERS, *HTML_OFFERS)) is None:
            raise UnknownFormat(value)
        return choose(accept, offers)
    if key in SHORT_NAMES:
        candidates: tuple[ResultFormat | str, ...] = SHORT_NAMES[key]
    else:
        known = [o for o in (*RESULT_OFFERS, *DATASET_OFFERS, *HTML_OFFERS) if o.media_type == key.split(";")[0]]
        if not known:
            raise UnknownFormat(value)
        candidates = tuple(o.format for o in known)
    for candidate in candidates:
        if any(o.format == candidate for o in offers):
            return candidate
    return None


def format_meaning(value: str) -> tuple[ResultFormat | str | None, ResultFormat | str | None]:
    """What `format=value` gives for a SELECT/ASK and for a CONSTRUCT/DESCRIBE (None: not that kind)."""
    return (from_format_param(value, RESULT_OFFERS), from_format_param(value, (*DATASET_OFFERS, *HTML_OFFERS)))


def negotiate(
    offers: Sequence[Offer], accept_header: str | None, format_param: str | None
) -> ResultFormat | str | None:
    """One serialization among `offers`: `format=` wins over Accept."""
    if format_param:
        return from_format_param(format_param, offers)
    return choose(parse_accept(accept_header), offers)


def query_formats(accept_header: str | None, format_param: str | None) -> Formats:
    """The serialization for each kind of query result, before knowing the query's form."""
    results = negotiate(RESULT_OFFERS, accept_header, format_param)
    graph = negotiate(GRAPH_OFFERS, accept_header, format_param)
    assert results is None or isinstance(results, QueryResultsFormat)
    assert graph is None or isinstance(graph, RdfFormat)
    return Formats(solutions=results, boolean=results, graph=graph)


def format_names() -> str:
    return ", ".join(SHORT_NAMES)
