"""Errors are raised, never caught route by route, and rendered here once (as Datasette's handle_exception).

Routes raise `HttpError` for what the request got wrong, and let the store's
`QueryError`s, the guard's `Refused` and content negotiation's `UnknownFormat` rise;
the handlers registered by `register(app)` turn each into a short answer — JSON for
clients that ask for it, plain text otherwise — never a traceback.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from kg.store import NotAcceptable, QueryError, QueryTimeout, StoreUnavailable
from server import conneg, guard

log = logging.getLogger("npt_kg.server")


class HttpError(Exception):
    """A request this server answers with `status` and a message for the person who sent it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def wants_json() -> bool:
    accept = request.accept_mimetypes
    return accept.best_match(["text/plain", "application/json"]) == "application/json" and bool(accept)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short error: JSON for clients that ask for it, plain text otherwise."""
    if wants_json():
        resp = current_app.json.response({"error": message, "status": status})
        resp.status_code = status
    else:
        resp = Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
    resp.headers.update(headers or {})
    return resp


def query_error_status(exc: QueryError) -> tuple[int, str, dict[str, str]]:
    """The HTTP status, message and headers a store error is answered with."""
    if isinstance(exc, NotAcceptable):
        return 406, f"{exc}; ask for one with Accept or format= ({conneg.format_names()})", {}
    if isinstance(exc, QueryTimeout):
        return 503, str(exc), {}
    if isinstance(exc, StoreUnavailable):
        if exc.query_fault:
            return 400, f"{exc} (it is probably too complex); the engine has been restarted", {}
        return 503, str(exc), {"Retry-After": "1"}
    return 400, str(exc), {}


def register(app: Flask) -> None:
    """Install the handlers: each kind of error is rendered in one place."""

    @app.errorhandler(HttpError)
    def http_error(exc: HttpError) -> Response:
        return error_response(exc.status, exc.message, exc.headers)

    @app.errorhandler(QueryError)
    def query_error(exc: QueryError) -> Response:
        return error_response(*query_error_status(exc))

    @app.errorhandler(guard.Refused)
    def refused(exc: guard.Refused) -> Response:
        return error_response(exc.status, exc.message)

    @app.errorhandler(conneg.UnknownFormat)
    def unknown_format(exc: conneg.UnknownFormat) -> Response:
        return error_response(400, f"unknown format {exc}; use one of {conneg.format_names()}")

    @app.errorhandler(HTTPException)
    def werkzeug_error(exc: HTTPException) -> Response:
        resp = error_response(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return resp

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal error; the server log has the details")
