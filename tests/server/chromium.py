"""A headless Debian Chromium driven over the DevTools protocol, for tests of pages.

Chromium starts with a fresh profile and no network of its own besides the page's server;
the DevTools websocket (websocket-client) evaluates script in the page and collects console
errors, uncaught exceptions and browser log errors (a Content-Security-Policy violation is one),
so a test can assert that a page drew its pictures and said nothing wrong while doing so.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import websocket

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--remote-debugging-port=0")


def available() -> bool:
    return Path(CHROMIUM).is_file()


class Page:
    """One tab: navigate, evaluate, wait for a condition, screenshot; errors are kept in `errors`."""

    def __init__(self, ws: websocket.WebSocket) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def _event(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                      for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append("exception: " + str(details.get("exception", {}).get("description")
                                                   or details.get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll `expression` until it is truthy; its last value is returned (a timeout is not an assertion)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.1)

    def screenshot(self, path: Path, width: int = 1280, height: int = 900) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        path.write_bytes(base64.b64decode(data))


@contextlib.contextmanager
def browser(timeout: float = 30.0) -> Iterator[Page]:
    """A headless Chromium with a throwaway profile, and a websocket to its first tab.

    Its stderr goes to a file, not a pipe nobody reads while it runs: a chatty start fills a
    pipe's buffer and Chromium then blocks before it opens the DevTools port. A start that still
    opens no port is tried once more with a fresh profile before the test fails.
    """
    for attempt in (1, 2):
        with tempfile.TemporaryDirectory(prefix="npt-kg-chromium-", ignore_cleanup_errors=True) as profile:
            log_path = Path(profile) / "stderr.log"
            with log_path.open("w") as log:
                proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=log, text=True)
            try:
                try:
                    port = _devtools_port(proc, Path(profile), timeout, log_path)
                except _NoPort:
                    if attempt == 1:
                        continue
                    raise RuntimeError("chromium did not open its DevTools port: "
                                       + log_path.read_text(errors="replace")[-500:]) from None
                tab = _first_tab(port, timeout)
                ws = websocket.create_connection(tab, timeout=timeout, suppress_origin=True)
                try:
                    yield Page(ws)
                finally:
                    ws.close()
                return
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


class _NoPort(Exception):
    """Chromium is running but has not written its DevTools port."""


def _devtools_port(proc: subprocess.Popen[str], profile: Path, timeout: float, log_path: Path) -> int:
    """Chromium writes the port it chose to DevToolsActivePort in the profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-500:]
            raise RuntimeError(f"chromium exited with {proc.returncode}: {tail}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        time.sleep(0.05)
    raise _NoPort()


def _first_tab(port: int, timeout: float) -> str:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as resp:
                tabs = [t for t in json.load(resp) if t.get("type") == "page"]
            if tabs:
                return re.sub(r"^ws://localhost", "ws://127.0.0.1", tabs[0]["webSocketDebuggerUrl"])
        time.sleep(0.05)
    raise RuntimeError("chromium has no page to drive")
