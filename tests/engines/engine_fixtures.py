"""Fixtures of the engine tests: Oxigraph server and Virtuoso on loopback, started once per session.

An engine that cannot be installed here is skipped with the reason (`bench.peers.missing`);
`.ci/run` installs both, so CI runs everything. The seed graph is built once and published
into each engine by the `published` fixture, the way a user does it (`npt-kg publish`).
`Relay` is a real HTTP relay in front of an engine that counts what reaches it and can fail
or stall on cue: it shows what is never forwarded and how failures part-way are handled.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import LiveServer

from bench.peers import Engine, missing, start_oxigraph, start_virtuoso
from kg import resources
from kg.build import build_graph
from kg.commands import main as npt_kg

ENGINES = ("oxigraph", "virtuoso")

# Test modules take these with `from engine_fixtures import *` (a second conftest.py would clash with tests/').
__all__ = [
    "ENGINES",
    "Relay",
    "engine",
    "engines",
    "publish_args",
    "published",
    "relay",
    "run_publish",
    "seed_graph",
]


@pytest.fixture(scope="session")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("engines-graph") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    return out


def _start(name: str, workdir: Path) -> Engine:
    reason = missing(name)
    if reason:
        pytest.skip(f"{name} cannot be started here: {reason}")
    if name == "oxigraph":
        # a server-wide limit, so a query the tests abandon does not keep a core busy
        return start_oxigraph(workdir, timeout_s=20)
    return start_virtuoso(workdir, memory_mb=512)


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Engine]]:
    """Started lazily, stopped at the end of the session."""
    started: dict[str, Engine] = {}

    class Lazy(dict):
        def __missing__(self, name: str) -> Engine:
            started[name] = _start(name, tmp_path_factory.mktemp(name))
            self[name] = started[name]
            return started[name]

    yield Lazy()
    for eng in started.values():
        eng.stop()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest, engines: dict[str, Engine]) -> Engine:
    return engines[request.param]


def publish_args(eng: Engine, graph: Path, *extra: str) -> list[str]:
    args = ["publish", "--to", eng.gsp_url, "--graph", str(graph), "-q", *extra]
    if eng.user is not None:
        args += ["--user", eng.user]
    return args


def run_publish(eng: Engine, graph: Path, *extra: str, monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    """`npt-kg publish` in-process, the password passed through the environment as documented."""
    mp = monkeypatch or pytest.MonkeyPatch()
    try:
        if eng.password is not None:
            mp.setenv("NPT_KG_REMOTE_PASSWORD", eng.password)
        return npt_kg(publish_args(eng, graph, *extra))
    finally:
        if monkeypatch is None:
            mp.undo()


@pytest.fixture(scope="session")
def published(engines: dict[str, Engine], seed_graph: Path) -> Callable[[str], Engine]:
    """`published(name)`: that engine, holding the seed graph as `npt-kg publish` puts it."""
    done: set[str] = set()

    def get(name: str) -> Engine:
        eng = engines[name]
        if name not in done:
            assert run_publish(eng, seed_graph) == 0
            done.add(name)
        return eng

    return get


# --- a relay in front of an engine --------------------------------------------------------------------


@dataclass
class Relay:
    """Forwards every request to `target` (same path and query), counting them; can fail or stall on cue."""

    target: str  # scheme://host:port of the engine
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)
    #: (method, nth request of that method) → status to answer instead of forwarding
    fail: dict[tuple[str, int], int] = field(default_factory=dict)
    #: seconds to wait before answering a POST whose body holds a query (not the ASK probe)
    stall_queries: float = 0.0
    server: LiveServer | None = None
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, engine_url: str) -> str:
        """The relay's URL for one of the engine's URLs."""
        assert self.server is not None
        parts = urllib.parse.urlsplit(engine_url)
        return urllib.parse.urlunsplit(("http", f"127.0.0.1:{self.server.port}", parts.path, parts.query, ""))

    def queries(self) -> list[str]:
        """The query texts that reached the engine."""
        out = []
        for method, _, body in self.seen:
            if method == "POST" and body.startswith(b"query="):
                out.append(urllib.parse.parse_qs(body.decode())["query"][0])
        return out

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        with self._lock:
            self._counts[method] = self._counts.get(method, 0) + 1
            nth = self._counts[method]
            self.seen.append((method, path, body))
        status = self.fail.get((method, nth))
        if status is not None:
            start_response(f"{status} Injected", [("Content-Type", "text/plain")])
            return [b"injected failure\n"]
        if self.stall_queries and body.startswith(b"query=") and b"ASK" not in body[:40]:
            time.sleep(self.stall_queries)
        parts = urllib.parse.urlsplit(self.target)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers.pop("Host", None)
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        conn.request(method, path, body or None, headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        hop = {"connection", "transfer-encoding", "keep-alive", "content-length"}
        start_response(f"{resp.status} {resp.reason}", [(k, v) for k, v in resp.getheaders() if k.lower() not in hop])
        return [data]


@pytest.fixture
def relay(waitress_server) -> Callable[[Engine], Relay]:
    def make(eng: Engine) -> Relay:
        parts = urllib.parse.urlsplit(eng.query_url)
        r = Relay(target=f"{parts.scheme}://{parts.netloc}")
        r.server = waitress_server(r)
        return r

    return make
