"""`/explore`: pictures of what the papers share, and `/explore/data/NAME`: the table behind each.

The page itself holds no data: it carries each view's named query and spec (`server.charts`),
and the browser asks the SPARQL endpoint for the rows, as any client would. A picture's marks
link to pages of this server; a heat-map cell opens `/explore/data/explore-measures?paper=…&type=…`,
the named query with its VALUES line bound to the cell, as a table with a CSV link.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, render_template, request, url_for
from pyoxigraph import QueryResultsFormat

from kg import vocab
from kg.store import Formats
from kg.store.library import NamedQuery, load_library
from server import charts
from server.db import get_config, get_state
from server.errors import HttpError
from server.responses import local_path, streamed_chunks

bp = Blueprint("explore", __name__)

#: The npm packages the page loads (installed by `npt-kg assets install`), in load order.
SCRIPTS = (("vega", "vega.min.js"), ("vega-lite", "vega-lite.min.js"),
           ("vega-interpreter", "vega-interpreter.min.js"), ("vega-embed", "vega-embed.min.js"))
#: `VALUES (?a ?b) { (UNDEF UNDEF) }`: the one line a table request may bind.
_VALUES = re.compile(r"VALUES\s*\(([^)]*)\)\s*\{\s*\(([^)]*)\)\s*\}")
#: An absolute IRI that can stand between < and > in SPARQL without escaping anything.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
TABLE_ROWS = 500
_FORMATS = {"html": ("text/html", None),
            "csv": ("text/csv; charset=utf-8", QueryResultsFormat.CSV),
            "json": ("application/sparql-results+json", QueryResultsFormat.JSON)}


def _library() -> dict[str, NamedQuery]:
    return load_library(get_config().queries_dir)


def _query_links(name: str, args: dict[str, str] | None = None) -> dict[str, str]:
    args = args or {}
    return {
        "table": url_for("explore.data", name=name, **args),
        "csv": url_for("explore.data", name=name, format="csv", **args),
        "json": url_for("explore.data", name=name, format="json", **args),
        "editor": url_for("sparql.endpoint") + "#" + name,
    }


@bp.route("/explore")
def page() -> Response:
    library = _library()
    missing = sorted({v.query for v in charts.VIEWS.values()} - set(library))
    if missing:
        raise HttpError(500, f"the named queries {', '.join(missing)} are missing from the query library")
    views = []
    for view in charts.VIEWS.values():
        q = library[view.query]
        views.append({
            "name": view.name, "kind": view.kind, "mark": view.mark, "query": view.query,
            "title": view.title, "description": view.description, "sparql": q.sparql,
            "links": {col: {"base": url_for("explore.data", name=target), "params": params}
                      for col, (target, params) in view.links.items()},
            "specs": {lang: charts.spec(view.name, lang) for lang in charts.LANGS},
        })
    cfg = get_config()
    assets_ok = all((cfg.assets_dir / key / file).is_file() for key, file in SCRIPTS)
    page_config = {"endpoint": url_for("sparql.endpoint"), "idNs": vocab.ID_NS,
                   "idPath": url_for("linkeddata.resource", rest="x")[:-1], "views": views}
    scripts = [url_for("pages.asset", key=key, filename=file) for key, file in SCRIPTS]
    listed = [{**v, "data": _query_links(v["query"])} for v in views]
    html = render_template("explore.html", views=listed, page_config=page_config, scripts=scripts,
                           assets_ok=assets_ok)
    return Response(html, content_type="text/html; charset=utf-8")


def bind_values(query: NamedQuery, args: dict[str, str]) -> str:
    """The query text with its VALUES line's UNDEFs replaced by the IRIs given for those variables."""
    if not args:
        return query.sparql
    m = _VALUES.search(query.sparql)
    if m is None:
        raise HttpError(400, f"the query {query.name} takes no parameters")
    names = [v.lstrip("?$") for v in m.group(1).split()]
    unknown = sorted(set(args) - set(names))
    if unknown:
        raise HttpError(400, f"the query {query.name} takes {', '.join(names)}; not {', '.join(unknown)}")
    cells = []
    for name in names:
        value = args.get(name)
        if value is None:
            cells.append("UNDEF")
        elif _IRI.match(value):
            cells.append(f"<{value}>")
        else:
            raise HttpError(400, f"{name}: {value!r} is not an absolute IRI")
    line = f"VALUES ({m.group(1).strip()}) {{ ({' '.join(cells)}) }}"
    return query.sparql[:m.start()] + line + query.sparql[m.end():]


def _cell(term: dict[str, str]) -> dict[str, str | None]:
    value = term.get("value", "")
    href = local_path(value) if term.get("type") == "uri" else None
    return {"value": value, "href": href or (value if term.get("type") == "uri" else None),
            "lang": term.get("xml:lang")}


@bp.route("/explore/data/<name>")
def data(name: str) -> Response:
    """A named query's results as an HTML table, its VALUES bound from the URL's parameters."""
    library = _library()
    if name not in library:
        raise HttpError(404, f"no named query {name}")
    query = library[name]
    fmt = request.args.get("format", "html")
    if fmt not in _FORMATS:
        raise HttpError(400, f"unknown format {fmt}; use html, csv or json")
    args = {k: v for k, v in request.args.items() if k != "format"}
    sparql = bind_values(query, args)
    st = get_state()
    if fmt != "html":
        media_type, result_format = _FORMATS[fmt]
        streamed = st.store.query(sparql, formats=Formats(solutions=result_format, boolean=None, graph=None),
                                  timeout=st.config.timeout, max_rows=st.config.max_rows)
        return Response(streamed_chunks(streamed), content_type=media_type)  # type: ignore[arg-type]
    result = st.store.query(sparql, formats=Formats(solutions=QueryResultsFormat.JSON, boolean=None, graph=None),
                            timeout=st.config.timeout, max_rows=TABLE_ROWS)
    body = json.loads(result.read())
    if "head" not in body or "results" not in body:
        raise HttpError(400, f"the query {name} is not a SELECT query")
    columns = body["head"]["vars"]
    rows = [[_cell(b[c]) if c in b else None for c in columns] for b in body["results"]["bindings"]]
    html = render_template("explore_data.html", query=query, columns=columns, rows=rows, bound=args,
                           links=_query_links(name, args), limit=TABLE_ROWS)
    return Response(html, content_type="text/html; charset=utf-8")
