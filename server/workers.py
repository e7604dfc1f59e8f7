"""A small pool of worker processes that answer queries, so that a time limit really stops one.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed; a process
can. Each worker opens its own store (read-only on disk, or loaded into memory),
answers one request at a time, and streams the bytes pyoxigraph's serializers write
back over a pipe in chunks. A request that passes its deadline gets its worker killed
(freeing the query's memory and CPU at once) and a fresh worker started in the
background, while the others keep serving. A worker that dies on a query (the
engine's parser can overflow its stack) is replaced the same way.

Over an on-disk store one extra worker is kept ready and idle (the spare): a killed or
dead worker's place is taken by it at once, in well under a millisecond, and a new spare
opens the store in the background; a watcher thread notices a worker that died while idle.
The store's pages are shared through the OS page cache, so a spare costs little memory.

Workers are fresh interpreters (`python -m server.workers`), never forks of the
threaded web server, joined to it by a socket pair. Before opening its store each worker moves into a network
namespace of its own where that is permitted, so no query can reach the network.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, Triple, parse, serialize

from kg.errors import UserError
from kg.store import (
    DEFAULT_FORMATS,
    Formats,
    NotAcceptable,
    OxigraphStore,
    QueryError,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyError,
    ResultKind,
    StoreSpec,
    StoreUnavailable,
    describe_in_store,
    dump_store,
    format_from_media_type,
    run_query,
    start_query_thread,
)
from kg.store.textindex import INDEX_NAME, TextIndex, uses_text_query
from kg.store.textindex import rewrite as rewrite_text_queries
from server import messages as msg

log = logging.getLogger("npt_kg.server")

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


# --- inside a worker process ----------------------------------------------------------------------


def isolate_network() -> bool:
    """Leave the host's network (a fresh, empty network namespace); False where not permitted."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    flags = [_CLONE_NEWNET] if os.geteuid() == 0 else []
    flags.append(_CLONE_NEWUSER | _CLONE_NEWNET)
    return any(libc.unshare(f) == 0 for f in flags)


def _serve(conn: Connection, store: OxigraphStore) -> None:
    """Answer requests until the pipe closes or a stop arrives."""
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(request, msg.Stop):
            return
        try:
            if isinstance(request, msg.Query):
                _answer_query(conn, store, request)
            elif isinstance(request, msg.Count):
                conn.send(msg.Value(store.triple_count()))
            elif isinstance(request, msg.Dump):
                fmt = RdfFormat.from_media_type(request.media_type)
                conn.send(msg.Start(ResultKind.GRAPH.value, fmt.media_type))
                dump_store(store.store, fmt, lambda data: conn.send(msg.Chunk(data)), graph=request.graph)
                conn.send(msg.End())
            elif isinstance(request, msg.Describe):
                triples = describe_in_store(store.store, request.iri, request.limit)
                conn.send(msg.Value(serialize(triples, format=RdfFormat.N_TRIPLES)))
            elif isinstance(request, msg.Graphs):
                conn.send(msg.Value(store.graph_names()))
            else:
                conn.send(msg.Error(msg.ErrorKind.QUERY, f"unknown request {request!r}"))
        except (BrokenPipeError, EOFError):
            return
        except Exception as exc:  # reported to the web process, which answers with a message
            with contextlib.suppress(OSError):
                conn.send(msg.Error(msg.ErrorKind.QUERY, f"{type(exc).__name__}: {exc}"))


def _answer_query(conn: Connection, store: OxigraphStore, q: msg.Query) -> None:
    started = False

    def on_start(kind: ResultKind, fmt: Any) -> None:
        nonlocal started
        conn.send(msg.Start(kind.value, fmt.media_type))
        started = True

    try:
        run_query(store.store, q.sparql, formats=Formats.from_media_types(q.formats),
                  default_graph_uris=q.default_graph_uris, named_graph_uris=q.named_graph_uris,
                  max_rows=q.max_rows, on_start=on_start, write=lambda data: conn.send(msg.Chunk(data)))
    except NotAcceptable as exc:
        conn.send(msg.Error(msg.ErrorKind.NOT_ACCEPTABLE, exc.kind.value))
        return
    except QuerySyntaxError as exc:
        from server.guard import classify_syntax_error

        err = classify_syntax_error(q.sparql, str(exc))
        kind = msg.ErrorKind.READ_ONLY if isinstance(err, ReadOnlyError) else msg.ErrorKind.SYNTAX
        conn.send(msg.Error(kind, str(err)))
        return
    except QueryError as exc:
        conn.send(msg.Error(msg.ErrorKind.QUERY, str(exc)))
        return
    except (ValueError, RuntimeError, OSError) as exc:  # evaluation errors (e.g. unbound SERVICE name)
        conn.send(msg.Error(msg.ErrorKind.ABORT if started else msg.ErrorKind.QUERY, str(exc)))
        return
    conn.send(msg.End())


def worker_main(conn: Connection) -> None:
    """Entry point of a worker process: read the store spec, open the store, serve."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the web server's to handle
    try:
        opening: msg.Open = conn.recv()
    except (EOFError, OSError):
        return
    isolated = isolate_network() if opening.sandbox else False
    try:
        store = opening.spec.open()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            conn.send(msg.Failed(str(exc)))
        return
    conn.send(msg.Ready(os.getpid(), isolated))
    start_query_thread(lambda: _serve(conn, store), "npt-kg-worker").join()


# --- in the web process -------------------------------------------------------------------------------


class _Expired(Exception):
    pass


class _Died(Exception):
    pass


class _Worker:
    """The web process's handle on one worker process."""

    def __init__(self, process: subprocess.Popen, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.pid: int | None = None
        self.isolated = False
        #: Set once the pool has replaced it (by whichever path noticed first).
        self.retired = False

    def recv(self, deadline: float) -> msg.Reply:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0 or not self.conn.poll(remaining):
                raise _Expired
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise _Died from exc

    def send(self, message: msg.Open | msg.Request) -> None:
        try:
            self.conn.send(message)
        except (OSError, ValueError) as exc:
            raise _Died from exc

    def alive(self) -> bool:
        return self.process.poll() is None

    def killed_from_outside(self) -> bool:
        """Whether the process ended by SIGKILL that the pool did not send (the pool's own kills go
        through `kill`, after which nothing is sent to it): not a crash of the engine on a query."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(1)
        return self.process.returncode == -signal.SIGKILL

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        with contextlib.suppress(OSError):
            self.conn.close()


_ERRORS = {msg.ErrorKind.SYNTAX: QuerySyntaxError, msg.ErrorKind.READ_ONLY: ReadOnlyError}


class WorkerPool:
    """A `GraphStore` whose queries run in worker processes, each under a wall-clock limit."""

    def __init__(self, spec: StoreSpec, *, size: int = 2, timeout: float = 30.0, sandbox: bool = True,
                 start_timeout: float = 900.0, spare: bool | None = None) -> None:
        if size < 1:
            raise UserError("--workers must be at least 1", exit_code=2)
        self.spec = spec
        self.size = size
        self.timeout = timeout
        self.sandbox = sandbox
        self.start_timeout = start_timeout
        self.restarts = 0
        #: Last in, first out: the worker that answered last answers next, its caches warm (each worker
        #: process has its own store block cache: on a 10,000-paper store a query's first run in a
        #: fresh worker can take several times its next). Under load every worker serves anyway.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self._snapshot: Path | None = None
        self._text_index: TextIndex | None = None
        #: One worker kept ready, not serving, so that a killed worker is replaced in milliseconds.
        #: By default only over an on-disk store, where a worker costs little memory (in memory,
        #: every worker holds a whole copy of the graph).
        self.spares = 1 if (spec.store_dir is not None if spare is None else spare) else 0
        self._spare: _Worker | None = None
        self.last_replacement_ms: float | None = None
        self._started = threading.Event()
        #: set once the start's background work (the other workers, the spare, the segmenter) is done
        self._warmed = threading.Event()
        self._first: _Worker | None = None

    # -- lifecycle

    def start(self) -> WorkerPool:
        """Start every worker; return once the first has opened its store.

        The server answers as soon as one worker is ready (a request meanwhile waits for a
        worker, as it would behind a busy pool); the others, and the spare, join in the
        background. A store the first worker cannot open is an error here, at start.
        """
        first = self.launch()
        self._await_ready(first, raise_errors=True)

        def rest() -> None:
            # spawned only now, so that they did not take CPU from the first (2 cores are shared
            # with the web process's own start); the segmenter loads after them, for the same reason
            try:
                pending = [self._launch() for _ in range(self.size + self.spares - 1)]
                for i, worker in enumerate(pending, 1):
                    self._await_ready(worker, raise_errors=False, as_spare=i >= self.size)
            finally:
                self._started.set()
            try:
                if self._text_index is not None:
                    self._text_index.warm()
            finally:
                self._warmed.set()

        index = self.spec.index_path()
        if index is not None and index.exists():
            # text:query is rewritten here, in the web process: one segmenter, loaded in the background
            self._text_index = TextIndex(index)
        threading.Thread(target=rest, name="npt-kg-start", daemon=True).start()
        threading.Thread(target=self._watch, name="npt-kg-watch", daemon=True).start()
        return self

    def launch(self) -> _Worker:
        """Spawn the first worker (once) without waiting: `npt-kg serve` calls this before it loads the
        web side, so that the worker opens the store while Flask is imported; `start` then waits."""
        if self._first is None:
            self._snapshot_files()
            self._first = self._launch()
        return self._first

    def wait_started(self, timeout: float | None = None) -> bool:
        """Wait until every worker started with the pool (and the spare) has opened its store or failed."""
        return self._started.wait(timeout)

    def _watch(self) -> None:
        """Replace a worker that died while idle at once (one dying mid-request is replaced by the request)."""
        while not self._closed:
            time.sleep(0.05)
            with self._lock:
                workers = list(self._workers)
                spare = self._spare
            for worker in workers:
                if worker.pid is None or worker.retired or worker.alive():
                    continue
                if worker is spare:
                    with self._lock:
                        self._spare = None
                        worker.retired = True
                    self._forget(worker)
                    threading.Thread(target=self._await_ready, args=(self._launch(),),
                                     kwargs={"raise_errors": False, "as_spare": True}, daemon=True).start()
                else:
                    self._replace(worker)

    def _snapshot_files(self) -> None:
        """In-memory workers load files; a worker started later (to replace one) must load the same
        graph even if the file is rebuilt meanwhile, so they all load private copies."""
        if self.spec.store_dir is not None or self._snapshot is not None:
            return
        if not self.spec.graph.exists():
            raise UserError(f"{self.spec.graph}: no built graph here; run 'npt-kg build' first")
        self._snapshot = Path(tempfile.mkdtemp(prefix="npt-kg-serve-"))
        try:
            graph = self._snapshot / "graph.ttl"
            shutil.copyfile(self.spec.graph, graph)
            ontology = []
            for i, path in enumerate(self.spec.ontology_files):
                ontology.append(self._snapshot / f"ontology-{i}.ttl")
                shutil.copyfile(path, ontology[-1])
        except OSError as exc:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None
            raise UserError(f"cannot read the graph or the ontology: {exc}") from exc
        self.spec = dataclasses.replace(self.spec, graph=graph, ontology_files=tuple(ontology),
                                        text_index=self._snapshot / INDEX_NAME)

    def _launch(self) -> _Worker:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        # the worker imports this package the way this process did (checkout or installed)
        here = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "server.workers", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        worker.send(msg.Open(self.spec, self.sandbox))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_ready(self, worker: _Worker, *, raise_errors: bool, as_spare: bool = False) -> bool:
        try:
            reply = worker.recv(time.monotonic() + self.start_timeout)
        except (_Expired, _Died):
            reply = msg.Failed("the worker process exited while opening the store")
        if not isinstance(reply, msg.Ready):
            self._forget(worker)
            why = reply.message if isinstance(reply, msg.Failed) else repr(reply)
            if raise_errors:
                self.close()
                raise UserError(f"query worker could not open the store: {why}")
            log.error("query worker could not open the store: %s", why)
            return False
        worker.pid, worker.isolated = reply.pid, reply.isolated
        if self._closed:
            self._forget(worker)
            return False
        if as_spare:
            with self._lock:
                self._spare = worker
        else:
            self._idle.put(worker)
        return True

    def _forget(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` now; the spare (a worker with its store open, idle) takes its place at
        once, and a new spare (or, without one, the successor) starts in the background."""
        started = time.monotonic()
        with self._lock:
            if worker.retired:
                return
            worker.retired = True
        self._forget(worker)
        if self._closed:
            return
        with self._lock:
            self.restarts += 1
            spare, self._spare = self._spare, None
        if spare is not None and spare.alive():
            self._idle.put(spare)
            with self._lock:
                self.last_replacement_ms = round((time.monotonic() - started) * 1000, 3)
        elif spare is not None:
            self._forget(spare)
            spare = None

        def respawn(as_spare: bool) -> None:
            for attempt in range(5):
                if self._closed:
                    return
                if self._await_ready(self._launch(), raise_errors=False, as_spare=as_spare):
                    if not as_spare:
                        with self._lock:
                            self.last_replacement_ms = round((time.monotonic() - started) * 1000, 3)
                    return
                time.sleep(min(30.0, 2.0**attempt))

        if spare is None:  # no spare: the successor itself, then a spare again
            threading.Thread(target=lambda: (respawn(False), self.spares and respawn(True)),
                             name="npt-kg-respawn", daemon=True).start()
        else:
            threading.Thread(target=respawn, args=(True,), name="npt-kg-respawn", daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            with contextlib.suppress(_Died):
                worker.send(msg.Stop())
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(1)
            self._forget(worker)
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            workers = [w for w in self._workers if w is not self._spare]  # the spare does not serve
        return {
            "size": self.size,
            "alive": sum(1 for w in workers if w.pid is not None and w.alive()),
            "idle": self._idle.qsize(),
            "restarts": self.restarts,
            # the background work of the start is over: the workers, the spare and the segmenter are loaded
            "started": self._warmed.is_set(),
            "spare": self._spare.pid if self._spare is not None else None,
            "last_replacement_ms": self.last_replacement_ms,
            "pids": sorted(w.pid for w in workers if w.pid is not None),
            "network_isolated": all(w.isolated for w in workers if w.pid is not None),
        }

    # -- running requests

    def _acquire(self, deadline: float) -> _Worker:
        while True:
            remaining = deadline - time.monotonic()
            if self._closed:
                raise StoreUnavailable("the server is shutting down")
            try:
                worker = self._idle.get(timeout=max(0.0, remaining)) if remaining > 0 else self._idle.get_nowait()
            except queue.Empty:
                raise StoreUnavailable(
                    "all query workers are busy; try again in a moment") from None
            if worker.alive():
                return worker
            self._replace(worker)

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            self._forget(worker)
        else:
            self._idle.put(worker)

    def _deadline(self, timeout: float | None) -> tuple[float, float]:
        limit = self.timeout if timeout is None else timeout
        return time.monotonic() + limit, limit

    def _stream(self, worker: _Worker, request: msg.Request, deadline: float, limit: float,
                retry: bool = True) -> QueryResult:
        """Send `request`, wait for the result to start and its first chunk, and stream the rest."""
        try:
            worker.send(request)
            reply = worker.recv(deadline)
            if isinstance(reply, msg.Error):
                self._release(worker)
                if reply.kind is msg.ErrorKind.NOT_ACCEPTABLE:
                    raise NotAcceptable(ResultKind(reply.message))
                raise _ERRORS.get(reply.kind, QueryError)(reply.message)
            assert isinstance(reply, msg.Start), reply
            kind = ResultKind(reply.kind)
            media_type = reply.media_type
            first = worker.recv(deadline)
        except _Expired:
            self._replace(worker)
            raise QueryTimeout(f"query stopped after {limit:g} s, this endpoint's time limit") from None
        except _Died:
            killed = worker.killed_from_outside()
            self._replace(worker)
            if killed and retry and time.monotonic() < deadline:
                # SIGKILLed by someone else (an operator, the OOM killer) before its answer began: the
                # query is read-only and did not fail, so it runs once more on another worker
                return self._stream(self._acquire(deadline), request, deadline, limit, retry=False)
            raise StoreUnavailable("the query engine stopped while evaluating this query", query_fault=True) from None

        def chunks() -> Iterator[bytes]:
            finished = False
            try:
                reply = first
                while True:
                    if isinstance(reply, msg.End):
                        finished = True
                        self._release(worker)
                        return
                    if isinstance(reply, msg.Chunk):
                        yield reply.data
                    else:  # an error after the output began: the response can only be cut short
                        finished = True
                        self._release(worker)
                        raise QueryError(reply.message if isinstance(reply, msg.Error) else repr(reply))
                    reply = worker.recv(deadline)
            except _Expired:
                finished = True
                self._replace(worker)
                raise QueryTimeout(f"query stopped after {limit:g} s, this endpoint's time limit") from None
            except _Died:
                finished = True
                self._replace(worker)
                raise StoreUnavailable("the query engine stopped while writing results") from None
            finally:
                if not finished:  # the client went away mid-stream: the worker is mid-answer
                    self._replace(worker)

        return QueryResult(kind, format_from_media_type(kind, media_type), chunks())

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
        if uses_text_query(sparql):
            sparql = rewrite_text_queries(sparql, self._text_index)
        deadline, limit = self._deadline(timeout)
        worker = self._acquire(deadline)
        request = msg.Query(sparql, formats.to_media_types(), tuple(default_graph_uris), tuple(named_graph_uris),
                            max_rows)
        return self._stream(worker, request, deadline, limit)

    def dump(self, format: RdfFormat, *, graph: str | None = None, timeout: float | None = None) -> Iterator[bytes]:
        deadline, limit = self._deadline(timeout)
        worker = self._acquire(deadline)
        return iter(self._stream(worker, msg.Dump(format.media_type, graph), deadline, limit))

    def _call(self, request: msg.Request, timeout: float | None = None) -> Any:
        deadline, limit = self._deadline(timeout)
        worker = self._acquire(deadline)
        try:
            worker.send(request)
            reply = worker.recv(deadline)
        except _Expired:
            self._replace(worker)
            raise QueryTimeout(f"request stopped after {limit:g} s, this endpoint's time limit") from None
        except _Died:
            self._replace(worker)
            raise StoreUnavailable("the query engine stopped") from None
        self._release(worker)
        if isinstance(reply, msg.Error):
            raise QueryError(reply.message)
        assert isinstance(reply, msg.Value), reply
        return reply.value

    def triple_count(self) -> int:
        return int(self._call(msg.Count()))

    def graph_names(self) -> list[str]:
        return list(self._call(msg.Graphs()))

    def describe(self, iri: str, *, limit: int | None = None, timeout: float | None = None) -> list[Triple]:
        data = self._call(msg.Describe(iri, limit), timeout)
        return list(parse(data, RdfFormat.N_TRIPLES))


if __name__ == "__main__":
    worker_main(Connection(int(sys.argv[1])))
