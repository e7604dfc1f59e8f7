"""The result cache, paged named queries over HTTP, and the spare worker."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from test_server_sample import write_sample

from kg import resources
from kg.build import build_graph
from kg.store import StoreSpec, prepare_disk_store
from kg.store.library import load_library
from server.app import ServerConfig, close_app, create_app
from server.cache import CachedStore, content_hash
from server.workers import WorkerPool

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def spec(tmp_path: Path) -> StoreSpec:
    graph = write_sample(tmp_path / "g")
    return StoreSpec(graph=graph)


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(spec: StoreSpec) -> None:
    cached = CachedStore(spec.open(), content_hash(spec))
    first = cached.query(COUNT).read()
    again = cached.query(COUNT)
    assert getattr(again, "cache_hit", False)
    assert again.read() == first
    assert cached.cache_stats()["hits"] == 1 and cached.cache_stats()["misses"] == 1


def test_the_key_is_the_content_so_another_graph_misses(spec: StoreSpec, tmp_path: Path) -> None:
    other = StoreSpec(graph=write_sample(tmp_path / "other"))
    assert content_hash(spec) == content_hash(StoreSpec(graph=spec.graph))
    with spec.graph.open("a", encoding="utf-8") as f:
        f.write("<https://w3id.org/npt-kg/id/test/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    assert content_hash(spec) != content_hash(other)


def test_a_result_read_only_in_part_or_too_big_is_not_kept(spec: StoreSpec) -> None:
    cached = CachedStore(spec.open(), content_hash(spec), max_entry_bytes=10)
    cached.query(COUNT).read()
    assert cached.cache_stats()["entries"] == 0
    cached = CachedStore(spec.open(), content_hash(spec))
    result = cached.query("SELECT * WHERE { ?s ?p ?o }")
    next(iter(result))
    result.close()
    assert cached.cache_stats()["entries"] == 0


@pytest.fixture
def client(spec: StoreSpec):
    app = create_app(ServerConfig(graph=spec.graph, use_workers=False))
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="module")
def seed_client(tmp_path_factory: pytest.TempPathFactory):
    graph = tmp_path_factory.mktemp("seeds") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], graph)
    app = create_app(ServerConfig(graph=graph, use_workers=False))
    yield app.test_client()
    close_app(app)


def test_http_reports_hits_and_no_cache_goes_to_the_engine(client) -> None:
    first = client.get("/sparql", query_string={"query": COUNT})
    assert first.headers["X-Cache"] == "miss" and first.data  # read to the end: now kept
    again = client.get("/sparql", query_string={"query": COUNT})
    assert again.headers["X-Cache"] == "hit" and again.data == first.data
    fresh = client.get("/sparql", query_string={"query": COUNT}, headers={"Cache-Control": "no-cache"})
    assert fresh.headers["X-Cache"] == "miss" and fresh.status_code == 200


def test_a_paged_named_query_pages_and_streams_every_row(seed_client) -> None:
    client = seed_client
    whole = client.get("/queries/papers?all=1", headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(whole.data)["results"]["bindings"]
    assert len(rows) >= 2
    first = client.get("/queries/papers?limit=1&offset=0", headers={"Accept": "application/sparql-results+json"})
    second = client.get("/queries/papers?limit=1&offset=1", headers={"Accept": "application/sparql-results+json"})
    one, two = (json.loads(r.data)["results"]["bindings"] for r in (first, second))
    assert len(one) == len(two) == 1 and one != two
    csv = client.get("/queries/papers?all=1", headers={"Accept": "text/csv"})
    assert csv.content_type.startswith("text/csv") and len(csv.data.decode().strip().splitlines()) == len(rows) + 1
    assert client.get("/queries/papers?limit=0").status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404


def test_paged_queries_declare_their_page_and_lose_it_whole() -> None:
    library = load_library()
    paged = {name for name, q in library.items() if q.page_size}
    assert {"papers", "measures-by-type", "cited-documents", "search-paragraphs"} <= paged
    for name in paged:
        q = library[name]
        assert q.paged(7, 14) != q.sparql and ("LIMIT 7 OFFSET 14" in q.paged(7, 14) or " 7 14)" in q.paged(7, 14))
        assert f"LIMIT {q.page_size} OFFSET 0" not in q.whole()


def test_a_killed_worker_is_replaced_by_the_spare_at_once(tmp_path: Path, spec: StoreSpec) -> None:
    prepare_disk_store(tmp_path / "store", spec.graph)
    pool = WorkerPool(StoreSpec(graph=spec.graph, store_dir=tmp_path / "store"), size=1, timeout=30).start()
    try:
        assert pool.wait_started(120)  # start returns with one worker ready; the spare joins after
        deadline = time.monotonic() + 60
        while not pool.stats()["started"]:  # then the segmenter loads: the start's work is over
            assert time.monotonic() < deadline
            time.sleep(0.05)
        before = pool.stats()
        assert before["spare"] is not None and before["spare"] not in before["pids"]
        os.kill(before["pids"][0], signal.SIGKILL)
        time.sleep(0.2)
        assert json.loads(pool.query("ASK { ?s ?p ?o }").read())["boolean"] is True
        now = pool.stats()
        assert now["restarts"] == 1 and now["pids"] == [before["spare"]]
        assert now["last_replacement_ms"] is not None and now["last_replacement_ms"] < 1000
        deadline = time.monotonic() + 60
        while pool.stats()["spare"] is None:  # a new spare starts in the background
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        pool.close()
