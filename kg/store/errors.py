"""Errors a query can end in; each message is meant for the person who wrote the query."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.store.results import ResultKind


class QueryError(Exception):
    """The query cannot be answered as asked; the message is meant for the person who wrote it."""


class QuerySyntaxError(QueryError):
    """The text is not a SPARQL 1.1 query (the parser's own message)."""


class ReadOnlyError(QueryError):
    """The text is a SPARQL Update: this store only answers queries."""


class NotAcceptable(QueryError):
    """The caller accepts no format for this kind of result (e.g. Turtle for a SELECT)."""

    def __init__(self, kind: ResultKind) -> None:
        super().__init__(f"no acceptable format for {kind.value} results")
        self.kind = kind


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class StoreUnavailable(QueryError):
    """No engine could take the query (all busy, or one failed while evaluating it)."""

    def __init__(self, message: str, *, query_fault: bool = False) -> None:
        super().__init__(message)
        #: True when the failure followed from this query (e.g. it crashed the engine).
        self.query_fault = query_fault
