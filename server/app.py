"""The Flask application factory: it only assembles the app (as flaskr's `create_app`).

Config and store go into `app.extensions` (reached through `server.db`), the blueprints
are registered (SPARQL protocol, linked data, pages), the error handlers of
`server.errors` installed, and every response gets the security headers.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response

from kg import __version__, vocab
from kg.store import GraphStore
from server import compression, errors
from server.accesslog import AccessLog
from server.config import ServerConfig
from server.db import EXTENSION, AppState, open_store

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


def _graph_built(config: ServerConfig) -> str | None:
    if config.graph_built:
        return config.graph_built
    try:
        mtime = config.graph.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds")


def _security_headers(resp: Response) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return resp


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
    app.extensions[EXTENSION] = AppState(config, store if store is not None else open_store(config),
                                         owns_store=owns_store)
    app.jinja_env.globals.update(version=__version__, id_ns=vocab.ID_NS)

    from server.explore import bp as explore_bp
    from server.linkeddata import bp as linkeddata_bp
    from server.pages import bp as pages_bp
    from server.sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(linkeddata_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(explore_bp)
    errors.register(app)
    app.after_request(_security_headers)
    compression.init(app)
    if config.access_log:
        app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    return app


def close_app(app: Flask) -> None:
    """Stop the worker processes of an app that opened its own store."""
    st: AppState = app.extensions[EXTENSION]
    if st.owns_store:
        st.store.close()


__all__ = ["ServerConfig", "close_app", "create_app"]
