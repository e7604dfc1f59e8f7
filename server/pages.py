"""Home page, the named-query library and its results, dumps (`/data`), VoID, health, the vendored files.

The served store never changes while the server runs, so `/data` and a named query's
results carry an ETag (weak: the same for the plain and the gzipped body) derived from
the graph, the ontology, the version and what was asked; a client that sends it back in
If-None-Match gets 304 without the store being asked again.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, render_template, request, send_from_directory, url_for

from kg import __version__, vocab
from kg.errors import UserError
from kg.store import QueryError, select_rows
from kg.store.library import load_library
from server import conneg
from server.db import get_config, get_engine, get_state
from server.descriptions import counts, void_description
from server.errors import HttpError
from server.responses import CORS_HEADERS, cache_header, json_response, local_path, streamed, streamed_chunks

bp = Blueprint("pages", __name__)

#: Dumps are bounded by the graph's size, not by a query's cleverness: a longer limit.
DUMP_TIMEOUT = 600.0
_PAPERS_QUERY = f"""
PREFIX npt: <{vocab.NPT_NS}>
PREFIX dcterms: <{vocab.DCTERMS_NS}>
PREFIX rdfs: <{vocab.RDFS_NS}>
SELECT ?paper (SAMPLE(?s) AS ?symbol) (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) WHERE {{
  GRAPH <{vocab.DATA_GRAPH}> {{ ?paper a npt:WorkingPaper . }}
  OPTIONAL {{ ?paper npt:symbol ?s }}
  OPTIONAL {{ ?paper rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }}
  OPTIONAL {{ ?paper dcterms:title ?t }}
}} GROUP BY ?paper ORDER BY ?symbol ?paper LIMIT 500
"""


@bp.route("/")
def home() -> Response:
    st = get_state()
    rows = select_rows(st.store, _PAPERS_QUERY, timeout=st.config.timeout)
    n = counts()
    papers = [
        {
            "href": local_path(row["paper"].value),  # type: ignore[attr-defined]
            "symbol": next(row[k].value for k in ("symbol", "label", "paper") if k in row),  # type: ignore[attr-defined]
            "title": row["title"].value if "title" in row else "",  # type: ignore[attr-defined]
        }
        for row in rows
    ]
    html = render_template("home.html", papers=papers, counts=n, data_graph=vocab.DATA_GRAPH,
                           ontology_graph=vocab.ONTOLOGY_GRAPH, built=st.config.graph_built)
    return Response(html, content_type="text/html; charset=utf-8")


@bp.route("/queries")
def queries() -> Response:
    library = load_library(get_config().queries_dir)
    entries = [
        {
            "name": q.name,
            "title": q.title,
            "title_zh": q.title_zh,
            "description": q.description,
            "sparql": q.sparql,
            "page": url_for("sparql.endpoint") + "#" + q.name,
            "run": url_for("sparql.endpoint", query=q.bind()),
            "results": url_for("pages.named_query", name=q.name),
            "params": [{"name": p.name, "kind": p.kind, "default": list(p.default)} for p in q.params],
        }
        for q in library.values()
    ]
    offers = (*conneg.HTML_OFFERS, conneg.Offer("application/json", "application/json"))
    fmt_param = request.args.get("format")
    if fmt_param:
        if fmt_param.lower() not in ("json", "html"):
            raise HttpError(400, f"unknown format {fmt_param}; use html or json")
        chosen: object = "application/json" if fmt_param.lower() == "json" else conneg.HTML
    else:
        chosen = conneg.choose(conneg.parse_accept(request.headers.get("Accept")), offers)
    if chosen is None:
        raise HttpError(406, "the query library is available as text/html or application/json")
    if chosen == "application/json":
        resp = json_response({"queries": entries})
    else:
        resp = Response(render_template("queries.html", queries=entries), content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    return resp



def _generation() -> str:
    """What the served graph is: the files it was loaded from, as they were when the server started."""
    st = get_state()

    def compute() -> str:
        parts = [__version__, str(st.config.graph), st.config.graph_built or ""]
        for path in st.config.ontology_files:
            try:
                parts.append(f"{path}:{path.stat().st_mtime_ns}")
            except OSError:
                parts.append(str(path))
        return "\0".join(parts)

    return st.cached("generation", compute)


def etag_for(*parts: str) -> str:
    return hashlib.sha256("\0".join((_generation(), *parts)).encode("utf-8")).hexdigest()[:24]


def not_modified(etag: str) -> Response | None:
    """304 when the client already holds this representation (weak comparison, as If-None-Match asks)."""
    if request.if_none_match.contains_weak(etag) or request.if_none_match.star_tag:
        resp = Response(status=304)
        resp.set_etag(etag, weak=True)
        resp.headers["Vary"] = "Accept"
        return resp
    return None


def _representation() -> tuple[str, str]:
    return request.headers.get("Accept", ""), request.args.get("format", "")


@bp.route("/queries/<name>", methods=["GET"])
def named_query(name: str) -> Response:
    """A named query's results, its parameters from the query string (`?paper=IRI`), negotiated like /sparql."""
    st = get_state()
    library = load_library(st.config.queries_dir)
    if name not in library:
        raise HttpError(404, f"no named query {name}; the library is at {url_for('pages.queries')}")
    query = library[name]
    paging = ("limit", "offset", "all")
    params = {key: request.args.getlist(key) for key in request.args if key != "format" and key not in paging}
    whole = request.args.get("all", "") in ("1", "true", "yes")
    try:
        text = query.bind(params)
        limit = int(request.args["limit"]) if "limit" in request.args else None
        offset = int(request.args.get("offset", "0"))
        # one page (`limit`, `offset`), or every row (`all=1`), streamed as it is written
        text = query.whole(text) if whole else query.paged(limit, offset, text)
    except ValueError:
        raise HttpError(400, "limit and offset are whole numbers") from None
    except UserError as exc:
        raise HttpError(400, str(exc)) from None
    etag = etag_for("query", name, text, *_representation())
    cached = not_modified(etag)
    if cached is not None:
        return cached
    formats = conneg.query_formats(request.headers.get("Accept"), request.args.get("format"))
    # a full listing as CSV streams the file the store was prepared with, when it has one (kg.store.listings)
    result = get_engine().query(text, formats=formats, timeout=DUMP_TIMEOUT if whole else st.config.timeout,
                                max_rows=None if whole else st.config.max_rows)
    resp = Response(streamed(result), content_type=conneg.content_type(result.format))
    resp.set_etag(etag, weak=True)
    resp.headers["Vary"] = "Accept"
    resp.headers.update(CORS_HEADERS)
    cache_header(resp, st.store, result)
    if st.config.max_rows is not None and result.kind.value == "solutions" and not whole:
        resp.headers["X-SPARQL-Max-Rows"] = str(st.config.max_rows)
    return resp


@bp.route("/health")
def health() -> Response:
    st = get_state()
    body: dict[str, object] = {
        "status": "ok",
        "version": __version__,
        "graph": {"path": str(st.config.graph), "built": st.config.graph_built},
        "store": "remote" if st.config.remote else "disk" if st.config.store_dir else "memory",
    }
    if st.config.remote is not None:
        body["remote"] = st.config.remote.shown_url
    try:
        body["triples"] = counts()[""]
    except QueryError as exc:
        body["status"] = "unavailable"
        body["error"] = str(exc)
    stats = getattr(st.store, "stats", None)
    if callable(stats):
        body["workers"] = stats()
    cache_stats = getattr(st.store, "cache_stats", None)
    if callable(cache_stats):
        body["cache"] = cache_stats()
    resp = json_response(body, 200 if body["status"] == "ok" else 503)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/.well-known/void")
def void() -> Response:
    chosen = conneg.negotiate(conneg.GRAPH_OFFERS, request.headers.get("Accept"), request.args.get("format"))
    if chosen is None:
        raise HttpError(406, "the VoID description is available in Turtle, N-Triples, RDF/XML and JSON-LD")
    body = void_description(chosen)  # type: ignore[arg-type]
    return Response(body, content_type=conneg.content_type(chosen), headers={"Vary": "Accept"})


_EXTENSIONS = {"text/turtle": "ttl", "application/n-triples": "nt", "application/rdf+xml": "rdf",
               "application/ld+json": "jsonld", "application/n-quads": "nq", "application/trig": "trig"}


@bp.route("/data", methods=["GET", "OPTIONS"])
def data() -> Response:
    """The Graph Store Protocol's read side: everything, `?default` (the union) or `?graph=IRI`."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={**CORS_HEADERS, "Allow": "GET, OPTIONS"})
    graphs = request.args.getlist("graph")
    if len(graphs) > 1 or (graphs and "default" in request.args):
        raise HttpError(400, "give either ?default or one ?graph=IRI")
    graph = graphs[0] if graphs else None
    offers = conneg.GRAPH_OFFERS if "default" in request.args else conneg.DATASET_OFFERS
    chosen = conneg.negotiate(offers, request.headers.get("Accept"), request.args.get("format"))
    if chosen is None:
        raise HttpError(406, "no acceptable RDF format; this server writes Turtle, N-Triples, RDF/XML, "
                             "JSON-LD, N-Quads and TriG")
    st = get_state()
    if graph is not None and graph not in counts():
        raise HttpError(404, f"no graph named {graph} here")
    etag = etag_for("data", graph or "", "default" if "default" in request.args else "", str(chosen))
    cached = not_modified(etag)
    if cached is not None:
        cached.headers.update(CORS_HEADERS)
        return cached
    chunks = st.store.dump(chosen, graph=graph, timeout=max(DUMP_TIMEOUT, st.config.timeout))  # type: ignore[arg-type]
    resp = Response(streamed_chunks(chunks), content_type=conneg.content_type(chosen))
    resp.headers["Vary"] = "Accept"
    resp.headers["Content-Disposition"] = f'inline; filename="npt-kg.{_EXTENSIONS.get(chosen.media_type, "rdf")}"'  # type: ignore[union-attr]
    resp.set_etag(etag, weak=True)
    resp.headers.update(CORS_HEADERS)
    return resp


@bp.app_context_processor
def vendored() -> dict[str, object]:
    """`vendor_file(key, name)` in every template: the URL of an installed npm file, None when absent."""

    def vendor_file(key: str, filename: str) -> str | None:
        if (get_config().assets_dir / key / filename).is_file():
            return url_for("pages.asset", key=key, filename=filename)
        return None

    return {"vendor_file": vendor_file}


@bp.route("/assets/<key>/<path:filename>")
def asset(key: str, filename: str) -> Response:
    """The npm packages' files (YASGUI, charts, the CJK font), installed at setup and served from here (no CDN)."""
    directory = get_config().assets_dir / key
    if key.startswith(".") or not directory.is_dir():
        abort(404)
    return send_from_directory(directory, filename, max_age=86400)
