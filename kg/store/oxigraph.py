"""The in-process store: a pyoxigraph `Store` answering queries, dumps and descriptions.

The ontology is in the named graph `vocab.ONTOLOGY_GRAPH` and the papers in
`vocab.DATA_GRAPH`; queries see the default graph as their union, so users can write
plain SPARQL and still tell the two apart with GRAPH or FROM NAMED. Every result
leaves the store as bytes already written by pyoxigraph's own serializers, never as
Python rows. The server's worker pool runs these same functions in its processes.
"""

from __future__ import annotations

import io
import itertools
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
    serialize,
)

from kg import resources
from kg.errors import UserError
from kg.store.errors import NotAcceptable, QueryError, QuerySyntaxError
from kg.store.load import load_dataset
from kg.store.results import CHUNK_SIZE, DEFAULT_FORMATS, Formats, QueryResult, ResultFormat, ResultKind
from kg.store.serialization import TsvRows, prefixes_for
from kg.store.sparqltext import names_own_dataset
from kg.store.stream import Writer, pull
from kg.store.textindex import INDEX_NAME, TextIndex, build_index, uses_text_query
from kg.store.textindex import rewrite as rewrite_text_queries


def _graph_nodes(uris: Sequence[str]) -> list[NamedNode]:
    try:
        return [NamedNode(u) for u in uris]
    except ValueError as exc:
        raise QueryError(f"not an absolute IRI: {exc}") from exc


def run_query(
    store: Store,
    sparql: str,
    *,
    formats: Formats,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    max_rows: int | None = None,
    on_start: Callable[[ResultKind, ResultFormat], None],
    write: Callable[[bytes], None],
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """Evaluate `sparql` on `store` and push its serialization, chunk by chunk, into `write`.

    `on_start` is called once the kind of result is known and before any bytes are
    written; errors raised before that point are `QueryError`s. This is the one place
    where a pyoxigraph store answers a query, in-process or in a worker process.
    """
    kwargs: dict[str, object] = {}
    if default_graph_uris or named_graph_uris:
        # SPARQL 1.1 Protocol: the protocol dataset replaces the query's and the service's.
        kwargs["default_graph"] = _graph_nodes(default_graph_uris)
        kwargs["named_graphs"] = _graph_nodes(named_graph_uris)
    elif not names_own_dataset(sparql):
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(sparql, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from exc
    except (ValueError, RuntimeError, OSError) as exc:
        raise QueryError(str(exc)) from exc

    if isinstance(result, QuerySolutions):
        kind = ResultKind.SOLUTIONS
    elif isinstance(result, QueryBoolean):
        kind = ResultKind.BOOLEAN
    else:
        kind = ResultKind.GRAPH
    fmt = formats.for_kind(kind)
    if fmt is None:
        raise NotAcceptable(kind)
    on_start(kind, fmt)
    out = Writer(write, chunk_size)
    if isinstance(result, QuerySolutions):
        if max_rows is not None:
            # buffered: the parser's many small reads then cost no Python call each (half its time on long literals)
            rows = io.BufferedReader(TsvRows(result.variables, itertools.islice(result, max_rows)), 1 << 20)
            result = parse_query_results(rows, QueryResultsFormat.TSV)
        result.serialize(out, fmt)
    elif isinstance(result, QueryBoolean):
        out.write(result.serialize(format=fmt))
    else:
        assert isinstance(result, QueryTriples)
        serialize(result, out, fmt, prefixes=prefixes_for(fmt))
    out.flush()


def dump_store(store: Store, fmt: RdfFormat, write: Callable[[bytes], None], *, graph: str | None = None,
               chunk_size: int = CHUNK_SIZE) -> None:
    """Push the dataset (or one named graph) serialized as `fmt` into `write`, chunk by chunk."""
    out = Writer(write, chunk_size)
    prefixes = prefixes_for(fmt)
    if graph is not None:
        node = NamedNode(graph)
        quads = store.quads_for_pattern(None, None, None, node)
        if fmt.supports_datasets:
            serialize(quads, out, fmt, prefixes=prefixes)
        else:
            serialize((q.triple for q in quads), out, fmt, prefixes=prefixes)
    elif fmt.supports_datasets:
        store.dump(out, fmt, prefixes=prefixes)
    else:
        serialize((q.triple for q in store.quads_for_pattern(None, None, None)), out, fmt, prefixes=prefixes)
    out.flush()


def describe_in_store(store: Store, iri: str, limit: int | None = None) -> list[Triple]:
    """Outgoing and incoming triples of `iri` across all graphs, without duplicates."""
    node = NamedNode(iri)
    seen: dict[Triple, None] = {}
    for pattern in ((node, None, None), (None, None, node)):
        before = len(seen)
        for quad in store.quads_for_pattern(*pattern):
            seen.setdefault(quad.triple)
            if limit is not None and len(seen) - before >= limit:
                break
    return list(seen)


class OxigraphStore:
    """A pyoxigraph store answering in the calling process (no time limit: that is the pool's job).

    `text:query` patterns are rewritten against the paragraph index (`kg.store.textindex`):
    the one the on-disk store holds, or, for a store in memory, one built on first use.
    """

    def __init__(self, store: Store, *, source: StoreSpec | None = None, text_index: TextIndex | None = None) -> None:
        self.store = store
        self.source = source
        self._text_index = text_index
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._lock = threading.Lock()

    def text_index(self) -> TextIndex | None:
        """The paragraph index; for an in-memory store without one, built now (once)."""
        with self._lock:
            if self._text_index is None and (self.source is None or self.source.store_dir is None):
                self._scratch = tempfile.TemporaryDirectory(prefix="npt-kg-text-")
                path = Path(self._scratch.name) / INDEX_NAME
                build_index(self.store, path)
                self._text_index = TextIndex(path)
            return self._text_index

    def rewrite(self, sparql: str) -> str:
        return rewrite_text_queries(sparql, self.text_index()) if uses_text_query(sparql) else sparql

    def query(
        self,
        sparql: str,
        *,
        formats: Formats = DEFAULT_FORMATS,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        sparql = self.rewrite(sparql)

        def produce(write, on_start) -> None:
            run_query(self.store, sparql, formats=formats, default_graph_uris=default_graph_uris,
                      named_graph_uris=named_graph_uris, max_rows=max_rows, on_start=on_start, write=write)

        kind, fmt, chunks, cancel = pull(produce, "npt-kg-query")
        return QueryResult(kind, fmt, chunks, cancel)

    def triple_count(self) -> int:
        return len(self.store)

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        def produce(write, on_start) -> None:
            on_start(ResultKind.GRAPH, format)
            dump_store(self.store, format, write, graph=graph)

        _, _, chunks, _ = pull(produce, "npt-kg-dump")
        return chunks

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        return describe_in_store(self.store, iri, limit)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode))

    def close(self) -> None:
        self.store = None  # type: ignore[assignment]
        if self._scratch is not None:
            self._scratch.cleanup()


# --- opening stores --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreSpec:
    """How to open the store: picklable, so that worker processes can open their own.

    `store_dir` set: an on-disk store (prepared by `prepare_disk_store`), opened read-only,
    with the paragraph index it holds. Otherwise an in-memory store loaded from `graph` and
    `ontology_files`; its paragraph index is written to `text_index` when that is given and
    missing (so that processes loading the same graph build it once), else built on first use.
    """

    graph: Path
    store_dir: Path | None = None
    ontology_files: tuple[Path, ...] = field(default_factory=lambda: tuple(resources.ONTOLOGY_FILES))
    text_index: Path | None = None

    def index_path(self) -> Path | None:
        return self.store_dir / INDEX_NAME if self.store_dir is not None else self.text_index

    def open(self) -> OxigraphStore:
        index: TextIndex | None = None
        if self.store_dir is not None:
            try:
                store = Store.read_only(str(self.store_dir))
            except OSError as exc:
                raise UserError(f"{self.store_dir}: cannot open the store ({exc})") from exc
            if (self.store_dir / INDEX_NAME).exists():
                index = TextIndex(self.store_dir / INDEX_NAME)
        else:
            store = load_dataset(self.graph, with_ontology=bool(self.ontology_files),
                                 ontology_files=self.ontology_files)
            if self.text_index is not None:
                if not self.text_index.exists():
                    build_index(store, self.text_index)
                index = TextIndex(self.text_index)
        return OxigraphStore(store, source=self, text_index=index)


def memory_store(graph: Path, ontology_files: Sequence[Path] | None = None) -> OxigraphStore:
    """An in-process, in-memory store of the ontology and `graph`."""
    files = tuple(resources.ONTOLOGY_FILES if ontology_files is None else ontology_files)
    return StoreSpec(graph=graph, ontology_files=files).open()

