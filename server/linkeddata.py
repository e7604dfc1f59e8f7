"""Linked data: every instance IRI under `id:` dereferences to a page here.

`/id/doc/…/p/12` is `https://w3id.org/npt-kg/id/doc/…/p/12`: an HTML page for people
(labels in English and Chinese, types, links out and in, and for extracted facts the
quote and the paragraph they were read from) or its triples, outgoing and incoming,
as Turtle, N-Triples, RDF/XML or JSON-LD for machines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kg import vocab
from kg.store import select_rows
from kg.util.iri import compact_iri
from server import conneg
from server.db import get_config, get_state, get_store
from server.errors import HttpError
from server.ontologydoc import anchor_of, concept_tree, ontology_terms
from server.responses import local_path, streamed_chunks

bp = Blueprint("linkeddata", __name__)

#: Links shown per direction on a page (the RDF forms have them all up to this many too).
MAX_LINKS = 2000
_LABEL_PREDICATES = (vocab.RDFS.label, vocab.SKOS.prefLabel, vocab.DCTERMS.title)
_LANGS = ("en", "zh")


@dataclass
class Term:
    """A term as the page shows it."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None


@dataclass
class Row:
    predicate: Term
    values: list[Term] = field(default_factory=list)



def _labels(iris: list[str]) -> dict[str, dict[str, str]]:
    """{iri: {lang: label}} for the IRIs a page mentions, in one query."""
    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in iris[:MAX_LINKS])
    preds = " ".join(str(p) for p in _LABEL_PREDICATES)
    rows = select_rows(
        get_store(),
        f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {preds} }} ?s ?p ?label }}",
        timeout=get_config().timeout,
    )
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        label = row.get("label")
        if isinstance(label, Literal):
            out[row["s"].value].setdefault(label.language or "", label.value)  # type: ignore[attr-defined]
    return out


def _pick(labels: dict[str, str]) -> str | None:
    for lang in ("en", "", "zh"):
        if labels.get(lang):
            return labels[lang]
    return next(iter(labels.values()), None)


def _term(node: object, labels: dict[str, dict[str, str]]) -> Term:
    if isinstance(node, NamedNode):
        href = local_path(node.value) or ontology_href(node.value)
        if href is None and node.value.startswith(("http://", "https://")):
            href = node.value
        text = _pick(labels.get(node.value, {})) or compact_iri(node.value, bracket=False)
        return Term(text=text, href=href, iri=node.value)
    if isinstance(node, Literal):
        datatype = node.datatype.value
        plain = node.language or datatype == vocab.XSD_NS + "string"
        shown = None if plain else compact_iri(datatype, bracket=False)
        return Term(text=node.value, lang=node.language, datatype=shown)
    if isinstance(node, BlankNode):
        return Term(text=f"_:{node.value}")
    return Term(text=str(node))


def _sources(iris: list[str]) -> dict[str, dict[str, str]]:
    """The text and place of each text unit facts were derived from."""
    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in iris[:50])
    rows = select_rows(
        get_store(),
        f"""SELECT ?u ?text ?path ?number ?doc ?symbol WHERE {{ VALUES ?u {{ {values} }}
              OPTIONAL {{ ?u {vocab.NPT.text} ?text }} OPTIONAL {{ ?u {vocab.NPT.itemPath} ?path }}
              OPTIONAL {{ ?u {vocab.NPT.number} ?number }}
              OPTIONAL {{ ?u {vocab.NPT.inDocument} ?doc OPTIONAL {{ ?doc {vocab.NPT.symbol} ?symbol }} }} }}""",
        timeout=get_config().timeout,
    )
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        entry = out.setdefault(row["u"].value, {})  # type: ignore[attr-defined]
        for key in ("text", "path", "number", "doc", "symbol"):
            if key in row and key not in entry:
                entry[key] = row[key].value  # type: ignore[attr-defined]
    return out


def _page(iri: str, triples: list[Triple]) -> str:
    node = NamedNode(iri)
    outgoing = [t for t in triples if t.subject == node]
    incoming = [t for t in triples if t.object == node and t.subject != node]
    mentioned = {iri}
    for t in triples:
        for part in (t.subject, t.predicate, t.object):
            if isinstance(part, NamedNode):
                mentioned.add(part.value)
    labels = _labels(sorted(mentioned))
    own = labels.get(iri, {})
    all_labels: dict[str, list[str]] = defaultdict(list)
    for t in outgoing:
        if t.predicate in _LABEL_PREDICATES and isinstance(t.object, Literal):
            all_labels[t.object.language or ""].append(t.object.value)
    types = [_term(t.object, labels) for t in outgoing if t.predicate == vocab.RDF.type]

    out_rows: dict[str, Row] = {}
    for t in sorted(outgoing, key=lambda t: (str(t.predicate), str(t.object))):
        if t.predicate == vocab.RDF.type:
            continue
        row = out_rows.setdefault(t.predicate.value, Row(_term(t.predicate, labels)))
        row.values.append(_term(t.object, labels))
    in_rows: dict[str, Row] = {}
    for t in sorted(incoming, key=lambda t: (str(t.predicate), str(t.subject))):
        row = in_rows.setdefault(t.predicate.value, Row(_term(t.predicate, labels)))
        row.values.append(_term(t.subject, labels))

    quotes = [t.object.value for t in outgoing if t.predicate == vocab.NPT.quote and isinstance(t.object, Literal)]
    derived = [t.object.value for t in outgoing
               if t.predicate == vocab.PROV.wasDerivedFrom and isinstance(t.object, NamedNode)]
    sources = _sources(derived)
    provenance = [
        {
            "unit": _term(NamedNode(u), labels),
            "text": sources.get(u, {}).get("text"),
            "place": sources.get(u, {}).get("path") or sources.get(u, {}).get("number"),
            "document": _term(NamedNode(sources[u]["doc"]), labels) if sources.get(u, {}).get("doc") else None,
            "symbol": sources.get(u, {}).get("symbol"),
        }
        for u in derived
    ]
    title = _pick(own) or compact_iri(iri, bracket=False)
    is_scheme = any(t.predicate == vocab.RDF.type and t.object == vocab.SKOS.ConceptScheme for t in outgoing)
    return render_template(
        "resource.html",
        scheme_tree=concept_tree(iri) if is_scheme else None,
        local=local_path,
        iri=iri,
        title=title,
        labels={lang: all_labels.get(lang, []) for lang in _LANGS},
        other_labels={k: v for k, v in all_labels.items() if k not in _LANGS},
        types=types,
        outgoing=list(out_rows.values()),
        incoming=list(in_rows.values()),
        quotes=quotes,
        provenance=provenance,
        truncated=len(outgoing) >= MAX_LINKS or len(incoming) >= MAX_LINKS,
        max_links=MAX_LINKS,
    )


@bp.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    iri = vocab.ID_NS + rest
    try:
        NamedNode(iri)
    except ValueError:
        abort(404)
    offers = (*conneg.HTML_OFFERS, *conneg.GRAPH_OFFERS)
    chosen = conneg.negotiate(offers, request.headers.get("Accept"), request.args.get("format"))
    if chosen is None:
        raise HttpError(406, "this resource is available as text/html, Turtle, N-Triples, RDF/XML or JSON-LD")
    st = get_state()
    triples = st.store.describe(iri, limit=MAX_LINKS, timeout=st.config.timeout)
    if not triples:
        raise HttpError(404, f"nothing is known about {iri}")
    if chosen == conneg.HTML:
        resp = Response(_page(iri, triples), content_type="text/html; charset=utf-8")
    else:
        assert isinstance(chosen, RdfFormat)
        prefixes = {p: ns for p, ns in vocab.PREFIXES.items() if ns != vocab.ID_NS}
        body = serialize(triples, format=chosen,
                         prefixes=prefixes if chosen in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None)
        resp = Response(body, content_type=conneg.content_type(chosen))
    resp.headers["Vary"] = "Accept"
    return resp


def ontology_href(iri: str) -> str | None:
    """Where a term of the ontology is documented on this server (`/ontology#Term`)."""
    anchor = anchor_of(iri)
    return url_for("linkeddata.ontology") + "#" + anchor if anchor else local_path(iri)


@bp.route("/ontology")
def ontology() -> Response:
    """The ontology: HTML documentation for people, the ontology graph as RDF for machines."""
    offers = (*conneg.HTML_OFFERS, *conneg.GRAPH_OFFERS)
    chosen = conneg.negotiate(offers, request.headers.get("Accept"), request.args.get("format"))
    if chosen is None:
        raise HttpError(406, "the ontology is available as text/html, Turtle, N-Triples, RDF/XML or JSON-LD")
    st = get_state()
    if chosen != conneg.HTML:
        assert isinstance(chosen, RdfFormat)
        chunks = st.store.dump(chosen, graph=vocab.ONTOLOGY_GRAPH, timeout=max(60.0, st.config.timeout))
        resp = Response(streamed_chunks(chunks), content_type=conneg.content_type(chosen))
        resp.headers["Vary"] = "Accept"
        return resp
    header, groups = ontology_terms()
    mentioned = sorted({i for _, _, entries in groups for e in entries for v in e.axioms.values() for i in v})
    labels = _labels(mentioned)
    links = {i: {"href": ontology_href(i) or (i if i.startswith("http") else None),
                 "text": _pick(labels.get(i, {})) or compact_iri(i, bracket=False)} for i in mentioned}
    schemes = [(NamedNode(s), concept_tree(s)) for s in (vocab.ID_NS + "scheme/measure-types",
                                                          vocab.ID_NS + "scheme/risk-types")]
    html = render_template("ontology.html", header=header, groups=groups, links=links,
                           schemes=[{"iri": s.value, "href": local_path(s.value),
                                     "labels": _labels([s.value]).get(s.value, {}), "size": _count(tree)}
                                    for s, tree in schemes],
                           compact=lambda i: compact_iri(i, bracket=False), ontology_iri=vocab.ONTOLOGY_IRI)
    resp = Response(html, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    return resp


def _count(tree: list) -> int:
    return sum(1 + _count(c.narrower) for c in tree)
