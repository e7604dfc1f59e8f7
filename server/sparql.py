"""`/sparql`: the SPARQL 1.1 Protocol (query operation), the service description and the query page.

Query by GET `?query=`, POST form-encoded, or POST `application/sparql-query`;
`default-graph-uri` and `named-graph-uri` choose the dataset (without them it is the
union of the ontology and data graphs, each also available as a named graph).
Results stream as pyoxigraph writes them. Without a query, the endpoint answers with
its service description (RDF) or the query page (HTML).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request, url_for
from pyoxigraph import NamedNode

from kg import vocab
from kg.store.library import load_library
from kg.store.sparqltext import sparql_tokens
from server import conneg, guard
from server.db import get_config, get_engine, get_state
from server.descriptions import service_description
from server.errors import HttpError
from server.responses import CORS_HEADERS, cache_header, streamed

bp = Blueprint("sparql", __name__)

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:")
#: The names clients use for the result format: `format` (Virtuoso, Fuseki), `output` (Fuseki, sparqler),
#: `results` (SPARQLWrapper sends all three, with the same value).
FORMAT_PARAMS = ("format", "output", "results")
#: SPARQL 1.1 Protocol §2.1: a query sent directly as the body is UTF-8, whatever else it says.
_UTF8 = frozenset({"utf-8", "utf8"})


@dataclass
class ProtocolRequest:
    query: str | None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    format: str | None = None


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Strict `application/x-www-form-urlencoded`: bad %-escapes and non-UTF-8 are errors, not U+FFFD."""
    if _BAD_PERCENT.search(raw):
        raise HttpError(400, f"malformed percent-encoding in the {where}")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, f"the {where} is not UTF-8") from None
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                                      max_num_fields=1000)
    except UnicodeDecodeError:
        raise HttpError(400, f"the {where} is not UTF-8 once percent-decoded") from None
    except ValueError as exc:
        raise HttpError(400, f"malformed {where}: {exc}") from None


def _body(limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise HttpError(413, f"request body is {length} bytes; this endpoint accepts at most {limit}")
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise HttpError(413, f"request body is over {limit} bytes")
    return data


def read_request() -> ProtocolRequest:
    """The protocol parameters of this request, whichever of the three forms it uses."""
    cfg = get_config()
    body_limit = 3 * cfg.max_query_bytes + 4096
    if len(request.query_string) > body_limit:
        raise HttpError(413, f"query string is over {body_limit} bytes")
    params = parse_params(request.query_string, "query string")
    body_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8")
        if mimetype in ("application/x-www-form-urlencoded", "application/sparql-query") \
                and charset.lower() not in _UTF8:
            raise HttpError(415, f"the request body says charset={charset}; this endpoint reads UTF-8 only "
                                 "(SPARQL 1.1 Protocol)")
        if mimetype == "application/x-www-form-urlencoded":
            params += parse_params(_body(body_limit), "request body")
        elif mimetype == "application/sparql-query":
            try:
                body_query = _body(body_limit).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HttpError(400, f"the request body is not valid utf-8 (byte {exc.start})") from None
        elif mimetype == "application/sparql-update":
            raise HttpError(400, "this endpoint is read-only: SPARQL Update is not accepted, only queries")
        else:
            shown = mimetype or "none"
            raise HttpError(415, f"unsupported Content-Type {shown}: send application/sparql-query "
                                  "or application/x-www-form-urlencoded")
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    if "update" in values:
        raise HttpError(400, "this endpoint is read-only: SPARQL Update is not accepted, only queries")
    queries = values.get("query", [])
    if body_query is not None:
        if queries:
            raise HttpError(400, "the query is in the body; do not also pass a query parameter")
        queries = [body_query]
    if len(queries) > 1:
        raise HttpError(400, "more than one query parameter; send exactly one")
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graph_uris=values.get("default-graph-uri", []),
        named_graph_uris=values.get("named-graph-uri", []),
        format=one_format([v for name in FORMAT_PARAMS for v in values.get(name, [])]),
    )


def one_format(values: list[str]) -> str | None:
    """The format the parameters ask for: repeats that mean the same (`json`, `application/json`) are one;
    values that mean different serializations are refused."""
    meant: dict[tuple[object, object], str] = {}
    for value in values:
        if not value.strip():
            continue  # SPARQLWrapper sends an empty `format=` next to a named one
        meant.setdefault(conneg.format_meaning(value), value)
    if not meant:
        return None
    results = {r for r, _ in meant if r is not None}
    graphs = {g for _, g in meant if g is not None}
    if len(results) > 1 or len(graphs) > 1:
        listed = ", ".join(sorted(set(meant.values())))
        raise HttpError(400, f"the format parameters ask for different serializations ({listed}); send one")
    # the value that names the most (e.g. `json`: results and JSON-LD) stands for all of them
    return max(meant.items(), key=lambda kv: sum(x is not None for x in kv[0]))[1]



def answer_query(req: ProtocolRequest) -> Response:
    st = get_state()
    cfg = st.config
    assert req.query is not None
    formats = conneg.query_formats(request.headers.get("Accept"), req.format)
    guard.check(req.query, max_bytes=cfg.max_query_bytes, max_nesting=cfg.max_nesting)
    result = get_engine().query(
        with_base(req.query, request.base_url),
        formats=formats,
        default_graph_uris=req.default_graph_uris,
        named_graph_uris=req.named_graph_uris,
        timeout=cfg.timeout,
        max_rows=cfg.max_rows,
    )
    resp = Response(streamed(result), content_type=conneg.content_type(result.format))
    resp.headers["Vary"] = "Accept"
    cache_header(resp, st.store, result)
    if cfg.max_rows is not None and result.kind.value == "solutions":
        resp.headers["X-SPARQL-Max-Rows"] = str(cfg.max_rows)
    return resp


def with_base(query: str, base: str) -> str:
    """The query with the request IRI as its base (SPARQL 1.1 Protocol §2.1.4), so `<s>` means `<endpoint/s>`.

    Put in front, on the query's first line, and only when the query has a relative IRI and no
    BASE of its own: error messages keep the query's own line numbers, and every other query
    reaches the engine (local or remote) exactly as the client wrote it.
    """
    tokens = list(sparql_tokens(query))
    if any(t.kind == "word" and t.text.upper() == "BASE" for t in tokens) or not any(
            t.kind == "iri" and not _ABSOLUTE.match(t.text) for t in tokens):
        return query
    try:
        NamedNode(base)  # a Host header cannot smuggle `>` or spaces into the query text
    except ValueError:
        base = "http://localhost/sparql"
    return f"BASE <{base}> {query}"


def query_page() -> Response:
    """YASGUI beside a searchable list of the named queries when its files are installed; a plain form otherwise."""
    cfg = get_config()
    library = [
        {"name": q.name, "title": q.title, "title_zh": q.title_zh, "description": q.description,
         "sparql": q.bind(), "params": [{"name": p.name, "kind": p.kind} for p in q.params]}
        for q in load_library(cfg.queries_dir).values()
    ]
    page_config = {
        "endpoint": url_for("sparql.endpoint"),
        "queries": library,
        # result IRIs in this namespace open this server's page for them
        "idNamespace": vocab.ID_NS,
        "idPath": url_for("linkeddata.resource", rest="x")[:-1],
        "maxRows": cfg.max_rows,
    }
    editor = cfg.assets_dir / "yasgui"
    if (editor / "yasgui.min.js").is_file() and (editor / "yasgui.min.css").is_file():
        chart = cfg.assets_dir / "chartjs" / "chart.umd.js"
        chart_js = url_for("pages.asset", key="chartjs", filename="chart.umd.js") if chart.is_file() else None
        html = render_template("query.html", page_config=page_config, chart_js=chart_js)
    else:
        html = render_template("query_form.html", queries=library, endpoint=page_config["endpoint"])
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, POST, OPTIONS"})
    req = read_request()
    if req.query is not None:
        return answer_query(req)
    if request.method == "POST":
        raise HttpError(400, "no query: send one in the query parameter or as application/sparql-query")
    offers = (*conneg.GRAPH_OFFERS, *conneg.HTML_OFFERS)
    chosen = conneg.negotiate(offers, request.headers.get("Accept"), req.format)
    if chosen is None:
        raise HttpError(406, "without a query this endpoint returns its service description "
                             "(an RDF format) or the query page (text/html)")
    if chosen == conneg.HTML:
        return query_page()
    body = service_description(chosen)  # type: ignore[arg-type]
    return Response(body, content_type=conneg.content_type(chosen), headers={"Vary": "Accept"})


@bp.after_request
def cors(resp: Response) -> Response:
    """Browsers on other sites may query this endpoint (read-only, no credentials)."""
    resp.headers.update(CORS_HEADERS)
    return resp
