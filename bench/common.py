"""Shared pieces of the benchmark and the load test: the machine, the server process, HTTP, memory.

The server always runs as a real subprocess (`npt-kg serve`) on 127.0.0.1 and is spoken to over
HTTP with the standard library, the way an outside client would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kg.store.sparqltext import query_form

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
SEEDS_DIR = ROOT / "seeds"
QUERIES_DIR = ROOT / "queries"
HOST = "127.0.0.1"

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle"


# --- the machine ----------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine slows every number down."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> dict:
    """What the numbers were measured on: results from different machines are not comparable."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": _mem_total_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": {d: _version(d) for d in ("pyoxigraph", "rdflib", "oxrdflib", "flask", "waitress", "npt-kg")},
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": load_average(),
        "commit": _git_commit(),
    }


# --- statistics -----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return s[k]


def summarize(times: list[float]) -> dict:
    """p50, p95 (and mean) in milliseconds."""
    if not times:
        return {"n": 0}
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(percentile(times, 95) * 1000, 3),
        "mean_ms": round(statistics.fmean(times) * 1000, 3),
    }


def geomean(values: list[float]) -> float | None:
    vals = [v for v in values if v and v > 0]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


# --- memory ---------------------------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def descendants(pid: int) -> list[int]:
    """Child processes of `pid`, recursively (the server's query workers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def peak_memory(pid: int) -> dict:
    """Peak resident memory (VmHWM) in MB of a process and each of its descendants, and their sum."""
    main = _status_kb(pid, "VmHWM") or 0
    children = {c: _status_kb(c, "VmHWM") or 0 for c in descendants(pid)}
    return {
        "main_mb": round(main / 1024, 1),
        "workers_mb": [round(v / 1024, 1) for v in children.values()],
        "total_mb": round((main + sum(children.values())) / 1024, 1),
    }


def pss_mb(pid: int) -> dict:
    """Proportional set size (shared pages divided among their users) of a process tree, in MB.

    The honest sum for a server whose workers share pages (the store's files, copy-on-write
    memory): resident sizes would count shared pages once per process.
    """
    def one(p: int) -> float:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
        return 0.0

    main = one(pid)
    workers = [one(c) for c in descendants(pid)]
    return {"main_mb": round(main, 1), "workers_mb": [round(w, 1) for w in workers],
            "total_mb": round(main + sum(workers), 1)}


def git_clean() -> bool | None:
    """Whether the working tree had no uncommitted changes (results files aside)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", ".", ":!bench/results.*",
                              ":!bench/loadtest.*"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.returncode == 0 and not out.stdout.strip()


def self_peak_mb() -> float:
    return round((_status_kb(os.getpid(), "VmHWM") or 0) / 1024, 1)


# --- HTTP -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def marked_section(text: str, name: str) -> str:
    """The `<!-- name:begin -->` … `<!-- name:end -->` section of `text` (another tool writes it), or ""."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    a, b = text.find(begin), text.find(end)
    return text[a:b + len(end)] if a != -1 and b > a else ""


def replace_marked(text: str, name: str, section: str) -> str:
    """`text` with its `name` section replaced by `section` (which carries the markers), or appended."""
    old = marked_section(text, name)
    if old:
        return text.replace(old, section.strip("\n"), 1)
    return text.rstrip("\n") + "\n\n" + section.strip("\n") + "\n"


def accept_for(sparql: str) -> str:
    return GRAPH_ACCEPT if query_form(sparql) in ("CONSTRUCT", "DESCRIBE") else SELECT_ACCEPT


class SparqlClient:
    """One keep-alive HTTP connection to the endpoint; reconnects after errors."""

    def __init__(self, port: int, timeout: float = 120.0, path: str = "/sparql") -> None:
        self.port = port
        self.timeout = timeout
        self.path = path
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def query(self, sparql: str, accept: str | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        """POST the query (SPARQL 1.1 protocol, form-encoded); return status, body and seconds."""
        # bytes, so that http.client sends headers and body in one write (no Nagle / delayed-ACK stall)
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": accept or accept_for(sparql), **(headers or {})}
        t0 = time.perf_counter()
        try:
            conn = self._connection()
            conn.request("POST", self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return status, data, time.perf_counter() - t0


def count_results(data: bytes, accept: str) -> int | None:
    """Rows of a JSON result set, the boolean as 0/1, or lines of a Turtle/N-Triples graph (roughly)."""
    if accept == SELECT_ACCEPT:
        return count_json_results(data)
    return None


def count_json_results(data: bytes) -> int | None:
    """Rows of a SPARQL JSON result set, or an ASK's boolean as 0/1; None when it is not JSON."""
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if "boolean" in doc:
        return int(bool(doc["boolean"]))
    return len(doc.get("results", {}).get("bindings", []))


# --- the server process ----------------------------------------------------------------------


def npt_kg_command() -> list[str]:
    exe = Path(sys.executable).parent / "npt-kg"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("npt-kg")
    return [found] if found else [sys.executable, "-m", "kg.commands"]


@dataclass
class Server:
    """`npt-kg serve` as a subprocess on a free loopback port."""

    graph: Path
    store_dir: Path | None = None
    workers: int | None = None
    threads: int | None = None
    timeout: float | None = None
    extra: list[str] = field(default_factory=list)
    port: int = 0
    proc: subprocess.Popen | None = None
    start_seconds: float | None = None
    log_path: Path | None = None

    def start(self, ready_timeout: float = 900.0) -> float:
        """Start and wait until a query answers; return the seconds that took."""
        self.port = free_port()
        cmd = [*npt_kg_command(), "serve", "--host", HOST, "--port", str(self.port), "--graph", str(self.graph)]
        if self.store_dir is not None:
            cmd += ["--store-dir", str(self.store_dir)]
        if self.workers is not None:
            cmd += ["--workers", str(self.workers)]
        if self.threads is not None:
            cmd += ["--threads", str(self.threads)]
        if self.timeout is not None:
            cmd += ["--timeout", str(self.timeout)]
        cmd += self.extra
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log if self.log_path else subprocess.PIPE,
                                     start_new_session=True)
        client = SparqlClient(self.port, timeout=ready_timeout)
        deadline = t0 + ready_timeout
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"server exited with {self.proc.returncode}: {err.strip()[-2000:]}")
            try:
                status, _, _ = client.query("ASK { ?s ?p ?o }", SELECT_ACCEPT)
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"server not ready after {ready_timeout} s")
            time.sleep(0.05)
        client.close()
        self.start_seconds = time.perf_counter() - t0
        return self.start_seconds

    def wait_until_idle(self, limit: float = 900.0) -> float:
        """Wait until every query worker is up and idle (after a start, or after a time limit killed one),
        and the start's background work is done; return the seconds.

        The server replaces a worker it stopped at its time limit in the background; at large scale
        the new worker needs a while to load the store, and a query timed meanwhile would measure
        that wait instead of the query.
        """
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < limit:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                conn.request("GET", "/health", headers={"Accept": "application/json"})
                resp = conn.getresponse()
                body = json.loads(resp.read() or b"{}")
                conn.close()
                workers = body.get("workers") or {}
                if resp.status == 200 and (not workers or (workers.get("idle", 0) >= workers.get("size", 1)
                                                           and workers.get("started", True))):
                    break
            except (OSError, ValueError, http.client.HTTPException):
                pass
            time.sleep(1.0)
        return time.perf_counter() - t0

    def memory(self) -> dict:
        return peak_memory(self.proc.pid) if self.proc else {}

    def stop(self) -> None:
        """Stop the server and its workers: SIGTERM to its process group (it has its own session)."""
        if self.proc is None:
            return
        pid = self.proc.pid
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.proc = None

    def __enter__(self) -> Server:
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
