"""Load the built graph and the ontology into a pyoxigraph store, and query it through one interface.

The ontology goes into the named graph `vocab.ONTOLOGY_GRAPH` and the papers into
`vocab.DATA_GRAPH`; queries see the default graph as their union, so users can write
plain SPARQL and still tell the two apart with GRAPH or FROM NAMED.

`GraphStore` is the small interface the server's routes speak. Two kinds live here:
`OxigraphStore` over an in-memory store (`memory_store`) or an on-disk one
(`prepare_disk_store` + `open_store`); the server adds a pool of worker processes
(`server.workers.WorkerPool`) that enforces time limits. Every result leaves a store
as bytes already written by pyoxigraph's own serializers, never as Python rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from kg import vocab
from kg.errors import UserError

#: Name of the file in an on-disk store directory that records what was loaded into it.
MANIFEST_NAME = "npt-kg-store.json"
_MANIFEST_VERSION = 1
#: Bytes handed on at a time when a result is streamed.
CHUNK_SIZE = 64 * 1024
#: Stack for the threads that parse and evaluate queries: deeply nested queries recurse deeply.
QUERY_THREAD_STACK = 256 * 1024 * 1024


def load_into(
    store: Store, graph: Path, *, with_ontology: bool = True, ontology_files: Sequence[Path] | None = None
) -> Store:
    """Bulk-load ontology files and the built Turtle into `store`."""
    if with_ontology:
        for path in vocab.ONTOLOGY_FILES if ontology_files is None else ontology_files:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.ONTOLOGY_GRAPH))
    if not graph.exists():
        raise UserError(f"{graph}: no built graph here; run 'npt-kg build' first")
    store.bulk_load(path=str(graph), format=RdfFormat.TURTLE, to_graph=NamedNode(vocab.DATA_GRAPH))
    return store


def load_dataset(graph: Path, *, with_ontology: bool = True, ontology_files: Sequence[Path] | None = None) -> Store:
    """An in-memory store holding the ontology and the built graph."""
    return load_into(Store(), graph, with_ontology=with_ontology, ontology_files=ontology_files)


# --- errors a query can end in ---------------------------------------------------------------


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


# --- results -----------------------------------------------------------------------------------


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


# --- reading query text ------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[\w.\-\u00b7]*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w.:%\-]|\\.)*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def sparql_tokens(text: str) -> Iterator[Token]:
    """The tokens of SPARQL text, comments and whitespace dropped.

    Strings, IRIs and prefixed names come out whole, so a keyword found among the
    `word` tokens is a keyword, not a piece of a literal, an IRI or a comment.
    Text that is not SPARQL still tokenizes (one `other` token per stray character).
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group())


def names_own_dataset(sparql: str) -> bool:
    """True when the query has FROM / FROM NAMED clauses (which must win over the union default)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in sparql_tokens(sparql))


# --- the in-process store ------------------------------------------------------------------------


class _Writer:
    """A binary file-like object that pyoxigraph serializers write into, cut into chunks."""

    def __init__(self, emit: Callable[[bytes], None], chunk_size: int = CHUNK_SIZE) -> None:
        self._emit = emit
        self._buf = bytearray()
        self._chunk_size = chunk_size

    def write(self, data: bytes) -> int:
        self._buf += data
        if len(self._buf) >= self._chunk_size:
            self._emit(bytes(self._buf))
            self._buf.clear()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes once at the end: hand on what is left."""
        if self._buf:
            self._emit(bytes(self._buf))
            self._buf.clear()


class _TsvRows(io.RawIOBase):
    """Solutions as SPARQL TSV, read lazily: the bridge that lets a row cap use native serializers.

    pyoxigraph can only serialize a whole `QuerySolutions`; capping it means reading the
    first N rows and feeding them, as TSV (whose cells are exactly the terms' N-Triples
    text), back to pyoxigraph's streaming TSV parser.
    """

    def __init__(self, variables: Sequence[object], rows: Iterable[object]) -> None:
        super().__init__()
        self._parts = self._generate(variables, rows)
        self._pending = b""

    @staticmethod
    def _generate(variables: Sequence[object], rows: Iterable[object]) -> Iterator[bytes]:
        yield ("\t".join(str(v) for v in variables) + "\n").encode()
        batch: list[str] = []
        for solution in rows:
            batch.append("\t".join("" if term is None else str(term) for term in solution))
            if len(batch) >= 512:
                yield ("\n".join(batch) + "\n").encode()
                batch.clear()
        if batch:
            yield ("\n".join(batch) + "\n").encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._parts)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


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
    out = _Writer(write, chunk_size)
    if isinstance(result, QuerySolutions):
        if max_rows is not None:
            result = parse_query_results(
                _TsvRows(result.variables, itertools.islice(result, max_rows)), QueryResultsFormat.TSV
            )
        result.serialize(out, fmt)
    elif isinstance(result, QueryBoolean):
        out.write(result.serialize(format=fmt))
    else:
        assert isinstance(result, QueryTriples)
        serialize(result, out, fmt, prefixes=_prefixes_for(fmt))
    out.flush()


def _prefixes_for(fmt: RdfFormat) -> dict[str, str] | None:
    """Prefixes make Turtle, TriG and RDF/XML readable; other formats ignore or refuse them.

    `id:` is left out: instance IRIs have slashes, which Turtle would have to escape in
    every prefixed name (`id:state\\/AT`); full IRIs read better.
    """
    if fmt not in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML):
        return None
    return {p: ns for p, ns in vocab.PREFIXES.items() if ns != vocab.ID_NS}


def dump_store(store: Store, fmt: RdfFormat, write: Callable[[bytes], None], *, graph: str | None = None,
               chunk_size: int = CHUNK_SIZE) -> None:
    """Push the dataset (or one named graph) serialized as `fmt` into `write`, chunk by chunk."""
    out = _Writer(write, chunk_size)
    prefixes = _prefixes_for(fmt)
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


def start_query_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread whose stack is large enough for deeply nested queries."""
    with _STACK_LOCK:
        old = threading.stack_size(QUERY_THREAD_STACK)
        try:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
    return thread


_STACK_LOCK = threading.Lock()


def _pull(
    produce: Callable[[Callable[[bytes], None], Callable[[ResultKind, ResultFormat], None]], None], name: str
) -> tuple[ResultKind, ResultFormat, Iterator[bytes], Callable[[], None]]:
    """Turn a push-style producer into (kind, format, iterator of chunks, cancel) using a thread.

    Errors raised before the producer starts its output are raised here; later ones are
    raised by the iterator. `cancel` (also run when the iterator ends) stops the producer.
    """
    items: queue.Queue[tuple] = queue.Queue(maxsize=4)
    cancelled = threading.Event()

    class _Cancelled(Exception):
        pass

    def put(item: tuple) -> None:
        while True:
            if cancelled.is_set():
                raise _Cancelled
            with contextlib.suppress(queue.Full):
                items.put(item, timeout=0.2)
                return

    def run() -> None:
        try:
            produce(lambda data: put(("chunk", data)), lambda kind, fmt: put(("start", kind, fmt)))
            put(("end",))
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the consumer, which raises it
            # pyoxigraph results must be dropped on the thread that made them: cut the
            # traceback, whose frames hold them, before the exception changes threads.
            exc.__traceback__ = None
            with contextlib.suppress(_Cancelled):
                put(("error", exc))

    start_query_thread(run, name)
    first = items.get()
    if first[0] == "error":
        raise first[1]
    assert first[0] == "start", first

    def chunks() -> Iterator[bytes]:
        try:
            while True:
                item = items.get()
                if item[0] == "end":
                    return
                if item[0] == "error":
                    raise item[1]
                yield item[1]
        finally:
            cancelled.set()

    return first[1], first[2], chunks(), cancelled.set


class OxigraphStore:
    """A pyoxigraph store answering in the calling process (no time limit: that is the pool's job)."""

    def __init__(self, store: Store, *, source: StoreSpec | None = None) -> None:
        self.store = store
        self.source = source

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
        def produce(write, on_start) -> None:
            run_query(self.store, sparql, formats=formats, default_graph_uris=default_graph_uris,
                      named_graph_uris=named_graph_uris, max_rows=max_rows, on_start=on_start, write=write)

        kind, fmt, chunks, cancel = _pull(produce, "npt-kg-query")
        return QueryResult(kind, fmt, chunks, cancel)

    def triple_count(self) -> int:
        return len(self.store)

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        def produce(write, on_start) -> None:
            on_start(ResultKind.GRAPH, format)
            dump_store(self.store, format, write, graph=graph)

        _, _, chunks, _ = _pull(produce, "npt-kg-dump")
        return chunks

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        return describe_in_store(self.store, iri, limit)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode))

    def close(self) -> None:
        self.store = None  # type: ignore[assignment]


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


# --- opening stores --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreSpec:
    """How to open the store: picklable, so that worker processes can open their own.

    `store_dir` set: an on-disk store (prepared by `prepare_disk_store`), opened read-only.
    Otherwise an in-memory store loaded from `graph` and `ontology_files`.
    """

    graph: Path
    store_dir: Path | None = None
    ontology_files: tuple[Path, ...] = field(default_factory=lambda: tuple(vocab.ONTOLOGY_FILES))

    def open(self) -> OxigraphStore:
        if self.store_dir is not None:
            try:
                store = Store.read_only(str(self.store_dir))
            except OSError as exc:
                raise UserError(f"{self.store_dir}: cannot open the store ({exc})") from exc
        else:
            store = load_dataset(self.graph, with_ontology=bool(self.ontology_files),
                                 ontology_files=self.ontology_files)
        return OxigraphStore(store, source=self)


def memory_store(graph: Path, ontology_files: Sequence[Path] | None = None) -> OxigraphStore:
    """An in-process, in-memory store of the ontology and `graph`."""
    files = tuple(vocab.ONTOLOGY_FILES if ontology_files is None else ontology_files)
    return StoreSpec(graph=graph, ontology_files=files).open()


def _fingerprint(path: Path, *, with_hash: bool = True) -> dict[str, object]:
    st = path.stat()
    entry: dict[str, object] = {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if with_hash:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        entry["sha256"] = digest.hexdigest()
    return entry


def _sources_match(recorded: list[dict[str, object]], sources: Sequence[Path]) -> bool:
    """Same files with the same content: size and mtime first, the sha256 when those moved."""
    if [r.get("path") for r in recorded] != [str(p.resolve()) for p in sources]:
        return False
    for entry, path in zip(recorded, sources, strict=True):
        try:
            now = _fingerprint(path, with_hash=False)
        except OSError:
            return False
        if now["size"] == entry.get("size") and now["mtime_ns"] == entry.get("mtime_ns"):
            continue
        if _fingerprint(path)["sha256"] != entry.get("sha256"):
            return False
    return True


def read_manifest(store_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _MANIFEST_VERSION else None


def prepare_disk_store(
    store_dir: Path,
    graph: Path,
    ontology_files: Sequence[Path] | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Make `store_dir` hold exactly `graph` and the ontology; return its manifest.

    The manifest records each loaded file's path, size, mtime and sha256, so a store
    is reused as long as the files are unchanged and reloaded (into a fresh directory
    swapped in by rename) when one changed. A non-empty directory without a manifest
    is refused rather than overwritten.
    """
    files = tuple(vocab.ONTOLOGY_FILES if ontology_files is None else ontology_files)
    sources = [*files, graph]
    if not graph.exists():
        raise UserError(f"{graph}: no built graph here; run 'npt-kg build' first")
    manifest = read_manifest(store_dir)
    if manifest is not None and _sources_match(manifest.get("sources", []), sources):  # type: ignore[arg-type]
        return manifest
    if store_dir.exists() and manifest is None and any(store_dir.iterdir()):
        raise UserError(f"{store_dir}: not an npt-kg store and not empty; give a new or empty directory")
    if on_progress:
        on_progress(f"loading {graph} into the store at {store_dir}")
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = store_dir.with_name(f".{store_dir.name}.loading-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = Store(str(fresh))
        try:
            load_into(store, graph, with_ontology=bool(files), ontology_files=files)
        except SyntaxError as exc:
            raise UserError(f"cannot load into the store: {exc}") from exc
        store.flush()
        store.optimize()
        triples = len(store)
        del store
        manifest = {
            "version": _MANIFEST_VERSION,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": triples,
            "sources": [_fingerprint(p) for p in sources],
        }
        (fresh / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        old = store_dir.with_name(f".{store_dir.name}.old-{os.getpid()}")
        if store_dir.exists():
            store_dir.rename(old)
        fresh.rename(store_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return manifest
