"""What a query returns: its kind, the format wanted for each kind, and the bytes as a stream of chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pyoxigraph import QueryResultsFormat, RdfFormat

#: Bytes handed on at a time when a result is streamed.
CHUNK_SIZE = 64 * 1024


class ResultKind(StrEnum):
    """What a query form returns: SELECT → solutions, ASK → boolean, CONSTRUCT/DESCRIBE → graph."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


ResultFormat = QueryResultsFormat | RdfFormat


@dataclass(frozen=True)
class Formats:
    """The serialization wanted for each kind of result; None where the caller accepts none."""

    solutions: QueryResultsFormat | None = QueryResultsFormat.JSON
    boolean: QueryResultsFormat | None = QueryResultsFormat.JSON
    graph: RdfFormat | None = RdfFormat.TURTLE

    def for_kind(self, kind: ResultKind) -> ResultFormat | None:
        return getattr(self, kind.value)

    def to_media_types(self) -> tuple[str | None, str | None, str | None]:
        """A picklable form (pyoxigraph formats do not pickle), for worker processes."""
        return tuple(f.media_type if f is not None else None for f in (self.solutions, self.boolean, self.graph))

    @classmethod
    def from_media_types(cls, types: Sequence[str | None]) -> Formats:
        s, b, g = types
        return cls(
            QueryResultsFormat.from_media_type(s) if s else None,
            QueryResultsFormat.from_media_type(b) if b else None,
            RdfFormat.from_media_type(g) if g else None,
        )


#: JSON for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE: what clients get by default.
DEFAULT_FORMATS = Formats()


def format_from_media_type(kind: ResultKind, media_type: str) -> ResultFormat:
    if kind is ResultKind.GRAPH:
        return RdfFormat.from_media_type(media_type)
    return QueryResultsFormat.from_media_type(media_type)


class QueryResult:
    """A started result: its kind and format known, its bytes an iterator of chunks.

    Iterate it once (or `close()` it) so the engine behind it is released.
    """

    def __init__(self, kind: ResultKind, format: ResultFormat, chunks: Iterator[bytes],
                 close: Callable[[], None] | None = None) -> None:
        self.kind = kind
        self.format = format
        self._chunks = chunks
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def read(self) -> bytes:
        """All of it at once; for small internal results only."""
        try:
            return b"".join(self._chunks)
        finally:
            self.close()

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        if self._close is not None:
            self._close()
            self._close = None
