"""One access-log line per request on stderr: client, request line, status, bytes sent and time taken.

A WSGI middleware rather than a Flask `after_request` hook because most bodies here are
streamed (query results, dumps): the byte count and the time are known only when the last
chunk has gone out, which is when the server closes the body iterator. waitress itself
writes no access log.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

#: Longest request target written out (a query string can be 100 KB).
MAX_TARGET = 1000

_lock = threading.Lock()


class _Counted:
    """The app's body, counted as it is sent; logs once, when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self._body = body
        self._done = done
        self._sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done(self._sent)


class AccessLog:
    """Wrap a WSGI app; `stream` gets `client "METHOD target PROTOCOL" status bytes ms` per request."""

    def __init__(self, app: Callable[..., Any], stream: TextIO | None = None) -> None:
        self.app = app
        self.stream = stream

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> _Counted:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        def done(sent: int) -> None:
            self.write(environ, status[0], sent, time.perf_counter() - started)

        return _Counted(self.app(environ, recording_start), done)

    def write(self, environ: dict[str, Any], status: str, sent: int, seconds: float) -> None:
        target = environ.get("PATH_INFO", "") or "/"
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        if len(target) > MAX_TARGET:
            target = target[:MAX_TARGET] + "…"
        client = environ.get("REMOTE_ADDR") or "-"
        line = (f'{client} "{environ.get("REQUEST_METHOD", "-")} {target} {environ.get("SERVER_PROTOCOL", "-")}" '
                f"{status} {sent} {seconds * 1000:.1f}ms\n")
        stream = self.stream or sys.stderr
        with _lock:
            stream.write(line)
            stream.flush()
