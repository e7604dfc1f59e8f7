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
from server.paperview import fact_labels, natural_key, paper_view
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
    for iri, better in fact_labels([i for i in iris[:MAX_LINKS] if i.startswith(vocab.ID_NS + "doc/")]).items():
        out[iri].update(better)  # "risk 15(b): cyber attack … · symbol", not "risk 15(b)"
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
        f"""SELECT ?u ?text ?path ?number ?doc ?symbol ?paragraph WHERE {{ VALUES ?u {{ {values} }}
              OPTIONAL {{ ?u {vocab.NPT.text} ?text }} OPTIONAL {{ ?u {vocab.NPT.itemPath} ?path }}
              OPTIONAL {{ ?u {vocab.NPT.number} ?number }}
              OPTIONAL {{ ?u ({vocab.NPT.itemOf}|^{vocab.NPT.hasItem})* ?paragraph .
                         ?paragraph a {vocab.NPT.Paragraph} }}
              OPTIONAL {{ ?u {vocab.NPT.inDocument} ?doc OPTIONAL {{ ?doc {vocab.NPT.symbol} ?symbol }} }} }}""",
        timeout=get_config().timeout,
    )
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        entry = out.setdefault(row["u"].value, {})  # type: ignore[attr-defined]
        for key in ("text", "path", "number", "doc", "symbol", "paragraph"):
            if key in row and key not in entry:
                entry[key] = row[key].value  # type: ignore[attr-defined]
    return out


#: Links in, per group, on one page of a resource.
PAGE_SIZE = 50
#: The paper's own parts: shown as the paper's text, not as a list of links.
_PAPER_PARTS = {vocab.NPT_NS + p for p in ("hasParagraph", "hasSection", "hasFootnote", "proposes", "identifies")}


@dataclass
class Group:
    """What points at a resource by one property from one kind of thing: measures addressed to it, …"""

    predicate: Term
    kind: Term | None
    total: int
    values: list[Term]


def _incoming_groups(iri: str, page: int) -> tuple[list[Group], bool]:
    """Links in, grouped by property and kind of subject, in natural order, one page of each."""
    rows = select_rows(
        get_store(),
        f"""SELECT ?s ?p (SAMPLE(?t) AS ?type) WHERE {{
              ?s ?p {NamedNode(iri)} FILTER(isIRI(?s) && ?s != {NamedNode(iri)})
              OPTIONAL {{ ?s a ?t FILTER(?t != <{vocab.OWL_NS}NamedIndividual>) }} }} GROUP BY ?s ?p LIMIT 100000""",
        timeout=get_config().timeout,
    )
    buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        kind = row["type"].value if "type" in row else ""  # type: ignore[attr-defined]
        buckets[(row["p"].value, kind)].append(row["s"].value)  # type: ignore[attr-defined]
    start = (page - 1) * PAGE_SIZE
    shown = {key: sorted(subjects, key=natural_key)[start:start + PAGE_SIZE] for key, subjects in buckets.items()}
    labels = _labels(sorted({i for key in shown for i in (*key, *shown[key]) if i}))
    groups = [Group(_term(NamedNode(p), labels), _term(NamedNode(k), labels) if k else None,
                    len(buckets[(p, k)]), [_term(NamedNode(s), labels) for s in subjects])
              for (p, k), subjects in sorted(shown.items(), key=lambda kv: (-len(buckets[kv[0]]), kv[0]))]
    more = any(len(subjects) > start + PAGE_SIZE for subjects in buckets.values())
    return [g for g in groups if g.values], more


def _paper(iri: str, outgoing: list[Triple], labels: dict[str, dict[str, str]]) -> dict[str, object]:
    """The paper's cover and its text in document order, with what the graph read from each unit."""
    view = paper_view(iri)
    unit_iris = [u.iri for s in view.sections for u in _walk(s)] + [f.iri for f in view.footnotes]
    labels.update(_labels(sorted(view.iris | set(unit_iris))))
    cover: dict[str, list[Term]] = defaultdict(list)
    for t in outgoing:
        key = t.predicate.value.removeprefix(vocab.NPT_NS)
        if key in ("symbol", "submittedBy", "onBehalfOf", "submittedTo", "issueDate", "originalLanguage"):
            cover[key].append(_term(t.object, labels))
        elif t.predicate == vocab.DCTERMS.title:
            cover["title"].append(_term(t.object, labels))
    for values in cover.values():
        values.sort(key=lambda term: term.text)
    return {"cover": cover, "sections": view.sections, "footnotes": view.footnotes,
            "term": lambda i: _term(NamedNode(i), labels)}


def _walk(unit):  # type: ignore[no-untyped-def]
    yield unit
    for child in unit.children:
        yield from _walk(child)


def _page(iri: str, triples: list[Triple], page: int = 1) -> str:
    node = NamedNode(iri)
    outgoing = [t for t in triples if t.subject == node]
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
    for t in sorted(outgoing, key=lambda t: (str(t.predicate), natural_key(str(t.object)))):
        if t.predicate == vocab.RDF.type:
            continue
        row = out_rows.setdefault(t.predicate.value, Row(_term(t.predicate, labels)))
        row.values.append(_term(t.object, labels))
    groups, more = _incoming_groups(iri, page)

    quotes = [t.object.value for t in outgoing if t.predicate == vocab.NPT.quote and isinstance(t.object, Literal)]
    derived = [t.object.value for t in outgoing
               if t.predicate == vocab.PROV.wasDerivedFrom and isinstance(t.object, NamedNode)]
    sources = _sources(derived)
    extra = sorted({sources[u][k] for u in derived for k in ("doc", "paragraph") if sources.get(u, {}).get(k)}
                   - set(labels))
    labels.update(_labels(extra))
    provenance = []
    for u in derived:
        src = sources.get(u, {})
        text = src.get("text") or ""
        # the quote is shown once: marked inside the text it was read from when it is there
        at = text.find(quotes[0]) if quotes and text else -1
        provenance.append({
            "unit": _term(NamedNode(u), labels),
            "before": text[:at] if at >= 0 else text,
            "quote": quotes[0] if at >= 0 else None,
            "after": text[at + len(quotes[0]):] if at >= 0 else "",
            "place": src.get("path") or src.get("number"),
            "document": _term(NamedNode(src["doc"]), labels) if src.get("doc") else None,
            "paragraph": _term(NamedNode(src["paragraph"]), labels)
            if src.get("paragraph") and src["paragraph"] != u else None,
            "symbol": src.get("symbol"),
        })
    if provenance and any(p["quote"] for p in provenance):
        quotes = []
    title = _pick(own) or compact_iri(iri, bracket=False)
    is_scheme = any(t.predicate == vocab.RDF.type and t.object == vocab.SKOS.ConceptScheme for t in outgoing)
    is_paper = any(t.predicate == vocab.RDF.type and t.object == vocab.NPT.WorkingPaper for t in outgoing)
    paper = _paper(iri, outgoing, labels) if is_paper else None
    return render_template(
        "resource.html",
        scheme_tree=concept_tree(iri) if is_scheme else None,
        local=local_path,
        iri=iri,
        title=title,
        labels={lang: all_labels.get(lang, []) for lang in _LANGS},
        other_labels={k: v for k, v in all_labels.items() if k not in _LANGS},
        types=types,
        outgoing=[r for r in out_rows.values() if not (paper and r.predicate.iri in _PAPER_PARTS)
                  and not (r.predicate.iri == vocab.NPT_NS + "quote" and not quotes)],
        incoming=groups,
        page=page,
        more=more,
        paper=paper,
        quotes=quotes,
        provenance=provenance,
        truncated=len(outgoing) >= MAX_LINKS,
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
        try:
            page = max(1, int(request.args.get("page", "1")))
        except ValueError:
            raise HttpError(400, "page must be a number") from None
        resp = Response(_page(iri, triples, page), content_type="text/html; charset=utf-8")
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
