"""Real SPARQL engines on loopback, for the tests and the benchmarks: Oxigraph server and Virtuoso.

The engines an institution would publish the graph into (`npt-kg publish`) and serve it
from (`npt-kg serve --remote`). Each `start_*` function returns an `Engine` whose URLs point at a server
listening on 127.0.0.1 on a free port, with all its data under the given work directory; call
`stop()` (or use it as a context manager) to end it.

    with start_oxigraph(tmp / "ox") as ox, start_virtuoso(tmp / "vt") as vt:
        vt.bulk_load(Path("data.nt"), "https://w3id.org/npt-kg/graph/data")
        vt.gsp_put("urn:g", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples")
        rows = vt.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }")

Requirements: the `oxigraph` CLI (PyPI package `oxigraph`, in the `dev` extra) on PATH or next
to the running Python, and Debian's `virtuoso-opensource-7-bin` (binaries `virtuoso-t`, `isql-vt`);
`.ci/run` installs both. `missing(name)` says why an engine cannot be started here, for skips.
The engines' differences that matter when comparing answers are in docs/deploy.md.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kg.store.endpoint import digest_answer

HOST = "127.0.0.1"
SELECT_JSON = "application/sparql-results+json"

Auth = Literal["digest", "basic"] | None
Params = dict[str, str | list[str]]


class EngineError(RuntimeError):
    """An engine did not start, or refused a command."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _which(name: str) -> str:
    """`name` on PATH, or in the bin directory of the running interpreter (a venv not activated)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise EngineError(f"{name} not found on PATH")
    return found


def missing(name: str) -> str | None:
    """Why engine `name` ("oxigraph" or "virtuoso") cannot be started on this machine, or None."""
    needs = {"oxigraph": ["oxigraph"], "virtuoso": ["virtuoso-t", "isql-vt"]}[name]
    for exe in needs:
        try:
            _which(exe)
        except EngineError:
            how = "pip install oxigraph" if name == "oxigraph" else "apt-get install virtuoso-opensource-7-bin"
            return f"{exe} is not installed ({how})"
    return None


STARTERS = {}  # filled below: name -> start function


@dataclass
class Engine:
    """A running SPARQL server. `gsp_url` is the Graph Store endpoint: add `?graph=<iri>` (see `graph_url`)."""

    name: str
    version: str
    query_url: str
    update_url: str
    gsp_url: str
    user: str | None = None
    password: str | None = None
    auth: Auth = None
    workdir: Path = field(default_factory=Path)
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    def stop(self) -> None:
        """End the server process (SIGTERM, then SIGKILL after 30 s) and wait for it."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def bulk_load(self, path: Path, graph_iri: str | None) -> float:
        """Load an N-Triples/N-Quads (or Turtle) file with the engine's own bulk loader; returns seconds."""
        raise NotImplementedError

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- HTTP ----------------------------------------------------------------------------------

    def _opener(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy

    def _authorization(self, method: str, url: str) -> str | None:
        """A preemptive Authorization header, as `kg.store.endpoint` sends it (why: see there)."""
        if not self.auth or self.user is None:
            return None
        if self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        try:
            with self._opener().open(urllib.request.Request(url, method="GET"), timeout=30):
                return None  # no challenge: nothing to answer
        except urllib.error.HTTPError as err:
            challenge = err.headers.get("WWW-Authenticate", "")
            err.read()
        if not challenge.lower().startswith("digest "):
            return None
        return digest_answer(challenge, method, url, self.user, self.password or "")

    def request(self, method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 600.0, auth: bool = True) -> Response:
        """One HTTP request (with the engine's credentials); HTTP errors are returned, not raised.

        Credentials go only to URLs that need them (`auth=False`, or anonymous engines, skip them).
        """
        headers = dict(headers or {})
        needs_auth = auth and self.auth is not None and not url.startswith(self.query_url + "?") \
            and url != self.query_url
        if needs_auth and (value := self._authorization(method, url)):
            headers["Authorization"] = value
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener().open(req, timeout=timeout) as resp:
                return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())

    def graph_url(self, graph_iri: str | None) -> str:
        """The GSP URL of a named graph (`None`: the default graph)."""
        if graph_iri is None:
            return f"{self.gsp_url}?default"
        return f"{self.gsp_url}?graph={urllib.parse.quote(graph_iri, safe='')}"

    def gsp_put(self, graph_iri: str | None, body: bytes, content_type: str = "application/n-triples") -> Response:
        return self.request("PUT", self.graph_url(graph_iri), body, {"Content-Type": content_type})

    def gsp_post(self, graph_iri: str | None, body: bytes, content_type: str = "application/n-triples") -> Response:
        return self.request("POST", self.graph_url(graph_iri), body, {"Content-Type": content_type})

    def gsp_get(self, graph_iri: str | None, accept: str = "application/n-triples") -> Response:
        return self.request("GET", self.graph_url(graph_iri), headers={"Accept": accept})

    def gsp_delete(self, graph_iri: str | None) -> Response:
        return self.request("DELETE", self.graph_url(graph_iri))

    def query(self, sparql: str, accept: str = SELECT_JSON, params: Params | None = None,
              timeout: float = 600.0) -> Response:
        """A SPARQL query by POST (form-encoded).

        `params` adds protocol or engine parameters, a list for a repeated one: `default-graph-uri`,
        `named-graph-uri`, Virtuoso's `timeout` (milliseconds).
        """
        form = urllib.parse.urlencode({"query": sparql, **(params or {})}, doseq=True).encode()
        return self.request("POST", self.query_url, form,
                            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, timeout)

    def select(self, sparql: str, params: Params | None = None) -> list[dict]:
        """The JSON bindings of a SELECT; raises `EngineError` on a non-2xx answer."""
        resp = self.query(sparql, params=params)
        if resp.status // 100 != 2:
            raise EngineError(f"{self.name}: HTTP {resp.status}: {resp.body[:500]!r}")
        return resp.json()["results"]["bindings"]

    def update(self, sparql_update: str) -> Response:
        return self.request("POST", self.update_url, sparql_update.encode(),
                            {"Content-Type": "application/sparql-update"})

    def wait_http(self, deadline_s: float = 60.0) -> None:
        """Poll `ASK {}` until the server answers 200 (raises if the process died or time ran out)."""
        end = time.monotonic() + deadline_s
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise EngineError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                if self.query("ASK {}", timeout=5).status == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > end:
                raise EngineError(f"{self.name} not answering on {self.query_url} after {deadline_s} s")
            time.sleep(0.2)


def _spawn(cmd: list[str], log_path: Path, cwd: Path) -> subprocess.Popen:
    log = log_path.open("ab")
    try:
        # own session: a Ctrl-C in the test runner does not reach it before stop() does
        return subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()


# --- Oxigraph ----------------------------------------------------------------------------------


@dataclass
class OxigraphEngine(Engine):
    read_only: bool = False
    union_default_graph: bool = True
    timeout_s: float | None = None
    port: int = 0

    @property
    def store_dir(self) -> Path:
        return self.workdir / "store"

    def _start(self) -> None:
        cmd = [_which("oxigraph"), "serve-read-only" if self.read_only else "serve",
               "--location", str(self.store_dir), "--bind", f"{HOST}:{self.port}"]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        if self.timeout_s:
            cmd += ["--timeout-s", str(self.timeout_s)]
        self.process = _spawn(cmd, self.log_path or self.workdir / "oxigraph.log", self.workdir)
        self.wait_http()

    def bulk_load(self, path: Path, graph_iri: str | None) -> float:
        """`oxigraph load` into the store directory; the server is stopped meanwhile (RocksDB's lock)."""
        self.stop()
        cmd = [_which("oxigraph"), "load", "--location", str(self.store_dir), "--file", str(path)]
        if graph_iri is not None:  # only for triple formats: a quad file keeps its own graphs
            cmd += ["--graph", graph_iri]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        self._start()
        if out.returncode:
            raise EngineError(f"oxigraph load failed: {out.stderr[-2000:]}")
        return elapsed


def start_oxigraph(workdir: Path, *, read_only: bool = False, union_default_graph: bool = True,
                   timeout_s: float | None = None) -> OxigraphEngine:
    """`oxigraph serve` (or `serve-read-only`) on a free loopback port, store in `workdir/store`.

    No authentication: every endpoint is open (`/query`, `/update`, `/store`).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    exe = _which("oxigraph")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split()[-1]
    store = workdir / "store"
    if read_only and not store.exists():  # serve-read-only needs an existing store
        subprocess.run([exe, "load", "--location", str(store), "--format", "nt"], input=b"", check=True)
    port = free_port()
    base = f"http://{HOST}:{port}"
    eng = OxigraphEngine(name="oxigraph", version=version, query_url=f"{base}/query", update_url=f"{base}/update",
                         gsp_url=f"{base}/store", workdir=workdir, log_path=workdir / "oxigraph.log",
                         read_only=read_only, union_default_graph=union_default_graph, timeout_s=timeout_s,
                         port=port)
    eng._start()
    return eng


# --- Virtuoso ----------------------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = {host}:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 20
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = ., {d}, {load_dir}
; about 8 KB per buffer: {buffers} buffers ~ {buffers_mb} MB of page cache
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty}
MaxQueryMem          = 2G
ThreadsPerQuery      = {threads}
AsyncQueueMaxThreads = 10
; bytes of log one transaction may write (default 50 MB): a staged publish swaps its graphs by one
; MOVE, a transaction of the whole graph, which that default refuses above about a million triples
TransactionAfterImageLimit = {txn_log_bytes}
VectorSize           = 1000
MaxVectorSize        = 1000000

[HTTPServer]
ServerPort           = {host}:{http_port}
ServerRoot           = {d}/vsp
MaxClientConnections = 20
ServerThreads        = 20
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
Charset              = UTF-8
KeepAliveTimeout     = 10
MaxKeepAlives        = 10
EnabledGzipContent   = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
; rows a /sparql answer may hold (default 10000, silently truncated beyond)
ResultSetMaxRows           = {max_rows}
MaxSortedTopRows           = {max_rows}
; seconds; 0 = no limit. The per-request `timeout=` (ms) parameter applies below this cap.
MaxQueryExecutionTime      = {max_exec_s}
MaxQueryCostEstimationTime = 0
"""


@dataclass
class VirtuosoEngine(Engine):
    sql_port: int = 0
    http_port: int = 0

    @property
    def load_dir(self) -> Path:
        return self.workdir / "load"

    def isql(self, script: str, timeout: float = 3600.0) -> str:
        """Run SQL statements through `isql-vt` as dba; raises on any `*** Error` in the output."""
        cmd = [_which("isql-vt"), f"{HOST}:{self.sql_port}", self.user or "dba", self.password or "dba",
               "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"]
        out = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=timeout)
        text = out.stdout + out.stderr
        if out.returncode or "*** Error" in text:
            raise EngineError(f"isql failed ({out.returncode}): {text[-2000:]}")
        return text

    def bulk_load(self, path: Path, graph_iri: str | None) -> float:
        """`ld_dir` + `rdf_loader_run()` + `checkpoint`. The file is linked into `workdir/load/<n>/`.

        `graph_iri` is the target graph of triples; for N-Quads it is only the fallback graph.
        Raises if the loader recorded an error for the file.
        """
        sub = self.load_dir / f"{time.monotonic_ns()}"
        sub.mkdir(parents=True)
        target = sub / path.name
        try:
            os.link(path.resolve(), target)
        except OSError:
            shutil.copyfile(path, target)
        graph = _sql_str(graph_iri or "urn:virtuoso:default")
        t0 = time.perf_counter()
        self.isql(f"ld_dir({_sql_str(str(sub))}, {_sql_str(path.name)}, {graph});\n"
                  "rdf_loader_run();\ncheckpoint;\n")
        elapsed = time.perf_counter() - t0
        errors = self.isql(f"SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE "
                           f"{_sql_str(str(sub) + '/%')} AND ll_error IS NOT NULL;\n")
        if str(sub) in errors:
            raise EngineError(f"virtuoso bulk load failed: {errors[-2000:]}")
        target.unlink()
        return elapsed

    def stop(self) -> None:
        """A clean `shutdown` through isql (checkpoint first), then the generic SIGTERM/SIGKILL."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.isql("shutdown;\n", timeout=60)
                self.process.wait(60)
            except (EngineError, subprocess.SubprocessError, OSError):
                pass
        super().stop()


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def start_virtuoso(workdir: Path, *, password: str | None = None, memory_mb: int = 2048,
                   max_rows: int = 10_000_000, max_exec_s: int = 0, threads: int = 2,
                   anonymous_update: bool = False, ready_s: float = 120.0,
                   txn_log_bytes: int = 2_000_000_000) -> VirtuosoEngine:
    """`virtuoso-t +foreground` with its own ini in `workdir`, SQL and HTTP on free loopback ports.

    dba gets `password` (random when None). The URLs: query `/sparql` (anonymous, read-only),
    update `/sparql-auth` and GSP `/sparql-graph-crud-auth`, both HTTP digest for dba.
    With `anonymous_update`, the SPARQL user gets SPARQL_UPDATE too (then `/sparql` and
    `/sparql-graph-crud` write without credentials; only for throwaway test servers).
    `txn_log_bytes` is the most log one transaction may write (Virtuoso's own default is 50 MB).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "vsp").mkdir(exist_ok=True)
    (workdir / "load").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    buffers = max(10_000, memory_mb * 1024 // 8 * 2 // 3)  # 2/3 of the budget as page cache, 8 KB pages
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=workdir.resolve(), load_dir=(workdir / "load").resolve(), host=HOST,
                                       sql_port=sql_port, http_port=http_port, buffers=buffers,
                                       buffers_mb=buffers * 8 // 1024, dirty=buffers * 3 // 4, threads=threads,
                                       max_rows=max_rows, max_exec_s=max_exec_s, txn_log_bytes=txn_log_bytes),
                   encoding="utf-8")
    exe = _which("virtuoso-t")
    banner = subprocess.run([exe, "-?"], capture_output=True, text=True)
    version = next((line.split()[1] for line in (banner.stdout + banner.stderr).splitlines()
                    if line.startswith("Version ")), "?")
    base = f"http://{HOST}:{http_port}"
    eng = VirtuosoEngine(name="virtuoso", version=version, query_url=f"{base}/sparql",
                         update_url=f"{base}/sparql-auth", gsp_url=f"{base}/sparql-graph-crud-auth",
                         user="dba", password="dba", auth="digest", workdir=workdir,
                         log_path=workdir / "virtuoso-stdout.log", sql_port=sql_port, http_port=http_port)
    eng.process = _spawn([exe, "+foreground", "+configfile", str(ini.resolve())], eng.log_path, workdir)
    try:
        eng.wait_http(ready_s)  # HTTP comes up after the SQL listener, once initialisation is done
        new_password = password or secrets.token_hex(12)
        if new_password != "dba":
            eng.isql(f"user_set_password('dba', {_sql_str(new_password)});\n")
            eng.password = new_password
        if anonymous_update:
            eng.isql("GRANT SPARQL_UPDATE TO \"SPARQL\";\n")
    except BaseException:
        eng.stop()
        raise
    return eng


STARTERS.update(oxigraph=start_oxigraph, virtuoso=start_virtuoso)
