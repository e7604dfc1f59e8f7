"""The full listings an on-disk store is prepared with, and the server streaming them to a download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, Store

from kg import resources
from kg.build import build_graph
from kg.store import prepare_disk_store, read_manifest
from kg.store.library import load_library
from kg.store.listings import LISTINGS_DIR, full_listing_text, listing_name
from kg.store.sparqltext import query_form
from kg.store.textindex import INDEX_NAME, TextIndex, rewrite
from server.app import ServerConfig, close_app, create_app

CSV = {"Accept": "text/csv"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("listings")
    graph = root / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], graph)
    prepare_disk_store(root / "store", graph)
    return graph, root / "store"


def _lines(body: bytes) -> tuple[str, list[str]]:
    """The header line and the rows, sorted: rows that tie in the ORDER BY may come in either order."""
    header, *rows = body.decode("utf-8").splitlines()
    return header, sorted(rows)


def _engine_csv(store_dir: Path, text: str) -> bytes:
    store = Store.read_only(str(store_dir))
    evaluated = rewrite(text, TextIndex(store_dir / INDEX_NAME))
    return store.query(evaluated, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.CSV)


def test_the_store_holds_the_full_listing_of_every_paged_table(prepared: tuple[Path, Path]) -> None:
    _, store_dir = prepared
    written = {p.name for p in (store_dir / LISTINGS_DIR).iterdir()}
    library = load_library().values()
    paged = [q for q in library if q.page_size and query_form(q.sparql) == "SELECT"]
    assert paged
    for query in paged:
        assert listing_name(full_listing_text(query)) in written, query.name  # type: ignore[arg-type]
    # a query that does not page, or pages a graph (CONSTRUCT: the whole graph is /data), has none
    assert all(full_listing_text(q) is None for q in library if not q.page_size or query_form(q.sparql) != "SELECT")
    assert any(q.page_size and query_form(q.sparql) == "CONSTRUCT" for q in library)


def test_a_listing_holds_the_rows_the_engine_gives_on_the_store(prepared: tuple[Path, Path]) -> None:
    _, store_dir = prepared
    for query in (q for q in load_library().values() if q.page_size and query_form(q.sparql) == "SELECT"):
        text = full_listing_text(query)
        assert text is not None
        kept = (store_dir / LISTINGS_DIR / listing_name(text)).read_bytes()
        assert _lines(kept) == _lines(_engine_csv(store_dir, text)), query.name


def test_a_csv_download_streams_the_listing_and_no_cache_asks_the_engine(prepared: tuple[Path, Path],
                                                                        waitress_server) -> None:
    graph, store_dir = prepared
    app = create_app(ServerConfig(graph=graph, store_dir=store_dir, workers=1))
    try:
        server = waitress_server(app)
        path = "/queries/measures-by-type?all=1"
        served = server.get(path, headers=CSV)
        kept = (store_dir / LISTINGS_DIR / listing_name(full_listing_text(load_library()["measures-by-type"]))) \
            .read_bytes()  # type: ignore[arg-type]
        assert served.status == 200 and served.header("X-Cache") == "hit" and served.body == kept
        assert len(kept.splitlines()) > 2  # the seeds propose measures: a listing with rows
        engine = server.get(path, headers={**CSV, "Cache-Control": "no-cache"})
        assert engine.header("X-Cache") == "miss" and _lines(engine.body) == _lines(kept)
        as_json = server.get(path, headers={"Accept": "application/sparql-results+json"})
        assert as_json.header("X-Cache") == "miss"  # listings are CSV; other formats come from the engine
        assert len(json.loads(as_json.body)["results"]["bindings"]) == len(kept.splitlines()) - 1
        other = server.get("/queries/search-paragraphs?all=1&term=%E7%BD%91%E7%BB%9C", headers=CSV)  # 网络
        assert other.status == 200 and other.header("X-Cache") == "miss"  # not the default parameter: no listing
    finally:
        close_app(app)


def test_a_store_prepared_by_an_older_version_is_reloaded_not_refused(tmp_path: Path,
                                                                      prepared: tuple[Path, Path]) -> None:
    graph, _ = prepared
    store_dir = tmp_path / "store"
    first = prepare_disk_store(store_dir, graph)
    manifest = store_dir / "npt-kg-store.json"
    old = json.loads(manifest.read_text(encoding="utf-8"))
    old["version"] = 2
    manifest.write_text(json.dumps(old), encoding="utf-8")
    (store_dir / LISTINGS_DIR / "x.csv").unlink(missing_ok=True)
    again = prepare_disk_store(store_dir, graph)
    assert again["version"] == first["version"] and read_manifest(store_dir) == again
    assert any((store_dir / LISTINGS_DIR).iterdir())


def test_a_listing_is_not_served_once_the_store_was_prepared_again(tmp_path: Path, prepared: tuple[Path, Path],
                                                                   waitress_server) -> None:
    graph, _ = prepared
    store_dir = tmp_path / "store"
    prepare_disk_store(store_dir, graph)
    app = create_app(ServerConfig(graph=graph, store_dir=store_dir, workers=1))
    try:
        server = waitress_server(app)
        path = "/queries/measures-by-type?all=1"
        assert server.get(path, headers=CSV).header("X-Cache") == "hit"
        # the store prepared anew under the running server (a new folder swapped in by rename)
        swapped = tmp_path / "new"
        prepare_disk_store(swapped, graph)
        old = tmp_path / "old"
        store_dir.rename(old)
        swapped.rename(store_dir)
        again = server.get(path, headers=CSV)
        assert again.status == 200 and again.header("X-Cache") == "miss"  # the engine, of the store it opened
    finally:
        close_app(app)
