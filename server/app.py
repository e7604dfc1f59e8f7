"""The Flask application factory and its explicit configuration.

`create_app(config)` wires the blueprints (SPARQL protocol, linked data, pages) to
one `GraphStore`: by default a pool of worker processes (time limits that really stop
a query), or an in-process store for tools and tests that do not need them.
Every response carries the security headers; errors are short text or JSON, never a
traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from kg import __version__, vocab
from kg.querylib import QUERIES_DIR
from kg.store import GraphStore, OxigraphStore, StoreSpec
from server import guard

log = logging.getLogger("npt_kg.server")

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where `python -m server.assets install` puts YASGUI.
DEFAULT_ASSETS_DIR = PACKAGE_DIR / "static" / "vendor" / "yasgui"

#: No external origins anywhere. YASGUI's editor and result table set inline styles and
#: show data: images, hence those two allowances; scripts only from this server.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))


@dataclass
class ServerConfig:
    """Everything the app needs to know, in one explicit object (what `npt-kg serve` fills in)."""

    graph: Path = Path("build/npt-kg.ttl")
    store_dir: Path | None = None
    ontology_files: tuple[Path, ...] = field(default_factory=lambda: tuple(vocab.ONTOLOGY_FILES))
    timeout: float = 30.0
    max_rows: int | None = 100_000
    workers: int = 2
    #: False: answer in the web process (no time limit); for tools and tests.
    use_workers: bool = True
    #: Move workers into an empty network namespace where the OS allows it.
    sandbox: bool = True
    max_query_bytes: int = guard.MAX_QUERY_BYTES
    max_nesting: int = guard.MAX_NESTING
    queries_dir: Path = QUERIES_DIR
    assets_dir: Path = DEFAULT_ASSETS_DIR
    #: When the loaded graph was built (ISO 8601); read from the graph file when not given.
    graph_built: str | None = None

    def store_spec(self) -> StoreSpec:
        return StoreSpec(graph=self.graph, store_dir=self.store_dir, ontology_files=self.ontology_files)


class AppState:
    """What the routes share: the config, the store and a few facts computed once."""

    def __init__(self, config: ServerConfig, store: GraphStore) -> None:
        self.config = config
        self.store = store
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, compute: Any) -> Any:
        """The graph never changes while serving, so counts and descriptions are computed once."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache.setdefault(key, value)
            return self._cache[key]


def state() -> AppState:
    return current_app.extensions["npt_kg"]


def _graph_built(config: ServerConfig) -> str | None:
    if config.graph_built:
        return config.graph_built
    try:
        mtime = config.graph.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds")


def open_store(config: ServerConfig) -> GraphStore:
    """The store the config asks for: a started worker pool, or an in-process store."""
    if config.use_workers:
        from server.workers import WorkerPool

        return WorkerPool(config.store_spec(), size=config.workers, timeout=config.timeout,
                          sandbox=config.sandbox).start()
    return config.store_spec().open()


def wants_json() -> bool:
    accept = request.accept_mimetypes
    return accept.best_match(["text/plain", "application/json"]) == "application/json" and bool(accept)


def error_response(status: int, message: str) -> Response:
    """A short error: JSON for clients that ask for it, plain text otherwise."""
    if wants_json():
        resp = current_app.json.response({"error": message, "status": status})
        resp.status_code = status
        return resp
    return Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")


def create_app(config: ServerConfig | None = None, store: GraphStore | None = None) -> Flask:
    """The application. Pass `store` to serve an existing one (the app then does not close it)."""
    config = config or ServerConfig()
    if config.graph_built is None:
        config.graph_built = _graph_built(config)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.from_mapping(
        # Form-encoding can triple a query's size; the query cap itself is checked after decoding.
        MAX_CONTENT_LENGTH=3 * config.max_query_bytes + 4096,
        MAX_FORM_MEMORY_SIZE=3 * config.max_query_bytes + 4096,
        JSON_AS_ASCII=False,
        NPT_KG=config,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    owns_store = store is None
    app.extensions["npt_kg"] = AppState(config, store if store is not None else open_store(config))
    app.extensions["npt_kg.owns_store"] = owns_store
    app.jinja_env.globals.update(version=__version__, id_ns=vocab.ID_NS)

    from server.linkeddata import bp as linkeddata_bp
    from server.pages import bp as pages_bp
    from server.sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(linkeddata_bp)
    app.register_blueprint(pages_bp)

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return resp

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        resp = error_response(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return resp

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal error; the server log has the details")

    return app


def close_app(app: Flask) -> None:
    """Stop the worker processes of an app that opened its own store."""
    if app.extensions.get("npt_kg.owns_store"):
        app.extensions["npt_kg"].store.close()


__all__ = ["AppState", "OxigraphStore", "ServerConfig", "close_app", "create_app", "state"]
