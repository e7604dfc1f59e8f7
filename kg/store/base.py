"""The store interface the server's routes speak, and helpers that work over any implementation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from pyoxigraph import NamedNode, QueryResultsFormat, QuerySolutions, RdfFormat, Triple, parse, parse_query_results

from kg.store.results import Formats, QueryResult


@runtime_checkable
class GraphStore(Protocol):
    """What the server needs from a store: read-only queries, a count, a dump, a description.

    Implementations: `OxigraphStore` (in-process; memory or disk) and
    `server.workers.WorkerPool` (the same stores in worker processes, with time limits).
    A remote SPARQL 1.1 engine fits as a third kind without touching the routes:
    `query` POSTs the text to its endpoint with `default-graph-uri`/`named-graph-uri`,
    an Accept header built from `formats` and the timeout on the HTTP client, and wraps
    the response body's chunks in a `QueryResult` (kind read from the response
    Content-Type); `triple_count` is a `COUNT(*)` query; `dump` a CONSTRUCT or the
    engine's Graph Store endpoint; `describe` comes from `describe_via_query`.
    """

    def query(
        self,
        sparql: str,
        *,
        formats: Formats = ...,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a query; raise a `QueryError` subclass for anything but a result."""
        ...

    def triple_count(self) -> int:
        """Triples in the whole dataset (all graphs)."""
        ...

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        """The dataset (`graph` None; triple formats see the union), or one named graph, serialized."""
        ...

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        """Triples with `iri` as subject or object (at most `limit` of each)."""
        ...

    def close(self) -> None:
        ...



def describe_via_query(store: GraphStore, iri: str, *, limit: int | None = None,
                       timeout: float | None = None) -> list[Triple]:
    """`describe` for stores that only speak SPARQL (worker pools, remote engines)."""
    node = str(NamedNode(iri))
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    sparql = (
        f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{"
        f" {{ SELECT ?p ?o WHERE {{ {node} ?p ?o }}{cap} }} UNION"
        f" {{ SELECT ?s ?q WHERE {{ ?s ?q {node} }}{cap} }} }}"
    )
    result = store.query(sparql, formats=Formats(graph=RdfFormat.N_TRIPLES), timeout=timeout)
    return list(dict.fromkeys(parse(result.read(), RdfFormat.N_TRIPLES)))


def select_rows(store: GraphStore, sparql: str, *, timeout: float | None = None,
                max_rows: int | None = None) -> list[dict[str, object]]:
    """A small SELECT's rows as {variable: pyoxigraph term}; for the server's own pages."""
    result = store.query(sparql, formats=Formats(solutions=QueryResultsFormat.JSON, boolean=None, graph=None),
                         timeout=timeout, max_rows=max_rows)
    solutions = parse_query_results(result.read(), QueryResultsFormat.JSON)
    assert isinstance(solutions, QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
