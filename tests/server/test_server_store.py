"""The store interface (kg.store), on-disk stores with their manifest, the worker pool, and the query guard."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, parse, parse_query_results
from test_server_sample import AUSTRIA, PAPER, write_sample

from kg import vocab
from kg.errors import UserError
from kg.store import (
    MANIFEST_NAME,
    Formats,
    GraphStore,
    NotAcceptable,
    OxigraphStore,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyError,
    ResultKind,
    StoreSpec,
    load_dataset,
    memory_store,
    names_own_dataset,
    prepare_disk_store,
    read_manifest,
    select_rows,
)
from server import guard
from server.workers import WorkerPool

# --- the guard ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * { service silent <http://x/> {} }",
    "SELECT * { ?s ?p ?o OPTIONAL { SERVICE ?e {} } }",
    "SELECT * {\tSERVICE\n<http://x/> {} }",
    "SELECT * { SERVICE#\n<http://x/> {} }",
    "SELECT * { \\u0053ERVICE <http://x/> {} }",
])
def test_guard_finds_service_wherever_it_is_a_keyword(query: str) -> None:
    with pytest.raises(guard.Refused) as err:
        guard.check(query)
    assert err.value.status == 400 and "SERVICE" in err.value.message


@pytest.mark.parametrize("query", [
    'SELECT ("SERVICE <http://x/>" AS ?x) {}',
    "SELECT ('''a\nSERVICE <http://x/>''' AS ?x) {}",
    "SELECT * { <http://x/SERVICE> ?p ?o }",
    "PREFIX service: <http://x/>\nSELECT * { service:a ?p ?o }",
    "SELECT ?service { ?service ?p ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    'SELECT * { ?s ?p "x"@service }',
])
def test_guard_lets_service_in_literals_iris_names_and_comments_pass(query: str) -> None:
    assert guard.check(query).uses_service is False


def test_guard_reads_the_form_after_the_prologue() -> None:
    assert guard.shape("PREFIX a: <http://a/>\nBASE <http://b/>\n# c\nselect * {}").form == "SELECT"
    assert guard.shape("ASK {}").form == "ASK"


@pytest.mark.parametrize(("update", "operation"), [
    ("INSERT DATA { <http://a/> <http://b/> 1 }", "INSERT DATA"),
    ("PREFIX e: <http://e/> LOAD <http://e/x>", "LOAD"),
    ("CLEAR ALL ; DROP GRAPH <http://g/>", "CLEAR, DROP"),
])
def test_guard_names_the_update_operations(update: str, operation: str) -> None:
    with pytest.raises(ReadOnlyError, match="read-only") as err:
        guard.check(update)
    assert operation in str(err.value)


def test_guard_calls_a_malformed_update_read_only_too() -> None:
    with pytest.raises(ReadOnlyError, match="read-only"):
        guard.check("INSERT DATA { this is not valid")


def test_guard_caps_size_and_nesting() -> None:
    with pytest.raises(guard.Refused) as err:
        guard.check("ASK {}" + " " * 200, max_bytes=100)
    assert err.value.status == 413
    with pytest.raises(guard.Refused) as err:
        guard.check("ASK " + "{" * 20 + "}" * 20, max_nesting=10)
    assert err.value.status == 400
    assert guard.check("ASK " + "{" * 10 + "}" * 10, max_nesting=10).depth == 10


def test_syntax_errors_of_queries_stay_syntax_errors() -> None:
    err = guard.classify_syntax_error("SELECT * WHERE { ?s }", "error at 1:20")
    assert isinstance(err, QuerySyntaxError) and not isinstance(err, ReadOnlyError)


def test_from_clauses_are_seen_only_as_keywords() -> None:
    assert names_own_dataset("SELECT * FROM <http://g/> { ?s ?p ?o }")
    assert names_own_dataset("select * from named <http://g/> { }")
    assert not names_own_dataset('SELECT ("FROM" AS ?x) { ?from ?p <http://x/FROM> }')


# --- the in-process store ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    return memory_store(write_sample(tmp_path_factory.mktemp("store")))


def test_in_process_store_fits_the_interface(store: OxigraphStore) -> None:
    assert isinstance(store, GraphStore)


def test_query_streams_native_serializations(store: OxigraphStore) -> None:
    result = store.query(f"SELECT ?l WHERE {{ <{AUSTRIA}> ?p ?l FILTER(isLiteral(?l)) }}",
                         formats=Formats(solutions=QueryResultsFormat.XML))
    assert result.kind is ResultKind.SOLUTIONS and result.format == QueryResultsFormat.XML
    values = {s["l"].value for s in parse_query_results(result.read(), QueryResultsFormat.XML)}
    assert {"Austria", "奥地利", "AT"} <= values


def test_row_cap_keeps_the_first_rows_in_any_format(store: OxigraphStore) -> None:
    for fmt in (QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.TSV):
        body = store.query("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", max_rows=7,
                           formats=Formats(solutions=fmt)).read()
        rows = list(parse_query_results(body, fmt))
        assert len(rows) == 7
    full = list(parse_query_results(store.query("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 7").read(),
                                    QueryResultsFormat.JSON))
    capped = list(parse_query_results(store.query("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
                                                  max_rows=7).read(), QueryResultsFormat.JSON))
    assert [list(r) for r in capped] == [list(r) for r in full]


def test_row_cap_keeps_literals_with_tabs_and_newlines(store: OxigraphStore) -> None:
    body = store.query('SELECT ?x ?y WHERE { BIND("a\\tb\\nc \\"q\\"" AS ?x) BIND(<http://e/> AS ?y) }',
                       max_rows=5).read()
    [row] = list(parse_query_results(body, QueryResultsFormat.JSON))
    assert row["x"].value == 'a\tb\nc "q"' and row["y"] == NamedNode("http://e/")


def test_a_kind_without_an_acceptable_format_is_not_acceptable(store: OxigraphStore) -> None:
    with pytest.raises(NotAcceptable) as err:
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", formats=Formats(graph=None))
    assert err.value.kind is ResultKind.GRAPH


def test_describe_gives_outgoing_and_incoming_triples(store: OxigraphStore) -> None:
    triples = store.describe(AUSTRIA)
    assert any(t.subject == NamedNode(PAPER) for t in triples)
    assert any(t.subject == NamedNode(AUSTRIA) for t in triples)
    assert store.describe(vocab.ID_NS + "state/ZZ") == []


def test_dump_of_one_graph_and_of_everything(store: OxigraphStore) -> None:
    data = {q.triple for q in parse(b"".join(store.dump(RdfFormat.N_TRIPLES, graph=vocab.DATA_GRAPH)),
                                    RdfFormat.N_TRIPLES)}
    assert any(t.subject == NamedNode(PAPER) for t in data)
    quads = list(parse(b"".join(store.dump(RdfFormat.N_QUADS)), RdfFormat.N_QUADS))
    assert len(quads) == store.triple_count()


def test_select_rows_gives_terms(store: OxigraphStore) -> None:
    rows = select_rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {r["g"].value: int(r["n"].value) for r in rows}
    assert sum(counts.values()) == store.triple_count()


def test_load_dataset_keeps_working_for_other_tools(tmp_path: Path) -> None:
    store = load_dataset(write_sample(tmp_path))
    assert NamedNode(vocab.DATA_GRAPH) in set(store.named_graphs())
    only_data = load_dataset(write_sample(tmp_path), with_ontology=False)
    assert set(only_data.named_graphs()) == {NamedNode(vocab.DATA_GRAPH)}


# --- on-disk stores ----------------------------------------------------------------------------------


def test_disk_store_is_loaded_once_and_reopened_while_unchanged(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    first = prepare_disk_store(tmp_path / "store", graph)
    assert (tmp_path / "store" / MANIFEST_NAME).is_file()
    sources = {Path(s["path"]).name: s for s in first["sources"]}
    assert sources["sample.ttl"]["sha256"] and "mtime_ns" in sources["sample.ttl"]
    again = prepare_disk_store(tmp_path / "store", graph)
    assert again["loaded_at"] == first["loaded_at"] and again == first
    opened = StoreSpec(graph=graph, store_dir=tmp_path / "store").open()
    assert opened.triple_count() == first["triples"] == len(load_dataset(graph))


def test_disk_store_with_the_same_content_but_a_new_mtime_is_kept(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    first = prepare_disk_store(tmp_path / "store", graph)
    os.utime(graph, (1_000_000_000, 1_000_000_000))
    assert prepare_disk_store(tmp_path / "store", graph)["loaded_at"] == first["loaded_at"]


def test_stale_disk_store_is_reloaded(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    first = prepare_disk_store(tmp_path / "store", graph)
    with graph.open("a", encoding="utf-8") as f:
        f.write("<https://w3id.org/npt-kg/id/test/new> <http://www.w3.org/2000/01/rdf-schema#label> \"new\" .\n")
    second = prepare_disk_store(tmp_path / "store", graph)
    assert second["triples"] == first["triples"] + 1
    store = StoreSpec(graph=graph, store_dir=tmp_path / "store").open()
    assert store.describe(vocab.ID_NS + "test/new")
    assert read_manifest(tmp_path / "store") == second
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_disk_store_refuses_a_directory_that_is_not_a_store(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("do not delete", encoding="utf-8")
    with pytest.raises(UserError, match="not an npt-kg store"):
        prepare_disk_store(precious, graph)
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "do not delete"


def test_disk_store_needs_the_graph(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no built graph"):
        prepare_disk_store(tmp_path / "store", tmp_path / "missing.ttl")


def test_worker_pool_over_a_disk_store(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    prepare_disk_store(tmp_path / "store", graph)
    pool = WorkerPool(StoreSpec(graph=graph, store_dir=tmp_path / "store"), size=1, timeout=30).start()
    try:
        assert isinstance(pool, GraphStore)
        assert pool.triple_count() == len(load_dataset(graph))
        body = pool.query(f"ASK {{ <{PAPER}> ?p ?o }}").read()
        assert json.loads(body)["boolean"] is True
        assert any(t.object == NamedNode(AUSTRIA) for t in pool.describe(PAPER))
        assert pool.stats()["alive"] == 1
    finally:
        pool.close()
    assert pool.stats()["alive"] == 0


def test_worker_pool_reports_a_store_it_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no built graph"):
        WorkerPool(StoreSpec(graph=tmp_path / "missing.ttl"), size=1).start()
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://w3id.org/npt-kg/id/a> <http://b/> .\n", encoding="utf-8")
    with pytest.raises(UserError, match="could not open the store"):
        WorkerPool(StoreSpec(graph=broken), size=1).start()


def test_a_replacement_worker_serves_the_graph_the_pool_started_with(tmp_path: Path) -> None:
    graph = write_sample(tmp_path / "g")
    pool = WorkerPool(StoreSpec(graph=graph), size=1, timeout=1.0).start()
    try:
        with graph.open("a", encoding="utf-8") as f:  # rebuilt while serving
            f.write("<https://w3id.org/npt-kg/id/test/later> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
        with pytest.raises(QueryTimeout):
            pool.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }").read()
        deadline = time.monotonic() + 60
        while pool.stats()["alive"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert pool.stats()["restarts"] == 1
        body = pool.query("ASK { <https://w3id.org/npt-kg/id/test/later> ?p ?o }", timeout=30).read()
        assert json.loads(body)["boolean"] is False
    finally:
        pool.close()


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_worker_crashing_mid_query_is_reported_as_the_querys_fault_and_replaced(tmp_path: Path) -> None:
    import signal
    import threading

    from kg.store import StoreUnavailable

    pool = WorkerPool(StoreSpec(graph=write_sample(tmp_path / "g")), size=1, timeout=60.0).start()
    try:
        [pid] = pool.stats()["pids"]
        threading.Timer(0.5, os.kill, (pid, signal.SIGSEGV)).start()  # as the engine's stack overflow ends it
        with pytest.raises(StoreUnavailable) as err:
            pool.query(HEAVY).read()
        assert err.value.query_fault
        body = pool.query("ASK { ?s ?p ?o }", timeout=60).read()
        assert json.loads(body)["boolean"] is True
        assert pool.stats()["restarts"] == 1 and pid not in pool.stats()["pids"]
    finally:
        pool.close()


def test_a_query_whose_worker_is_killed_from_outside_runs_again_on_another(tmp_path: Path) -> None:
    import signal
    import threading

    from kg.store import QueryTimeout

    pool = WorkerPool(StoreSpec(graph=write_sample(tmp_path / "g")), size=1, timeout=60.0).start()
    try:
        [pid] = pool.stats()["pids"]
        threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()  # an operator, the OOM killer
        # not reported as the query's fault: it runs again on the replacement (which reaches the limit)
        with pytest.raises(QueryTimeout):
            pool.query(HEAVY, timeout=4).read()
        assert pool.stats()["restarts"] == 2 and pid not in pool.stats()["pids"]
        assert json.loads(pool.query("ASK { ?s ?p ?o }", timeout=60).read())["boolean"] is True
    finally:
        pool.close()
