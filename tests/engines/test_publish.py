"""`npt-kg publish` into real engines: the graph arrives whole, publishing twice changes nothing,
and every failure names the URL, exits non-zero and leaves nothing half-published unannounced."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import start_waitress
from engine_fixtures import *  # noqa: F403
from engine_fixtures import Engine, run_publish
from pyoxigraph import NamedNode, RdfFormat, parse

from kg import vocab
from kg.commands import main as npt_kg
from kg.commands.publish import chunks, sibling_urls
from kg.store import load_dataset

GRAPHS = (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH)


def local_triples(graph_file: Path, graph: str) -> set:
    store = load_dataset(graph_file)
    return {q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(graph))}


def engine_triples(eng: Engine, graph: str) -> set:
    resp = eng.gsp_get(graph, accept="application/n-triples")
    assert resp.status == 200, resp.body[:300]
    return {q.triple for q in parse(resp.body, RdfFormat.N_TRIPLES)}


def graph_names(eng: Engine) -> set[str]:
    rows = eng.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {r["g"]["value"] for r in rows}


def test_the_known_engines_gsp_urls_tell_their_query_and_update_urls() -> None:
    assert sibling_urls("http://h:7878/store") == ("http://h:7878/query", "http://h:7878/update")
    assert sibling_urls("http://h/sparql-graph-crud-auth") == ("http://h/sparql", "http://h/sparql-auth")
    assert sibling_urls("http://h/ds/data") == ("http://h/ds/query", "http://h/ds/update")
    assert sibling_urls("http://h/gsp") == (None, None)


def test_chunks_keep_every_blank_node_triple_in_the_first_request(seed_graph: Path) -> None:
    store = load_dataset(seed_graph)
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(vocab.ONTOLOGY_GRAPH))]
    parts = list(chunks(lambda: triples, 50))
    assert sum(len(p) for p in parts) == len(triples)
    assert {t for p in parts for t in p} == set(triples)
    blank = [t for t in triples if "_:" in str(t)]
    assert blank, "the ontology has blank nodes (OWL restrictions, lists)"
    later = [t for p in parts[1:] for t in p]
    assert not any("_:" in str(t) for t in later)


def test_publish_puts_exactly_the_built_graph_and_ontology_into_the_engine(
        published, seed_graph: Path, engine: Engine) -> None:
    eng = published(engine.name)
    for graph in GRAPHS:
        # the same triples, compared as terms (engines escape and separate N-Triples differently)
        ours = local_triples(seed_graph, graph)
        theirs = engine_triples(eng, graph)
        assert len(theirs) == len(ours) > 0
        if graph == vocab.DATA_GRAPH:
            assert theirs == ours
    assert not any("-staging-" in g for g in graph_names(eng))


def test_publishing_twice_replaces_the_graph_instead_of_adding_to_it(
        engines, seed_graph: Path, tmp_path: Path, capsys) -> None:
    eng = engines["oxigraph"]
    stray = vocab.DATA_GRAPH + "-twice"
    assert eng.gsp_put(stray, b"<urn:stray> <urn:p> <urn:o> .\n").status in (200, 201, 204)
    for _ in range(2):
        assert run_publish(eng, seed_graph, "--into-graph", stray, "--no-ontology", "--chunk-triples", "500") == 0
    out = capsys.readouterr().out
    assert "counts checked" in out
    assert engine_triples(eng, stray) == local_triples(seed_graph, vocab.DATA_GRAPH)


def test_the_virtuoso_password_is_never_printed(engines, seed_graph: Path, capsys, monkeypatch) -> None:
    eng = engines["virtuoso"]
    assert run_publish(eng, seed_graph, "--into-graph", vocab.DATA_GRAPH + "-pw", "--no-ontology",
                       monkeypatch=monkeypatch) == 0
    captured = capsys.readouterr()
    assert eng.password and eng.password not in captured.out + captured.err


# --- bad input --------------------------------------------------------------------------------------


def _fails(args: list[str], capsys) -> str:
    code = npt_kg(args)
    err = capsys.readouterr().err
    assert code != 0, err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err  # one line
    return err


def test_a_remote_that_is_down_is_named_and_nothing_is_written(seed_graph: Path, free_port: int, capsys) -> None:
    url = f"http://127.0.0.1:{free_port}/store"
    err = _fails(["publish", "--to", url, "--graph", str(seed_graph), "-q"], capsys)
    assert url.replace("/store", "/query") in err and "cannot connect" in err
    assert "nothing was published" in err


def test_wrong_credentials_are_refused_with_the_url_and_without_the_password(
        engines, seed_graph: Path, capsys, monkeypatch) -> None:
    eng = engines["virtuoso"]
    monkeypatch.setenv("NPT_KG_REMOTE_PASSWORD", "not-the-password")
    err = _fails(["publish", "--to", eng.gsp_url, "--graph", str(seed_graph), "--user", "dba", "-q",
                  "--no-ontology", "--into-graph", vocab.DATA_GRAPH + "-refused"], capsys)
    assert eng.gsp_url in err, err
    assert "refused" in err and "401" in err, err
    assert "not-the-password" not in err
    assert vocab.DATA_GRAPH + "-refused" not in graph_names(eng)


def test_credentials_in_the_url_are_used_but_not_shown(engines, seed_graph: Path, capsys) -> None:
    eng = engines["virtuoso"]
    url = eng.gsp_url.replace("http://", "http://dba:wrong-secret@")
    err = _fails(["publish", "--to", url, "--graph", str(seed_graph), "-q", "--no-ontology"], capsys)
    assert "wrong-secret" not in err and eng.gsp_url in err


def test_an_answer_that_is_not_sparql_is_named(seed_graph: Path, capsys) -> None:
    def web_page(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html><body>Welcome</body></html>"]

    server = start_waitress(web_page)
    try:
        url = f"{server.url}/store"
        err = _fails(["publish", "--to", url, "--graph", str(seed_graph), "-q"], capsys)
    finally:
        server.stop()
    assert f"{server.url}/query" in err and "text/html" in err and "not SPARQL" in err


def test_a_remote_that_does_not_answer_in_time_is_a_timeout(seed_graph: Path, capsys) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/store"
        err = _fails(["publish", "--to", url, "--graph", str(seed_graph), "-q", "--timeout", "1"], capsys)
    finally:
        listener.close()
    assert "time limit" in err and "127.0.0.1" in err


def test_a_failure_part_way_leaves_the_target_as_it_was(engines, relay, seed_graph: Path, capsys) -> None:
    eng = engines["oxigraph"]
    target = vocab.DATA_GRAPH + "-partway"
    assert eng.gsp_put(target, b"<urn:before> <urn:p> <urn:o> .\n").status in (200, 201, 204)
    r = relay(eng)
    r.fail[("POST", 2)] = 500  # the third chunk of the upload (PUT, POST, POST)
    err = _fails(["publish", "--to", r.url(eng.gsp_url), "--graph", str(seed_graph), "-q", "--no-ontology",
                  "--into-graph", target, "--chunk-triples", "300"], capsys)
    assert "HTTP 500" in err and "nothing was changed" in err
    before = parse(b"<urn:before> <urn:p> <urn:o> .\n", RdfFormat.N_TRIPLES)
    assert engine_triples(eng, target) == {q.triple for q in before}
    assert not any("-staging-" in g for g in graph_names(eng))


def test_a_failure_part_way_without_staging_warns_that_the_graph_is_half_published(
        engines, relay, seed_graph: Path, capsys) -> None:
    eng = engines["oxigraph"]
    target = vocab.DATA_GRAPH + "-direct"
    r = relay(eng)
    r.fail[("POST", 2)] = 503
    err = _fails(["publish", "--to", r.url(eng.gsp_url), "--graph", str(seed_graph), "-q", "--no-ontology",
                  "--into-graph", target, "--chunk-triples", "300", "--direct"], capsys)
    assert "WARNING" in err and "half-published" in err and target in err


@pytest.mark.parametrize("bad", [["--into-graph", "not an iri"], ["--to", "ftp://h/store"], ["--chunk-triples", "0"]])
def test_bad_options_are_usage_errors(seed_graph: Path, bad: list[str], capsys) -> None:
    args = ["publish", "--to", "http://127.0.0.1:9/store", "--graph", str(seed_graph), *bad]
    if bad[0] == "--to":
        args = ["publish", *bad, "--graph", str(seed_graph)]
    assert npt_kg(args) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_missing_graph_file_is_named(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    err = _fails(["publish", "--to", "http://127.0.0.1:9/store", "--graph", str(broken), "-q"], capsys)
    assert str(broken) in err


# --- --bulk -----------------------------------------------------------------------------------------


def test_bulk_publishing_into_oxigraph_replaces_the_graphs_with_exactly_the_built_ones(
        engines, seed_graph: Path, capsys) -> None:
    eng = engines["oxigraph"]
    into, onto = vocab.DATA_GRAPH + "-bulk", vocab.ONTOLOGY_GRAPH + "-bulk"
    assert eng.gsp_put(into, b"<urn:stray> <urn:p> <urn:o> .\n").status in (200, 201, 204)
    for _ in range(2):  # twice: replaced, not added to
        assert run_publish(eng, seed_graph, "--bulk", "--into-graph", into, "--ontology-graph", onto,
                           "--chunk-triples", "500") == 0
    assert "bulk loader" in capsys.readouterr().out
    assert engine_triples(eng, into) == local_triples(seed_graph, vocab.DATA_GRAPH)
    # the ontology's blank nodes (OWL restrictions, lists) survive: one request per graph
    assert len(engine_triples(eng, onto)) == len(local_triples(seed_graph, vocab.ONTOLOGY_GRAPH))
    assert not any("-staging-" in g for g in graph_names(eng))


def test_bulk_is_refused_on_virtuoso_with_the_reason_and_nothing_is_written(
        engines, seed_graph: Path, capsys, monkeypatch) -> None:
    eng = engines["virtuoso"]
    target = vocab.DATA_GRAPH + "-bulk-refused"
    monkeypatch.setenv("NPT_KG_REMOTE_PASSWORD", eng.password or "")
    code = npt_kg(["publish", "--to", eng.gsp_url, "--graph", str(seed_graph), "--user", eng.user or "dba",
                   "-q", "--no-ontology", "--into-graph", target, "--bulk"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "Virtuoso has no bulk load over HTTP" in err and eng.gsp_url in err and "nothing was published" in err
    assert target not in graph_names(eng)


def test_a_swap_too_large_for_virtuosos_transaction_log_names_the_setting_and_changes_nothing(
        seed_graph: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    from bench.peers import missing, start_virtuoso

    if reason := missing("virtuoso"):
        pytest.skip(reason)
    target = vocab.DATA_GRAPH + "-too-large"
    # a log limit that each chunk of 100 triples fits in, and the MOVE of the whole graph does not
    with start_virtuoso(tmp_path / "vt", txn_log_bytes=100_000) as eng:
        monkeypatch.setenv("NPT_KG_REMOTE_PASSWORD", eng.password or "")
        err = _fails(["publish", "--to", eng.gsp_url, "--graph", str(seed_graph), "--user", "dba", "-q",
                      "--no-ontology", "--into-graph", target, "--chunk-triples", "100"], capsys)
        assert "TransactionAfterImageLimit" in err and "--direct" in err and "nothing was changed" in err, err
        assert not any(g == target or "-staging-" in g for g in graph_names(eng))
