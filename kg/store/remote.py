"""A `GraphStore` over a SPARQL 1.1 endpoint: the graph published into an engine someone else runs.

The routes see the same store as locally. What makes the answers the same:

- **The dataset is always sent.** Locally the default graph is the union of the
  project's graphs (ontology and papers) and GRAPH ranges over them. Engines differ
  (Virtuoso's default graph holds its own system graphs; Oxigraph's union mode ignores
  FROM), so every query carries `default-graph-uri` and `named-graph-uri`: the served
  graphs, or the query's own FROM / FROM NAMED, or the client's protocol dataset.
  An empty side is sent as a graph that does not exist, since leaving a parameter out
  means "the engine's default" to some engines.
- **Only the served graphs can be read.** FROM, FROM NAMED and protocol graph IRIs
  outside them are refused before anything is forwarded: an engine may hold other
  data beside the NPT graph, and some (Virtuoso) fetch unknown FROM IRIs from the web.
- **The engine's answer is re-serialized by pyoxigraph**: JSON for results and
  N-Triples for graphs are asked of the engine, parsed as they stream in, capped at
  `max_rows` and written in the client's format, so a client gets exactly what the local
  server writes, and an answer that is not SPARQL is an error, not bytes passed on.
- **Time limits** bound the whole outbound exchange (the connection is shut when it
  passes) and are passed to engines that take one per request (Virtuoso's `timeout`,
  in milliseconds); Virtuoso's partial "anytime" answers (HTTP 200 with
  `X-SQL-State: S1TAT`) are reported as timeouts, never served as results.
"""

from __future__ import annotations

import io
import itertools
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from kg import vocab
from kg.store.base import describe_via_query
from kg.store.endpoint import Client, EndpointError, EndpointTimeout, Response, engine_name, error_text, shown_url
from kg.store.errors import NotAcceptable, QueryError, QuerySyntaxError, QueryTimeout
from kg.store.results import DEFAULT_FORMATS, Formats, QueryResult, ResultKind

# One serializer bridge and one prefix table for local and remote answers alike.
from kg.store.serialization import TsvRows, prefixes_for
from kg.store.sparqltext import sparql_tokens
from kg.store.stream import Writer, pull
from kg.store.textindex import rewrite as rewrite_text_queries
from kg.store.textindex import uses_text_query

#: The graphs `npt-kg publish` writes and `serve --remote` reads, unless told otherwise.
DEFAULT_GRAPHS = (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH, vocab.DERIVED_GRAPH)
#: Named when a side of the dataset must be empty: no engine holds a graph of this name.
EMPTY_GRAPH = "urn:npt-kg:no-graph"
#: Seconds an engine that was given the time limit gets to report its own timeout.
GRACE = 1.0

_SOLUTIONS_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples"
_SOLUTION_TYPES = {"application/sparql-results+json", "application/json"}
_GRAPH_TYPES = {"application/n-triples", "text/plain"}


def query_kind(sparql: str) -> ResultKind:
    """SELECT, ASK or a graph form, from pyoxigraph's parser; a syntax error is raised before forwarding.

    Parsing on an empty store evaluates nothing: pyoxigraph's results are lazy.
    """
    try:
        result = Store().query(sparql)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from exc
    except (ValueError, RuntimeError, OSError) as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(result, QuerySolutions):
        return ResultKind.SOLUTIONS
    if isinstance(result, QueryBoolean):
        return ResultKind.BOOLEAN
    return ResultKind.GRAPH


def query_dataset(sparql: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and FROM NAMED clauses, prefixed names and BASE resolved."""
    base = ""
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    tokens = list(sparql_tokens(sparql))

    def iri_of(tok) -> str | None:
        if tok.kind == "iri":
            return urllib.parse.urljoin(base, tok.text[1:-1]) if base else tok.text[1:-1]
        if tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            ns = prefixes.get(prefix)
            return None if ns is None else ns + local.replace("\\", "")
        return None

    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = iri_of(tokens[i + 1]) or ""
        elif word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = iri_of(tokens[i + 2]) or ""
        elif word == "FROM" and i + 1 < len(tokens):
            is_named = tokens[i + 1].kind == "word" and tokens[i + 1].text.upper() == "NAMED"
            target = tokens[i + 2] if is_named and i + 2 < len(tokens) else tokens[i + 1]
            iri = iri_of(target)
            if iri is None:
                raise QuerySyntaxError(f"cannot read the graph after FROM: {target.text}")
            (named if is_named else default).append(iri)
    return default, named


class _ChunkReader(io.RawIOBase):
    """Chunks as a binary file for pyoxigraph's streaming parsers; keeps the first error they hit."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self.error: BaseException | None = None
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except BaseException as exc:
                self.error = exc
                raise
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.bytes_read += n
        return n


@dataclass(frozen=True)
class RemoteSpec:
    """Where the engine is and which of its graphs hold the NPT graph (credentials never shown)."""

    query_url: str
    graphs: tuple[str, ...] = DEFAULT_GRAPHS
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def shown_url(self) -> str:
        """The query URL as /health and messages may show it: without any credentials."""
        return shown_url(self.query_url)

    def open(self, *, timeout: float = 30.0) -> RemoteStore:
        return RemoteStore(self, timeout=timeout)


class RemoteStore:
    """The `GraphStore` of a SPARQL 1.1 endpoint; opening it checks that the endpoint answers SPARQL."""

    def __init__(self, spec: RemoteSpec, *, timeout: float = 30.0) -> None:
        self.spec = spec
        self.url = spec.query_url
        self.graphs = tuple(spec.graphs)
        self.timeout = timeout
        self.client = Client(spec.user, spec.password)
        self.engine: str | None = None
        self.engine = engine_name(self._probe())

    # -- talking to the engine

    def _probe(self) -> str:
        resp = self._post("ASK { }", _SOLUTIONS_ACCEPT, [EMPTY_GRAPH], [EMPTY_GRAPH], self.timeout)
        body = resp.read(1_000_000)
        try:
            answer = parse_query_results(body, QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{self.url}: answered {resp.media_type or 'no content type'}, not SPARQL "
                                f"results ({exc}); is this the engine's query endpoint?") from None
        if not isinstance(answer, QueryBoolean):
            raise EndpointError(f"{self.url}: answered ASK with solutions; is this a SPARQL endpoint?")
        return resp.headers.get("server", "")

    def _post(self, sparql: str, accept: str, default: Sequence[str], named: Sequence[str],
              timeout: float | None) -> Response:
        limit = self.timeout if timeout is None else timeout
        params: list[tuple[str, str]] = [("query", sparql)]
        params += [("default-graph-uri", g) for g in default]
        params += [("named-graph-uri", g) for g in named]
        outbound = limit
        if self.engine == "virtuoso":
            params.append(("timeout", str(max(1, int(limit * 1000)))))
            outbound = limit + GRACE
        body = urllib.parse.urlencode(params).encode()
        resp = self.client.request("POST", self.url, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, timeout=outbound)
        if resp.status >= 400:
            detail = error_text(resp)
            if resp.status in (400, 501):  # the engine read the query and refused it
                raise QueryError(f"the engine at {self.url} refused the query: {detail}")
            raise EndpointError(f"{self.url}: HTTP {resp.status}: {detail}", status=resp.status,
                                body=resp.error_body)
        if resp.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's partial "anytime" answer
            resp.close()
            raise EndpointTimeout(f"query stopped after {limit:g} s, this endpoint's time limit "
                                  f"(the engine at {self.url} answered only part of it)")
        return resp

    def _dataset(self, sparql: str, default_graph_uris: Sequence[str],
                 named_graph_uris: Sequence[str]) -> tuple[list[str], list[str]]:
        if default_graph_uris or named_graph_uris:
            default, named, where = list(default_graph_uris), list(named_graph_uris), "default-graph-uri"
        else:
            default, named = query_dataset(sparql)
            where = "FROM"
            if not default and not named:
                return list(self.graphs), list(self.graphs)
        for iri in (*default, *named):
            if iri not in self.graphs:
                served = ", ".join(f"<{g}>" for g in self.graphs)
                raise QueryError(f"{where} <{iri}> is not allowed: this endpoint reads only its own graphs ({served})")
        return default or [EMPTY_GRAPH], named or [EMPTY_GRAPH]

    def _not_sparql(self, resp: Response, what: str) -> EndpointError:
        return EndpointError(f"{self.url}: answered {resp.media_type or 'no content type'}, not {what}")

    # -- GraphStore

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
        if uses_text_query(sparql):  # the engine has no paragraph index: text:query becomes a scan
            sparql = rewrite_text_queries(sparql, None)
        kind = query_kind(sparql)
        fmt = formats.for_kind(kind)
        if fmt is None:
            raise NotAcceptable(kind)
        default, named = self._dataset(sparql, default_graph_uris, named_graph_uris)
        accept = _GRAPH_ACCEPT if kind is ResultKind.GRAPH else _SOLUTIONS_ACCEPT
        resp = self._post(sparql, accept, default, named, timeout)
        expected = _GRAPH_TYPES if kind is ResultKind.GRAPH else _SOLUTION_TYPES
        if resp.media_type not in expected:
            resp.close()
            raise self._not_sparql(resp, "SPARQL results" if kind is not ResultKind.GRAPH else "N-Triples")

        def produce(write: Callable[[bytes], None], on_start: Callable) -> None:
            reader = _ChunkReader(resp.chunks())
            out = Writer(write)
            try:
                if kind is ResultKind.BOOLEAN:
                    answer = parse_query_results(reader.read(), QueryResultsFormat.JSON)
                    if not isinstance(answer, QueryBoolean):
                        raise EndpointError(f"{self.url}: answered an ASK query with solutions")
                    on_start(kind, fmt)
                    out.write(answer.serialize(format=fmt))
                elif kind is ResultKind.SOLUTIONS:
                    solutions = parse_query_results(reader, QueryResultsFormat.JSON)
                    if not isinstance(solutions, QuerySolutions):
                        raise EndpointError(f"{self.url}: answered a SELECT query with a boolean")
                    rows = iter(solutions)
                    first = list(itertools.islice(rows, 1))  # a broken answer fails before the output starts
                    on_start(kind, fmt)
                    capped: Iterable = itertools.chain(first, rows)
                    if max_rows is not None:
                        capped = itertools.islice(capped, max_rows)
                    parse_query_results(TsvRows(solutions.variables, capped), QueryResultsFormat.TSV).serialize(
                        out, fmt)
                else:
                    triples = parse(reader, RdfFormat.N_TRIPLES)
                    first = list(itertools.islice(triples, 1))
                    on_start(kind, fmt)
                    serialize(itertools.chain(first, triples), out, fmt, prefixes=prefixes_for(fmt))
            except (SyntaxError, ValueError, OSError) as exc:
                raise self._broken(reader, exc) from None
            finally:
                resp.close()
            out.flush()

        kind, fmt, chunks, cancel = pull(produce, "npt-kg-remote")
        return QueryResult(kind, fmt, chunks, cancel)

    def _broken(self, reader: _ChunkReader, exc: BaseException) -> QueryError:
        """Why a streamed answer could not be read: the deadline, a broken connection, or not SPARQL."""
        if isinstance(reader.error, QueryError):
            return reader.error
        text = str(exc)
        if "cancelled" in text.lower():  # Oxigraph's own time limit cuts its answer with this text
            return QueryTimeout(f"the engine at {self.url} stopped the query at its own time limit")
        return EndpointError(f"{self.url}: the answer is not valid SPARQL results ({text[:200]})")

    def _count(self, graph_pattern: str, named: Sequence[str], timeout: float | None) -> int:
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph_pattern} }}"
        resp = self._post(sparql, _SOLUTIONS_ACCEPT, [EMPTY_GRAPH], named, timeout)
        try:
            rows = list(parse_query_results(resp.read(), QueryResultsFormat.JSON))  # type: ignore[arg-type]
            return int(rows[0]["n"].value)
        except (SyntaxError, ValueError, IndexError, TypeError, AttributeError) as exc:
            raise EndpointError(f"{self.url}: the answer to a COUNT is not SPARQL results ({exc})") from None

    def triple_count(self) -> int:
        return self._count("GRAPH ?g { ?s ?p ?o }", self.graphs, None)

    def graph_count(self, graph: str, timeout: float | None = None) -> int:
        """Triples in one of the engine's graphs (any graph: `publish` checks its own writes with it)."""
        return self._count(f"GRAPH {NamedNode(graph)} {{ ?s ?p ?o }}", [graph], timeout)

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        """Each graph by CONSTRUCT, checked against its COUNT: an engine that caps its answers
        (Virtuoso's ResultSetMaxRows) ends the dump with an error instead of a silently short file."""
        graphs = [graph] if graph is not None else list(self.graphs)
        if graph is not None and graph not in self.graphs:
            raise QueryError(f"no graph named {graph} here")

        def quads() -> Iterator[Quad | Triple]:
            for g in graphs:
                expected = self.graph_count(g, timeout)
                resp = self._post(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(g)} {{ ?s ?p ?o }} }}",
                                  _GRAPH_ACCEPT, [EMPTY_GRAPH], [g], timeout)
                if resp.media_type not in _GRAPH_TYPES:
                    resp.close()
                    raise self._not_sparql(resp, "N-Triples")
                reader = _ChunkReader(resp.chunks())
                node = NamedNode(g)
                seen = 0
                try:
                    for triple in parse(reader, RdfFormat.N_TRIPLES):
                        seen += 1
                        yield Quad(triple.subject, triple.predicate, triple.object, node) \
                            if format.supports_datasets else triple
                except (SyntaxError, ValueError, OSError) as exc:
                    raise self._broken(reader, exc) from None
                finally:
                    resp.close()
                if seen != expected:
                    raise EndpointError(f"{self.url}: answered {seen} of the {expected} triples of <{g}>; "
                                        "the engine caps its answers (Virtuoso: raise ResultSetMaxRows)")

        def produce(write: Callable[[bytes], None], on_start: Callable) -> None:
            on_start(ResultKind.GRAPH, format)
            out = Writer(write)
            serialize(quads(), out, format, prefixes=prefixes_for(format))
            out.flush()

        _, _, chunks, _ = pull(produce, "npt-kg-remote-dump")
        return chunks

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        return describe_via_query(self, iri, limit=limit, timeout=timeout)

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""
