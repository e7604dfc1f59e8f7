"""Shared test fixtures: free loopback ports, real waitress servers, a small HTTP client.

A WSGI app under test is served by a real waitress server in a thread on 127.0.0.1, so
tests speak real HTTP (chunked streaming, connection handling, waitress's own limits).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

LOOPBACK = "127.0.0.1"
#: The repository checkout the tests run in.
REPO = Path(__file__).resolve().parent.parent


def find_free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    return find_free_port()


@dataclass
class HttpResponse:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class LiveServer:
    """A waitress server running an app in a background thread."""

    host: str
    port: int
    server: Any
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> HttpResponse:
        """One request on a fresh connection; `timeout` guards against hangs (it is not an assertion)."""
        return http_request(self.host, self.port, method, path, body, headers, timeout)

    def get(self, path: str, headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> HttpResponse:
        return self.request("GET", path, None, headers, timeout)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.server.close()
        with contextlib.suppress(Exception):
            self.server.task_dispatcher.shutdown()
        self.thread.join(10)


def http_request(host: str, port: int, method: str, path: str, body: bytes | str | None = None,
                 headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> HttpResponse:
    """Send exactly what is given (no re-encoding of the path), read the whole response."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        data = body.encode("utf-8") if isinstance(body, str) else body
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        resp = conn.getresponse()
        return HttpResponse(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def start_waitress(app: Callable[..., Any], *, host: str = LOOPBACK, threads: int = 4, **options: Any) -> LiveServer:
    """Serve `app` with waitress on a free port of `host`, in a daemon thread."""
    from waitress import create_server

    server = create_server(app, host=host, port=0, threads=threads, **options)
    thread = threading.Thread(target=server.run, name="waitress-test-server", daemon=True)
    thread.start()
    return LiveServer(host=host, port=server.effective_port, server=server, thread=thread)


def _server_factory() -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Callable[..., Any], **options: Any) -> LiveServer:
        server = start_waitress(app, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def waitress_server() -> Iterator[Callable[..., LiveServer]]:
    """Factory: `waitress_server(app)` starts a live server, stopped when the test ends."""
    yield from _server_factory()


@pytest.fixture(scope="module")
def module_waitress_server() -> Iterator[Callable[..., LiveServer]]:
    """Factory like `waitress_server`, for servers shared by a whole test module."""
    yield from _server_factory()


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory):
    """The seeds and some dev papers of either language, built as `npt-kg build` does (with the shipped
    typing models): what the tests of the models' evidence query."""
    from kg import resources
    from kg.build import build_graph
    from kg.store import load_dataset

    dev = REPO / "bench" / "eval" / "dev"
    graph = tmp_path_factory.mktemp("models") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR, *sorted(dev.glob("zh-2*.txt")), *sorted(dev.glob("en-2*.txt"))], graph)
    return load_dataset(graph)
