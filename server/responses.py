"""Pieces of responses several blueprints use: CORS headers, streamed bodies, JSON, local links."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, current_app, url_for

from kg import vocab
from kg.store import QueryResult

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def streamed(result: QueryResult) -> Iterator[bytes]:
    """The result's chunks; the engine behind it is released however the response ends."""
    try:
        yield from result
    finally:
        result.close()


def streamed_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Chunks from a store; closing the response closes them (and frees the worker)."""
    try:
        yield from chunks
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def cache_header(resp: Response, store: object, result: QueryResult) -> None:
    """`X-Cache: hit` when the result cache (or a prepared listing) answered, `miss` when the engine did."""
    if hasattr(store, "cache_stats"):
        resp.headers["X-Cache"] = "hit" if getattr(result, "cache_hit", False) else "miss"


def json_response(data: object, status: int = 200) -> Response:
    resp = current_app.json.response(data)
    resp.status_code = status
    return resp


def local_path(iri: str) -> str | None:
    """This server's path for an instance IRI; None for IRIs that live elsewhere."""
    if iri.startswith(vocab.ID_NS) and len(iri) > len(vocab.ID_NS):
        return url_for("linkeddata.resource", rest=iri[len(vocab.ID_NS):])
    return None
