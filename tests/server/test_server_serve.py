"""`npt-kg serve` as a user runs it: a subprocess that builds the graph when needed and stops cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LOOPBACK, find_free_port, http_request

from kg import resources
from kg.build import build_graph
from kg.commands.serve import is_stale
from kg.store import read_manifest

NPT_KG = Path(sys.executable).parent / "npt-kg"
ASK = "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"


class Serve:
    """One `npt-kg serve` process, in its own process group, with its stderr kept."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.port = find_free_port()
        self.log = cwd / f"serve-{self.port}.log"
        cmd = [str(NPT_KG) if NPT_KG.exists() else sys.executable, *([] if NPT_KG.exists() else ["-m", "kg.commands"]),
               "serve", "--host", LOOPBACK, "--port", str(self.port), *args]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, limit: float = 120.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited with {self.proc.returncode}: {self.output()}")
            try:
                if http_request(LOOPBACK, self.port, "GET", ASK, timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not ready: {self.output()}")

    def get(self, path: str) -> bytes:
        return http_request(LOOPBACK, self.port, "GET", path, timeout=30).body

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> int:
        os.killpg(self.proc.pid, signal.SIGTERM) if self.proc.poll() is None else None
        try:
            return self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A working directory with the seed papers, as a user's checkout has, and a graph built as g.ttl."""
    shutil.copytree(resources.SEEDS_DIR, tmp_path / "seeds")
    build_graph([tmp_path / "seeds"], tmp_path / "g.ttl")
    yield tmp_path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_builds_the_missing_graph_answers_and_stops_on_sigterm(project: Path) -> None:
    serve = Serve(project, "--workers", "2", "--timeout", "20")
    try:
        serve.wait_ready()
        assert (project / "build" / "npt-kg.ttl").is_file()
        assert json.loads(serve.get(ASK)) == {"head": {}, "boolean": True}
        health = json.loads(serve.get("/health"))
        deadline = time.monotonic() + 60
        while health["workers"]["alive"] < 2 and time.monotonic() < deadline:  # the first answers; the rest join
            time.sleep(0.1)
            health = json.loads(serve.get("/health"))
        assert health["triples"] > 0 and health["workers"]["alive"] == 2
        pids = health["workers"]["pids"]
        assert "building it from" in serve.output() and "SPARQL endpoint at http://127.0.0.1:" in serve.output()
    finally:
        code = serve.terminate()
    assert code == 0, serve.output()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)
    assert "Traceback" not in serve.output()


def test_serve_with_a_store_dir_reuses_it_the_second_time(project: Path) -> None:
    graph = project / "g.ttl"
    first = Serve(project, "--graph", str(graph), "--store-dir", "store", "--workers", "1")
    try:
        first.wait_ready()
    finally:
        assert first.terminate() == 0, first.output()
    manifest = read_manifest(project / "store")
    assert manifest is not None and manifest["triples"] > 0
    second = Serve(project, "--graph", str(graph), "--store-dir", "store", "--workers", "1")
    try:
        second.wait_ready()
        assert json.loads(second.get("/health"))["store"] == "disk"
    finally:
        assert second.terminate() == 0, second.output()
    assert "loading" not in second.output()
    assert read_manifest(project / "store") == manifest


def test_serve_reports_a_port_in_use_in_one_line(project: Path) -> None:
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([str(NPT_KG), "serve", "--port", str(port), "--graph", str(project / "g.ttl")],
                              cwd=project, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--timeout", "0"], "--timeout"), (["--workers", "0"], "--workers"), (["--max-rows", "-1"], "--max-rows"),
])
def test_serve_rejects_bad_options(project: Path, args: list[str], message: str) -> None:
    proc = subprocess.run([str(NPT_KG), "serve", *args], cwd=project, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_graph_is_stale_when_a_paper_or_the_ontology_changed(tmp_path: Path) -> None:
    seeds, onto = tmp_path / "seeds", tmp_path / "ontology"
    seeds.mkdir()
    onto.mkdir()
    (seeds / "a.txt").write_text("x", encoding="utf-8")
    (onto / "o.ttl").write_text("", encoding="utf-8")
    graph = tmp_path / "g.ttl"
    graph.write_text("", encoding="utf-8")
    old, new = time.time() - 100, time.time()
    for p in (seeds, onto, seeds / "a.txt", onto / "o.ttl"):
        os.utime(p, (old, old))
    os.utime(graph, (new, new))
    assert not is_stale(graph, seeds, onto)
    os.utime(seeds / "a.txt", (new + 10, new + 10))
    assert is_stale(graph, seeds, onto)
    os.utime(seeds / "a.txt", (old, old))
    os.utime(onto / "o.ttl", (new + 10, new + 10))
    assert is_stale(graph, seeds, onto)
