"""What the web process and its query workers say to each other over their socket pair.

Every message is one of these small frozen dataclasses (pickled by
`multiprocessing.connection`), so both sides match on types, not on tuple positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kg.store import StoreSpec

# --- web process → worker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Open:
    """The first message: which store to open, and whether to leave the network first."""

    spec: StoreSpec
    sandbox: bool


@dataclass(frozen=True)
class Query:
    sparql: str
    formats: tuple[str | None, str | None, str | None]  # `Formats.to_media_types()`
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    max_rows: int | None = None


@dataclass(frozen=True)
class Dump:
    media_type: str
    graph: str | None = None


@dataclass(frozen=True)
class Describe:
    iri: str
    limit: int | None = None


@dataclass(frozen=True)
class Count:
    pass


@dataclass(frozen=True)
class Graphs:
    pass


@dataclass(frozen=True)
class Stop:
    pass


Request = Query | Dump | Describe | Count | Graphs | Stop

# --- worker → web process ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    pid: int
    isolated: bool


@dataclass(frozen=True)
class Failed:
    """The worker could not open its store."""

    message: str


@dataclass(frozen=True)
class Start:
    """A result begins: its kind (`ResultKind` value) and media type; chunks follow."""

    kind: str
    media_type: str


@dataclass(frozen=True)
class Chunk:
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class End:
    pass


@dataclass(frozen=True)
class Value:
    """The answer to a request that is not streamed (count, graphs, describe)."""

    value: Any


class ErrorKind(StrEnum):
    SYNTAX = "syntax"
    READ_ONLY = "readonly"
    NOT_ACCEPTABLE = "not_acceptable"
    QUERY = "query"
    #: an error after the output began: the response can only be cut short
    ABORT = "abort"


@dataclass(frozen=True)
class Error:
    kind: ErrorKind
    message: str


Reply = Ready | Failed | Start | Chunk | End | Value | Error
