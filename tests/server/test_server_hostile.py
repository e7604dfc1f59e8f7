"""Hostile input against a real server: each gets the right 4xx/5xx with a message, never a 500 or a hang.

The server runs with a 2-second time limit and two query workers. Client timeouts guard
against hangs; they are not the assertions.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from test_server_sample import sample_config

from server import create_app
from server.app import close_app

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_waitress_server):
    config = sample_config(tmp_path_factory.mktemp("hostile"), use_workers=True, workers=2, timeout=2.0)
    app = create_app(config)
    yield module_waitress_server(app, threads=6)
    close_app(app)


class Listener:
    """A TCP listener that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if ready:
                conn, _ = self.sock.accept()
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096))
                except OSError:
                    self.connections.append(b"")
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def q(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def assert_refused(resp, status: int, *words: str) -> None:
    """The status asked for, a short message saying why, and nothing of Python's insides."""
    assert resp.status == status, (resp.status, resp.text[:300])
    assert b"Traceback" not in resp.body and b'File "' not in resp.body
    assert 0 < len(resp.body) < 2000
    for word in words:
        assert word.lower() in resp.text.lower(), resp.text


# --- updates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("update", "operation"), [
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "INSERT DATA"),
    ("DELETE DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("PREFIX ex: <http://example.org/>\nDELETE { ?s ?p ?o } INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
    ("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
    ("CLEAR ALL", "CLEAR"),
    ("clear default", "CLEAR"),
    ("DROP GRAPH <https://w3id.org/npt-kg/ontology>", "DROP"),
    ("CREATE GRAPH <http://example.org/g>", "CREATE"),
    ("COPY DEFAULT TO <http://example.org/g>", "COPY"),
    ("MOVE <http://example.org/a> TO <http://example.org/b>", "MOVE"),
    ("ADD <http://example.org/a> TO <http://example.org/b>", "ADD"),
    ("# a comment first\nINSERT DATA { <http://example.org/a> <http://example.org/b> 1 }", "INSERT DATA"),
])
def test_updates_are_refused_as_read_only(server, update: str, operation: str) -> None:
    for resp in (
        server.get(q(update), timeout=20),
        server.request("POST", "/sparql", update, {"Content-Type": "application/sparql-query"}, timeout=20),
        server.request("POST", "/sparql", urllib.parse.urlencode({"query": update}),
                       {"Content-Type": "application/x-www-form-urlencoded"}, timeout=20),
    ):
        assert_refused(resp, 400, "read-only", operation)


def test_update_operation_and_update_media_type_are_refused(server) -> None:
    body = urllib.parse.urlencode({"update": "CLEAR ALL"})
    assert_refused(server.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"},
                                  timeout=20), 400, "read-only")
    assert_refused(server.request("POST", "/sparql", "CLEAR ALL", {"Content-Type": "application/sparql-update"},
                                  timeout=20), 400, "read-only")


def test_load_is_refused_and_fetches_nothing(server, listener: Listener) -> None:
    update = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    assert_refused(server.get(q(update), timeout=20), 400, "read-only", "LOAD")
    assert_refused(server.get(q(f"LOAD SILENT <http://127.0.0.1:{listener.port}/x> INTO GRAPH <http://e.org/g>"),
                              timeout=20), 400, "read-only")
    time.sleep(0.5)
    assert listener.connections == []


def test_the_data_is_unchanged_after_all_that(server) -> None:
    resp = server.get(q("ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }"), timeout=20)
    assert json.loads(resp.body)["boolean"] is False


# --- outbound requests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE#comment\n<http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX x: <http://127.0.0.1:{port}/>\n"
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE x:sparql {{ ?s ?p ?o }} }} }}",
    "ASK {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_no_connection_is_made(server, listener: Listener, template: str) -> None:
    query = template.format(port=listener.port)
    assert_refused(server.get(q(query), timeout=20), 400, "SERVICE")
    assert_refused(server.request("POST", "/sparql", query, {"Content-Type": "application/sparql-query"},
                                  timeout=20), 400, "SERVICE")
    time.sleep(0.3)
    assert listener.connections == []


def test_the_word_service_inside_a_literal_or_iri_is_just_text(server, listener: Listener) -> None:
    query = (f'SELECT ?x WHERE {{ BIND("SERVICE <http://127.0.0.1:{listener.port}/>" AS ?x) '
             f'FILTER(?x != <http://127.0.0.1:{listener.port}/SERVICE>) }} # SERVICE')
    resp = server.get(q(query), timeout=20)
    assert resp.status == 200
    assert json.loads(resp.body)["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")
    assert listener.connections == []


# --- size and shape ------------------------------------------------------------------------------------------


def test_one_megabyte_query_is_413(server) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1024 * 1024)
    assert_refused(server.request("POST", "/sparql", big, {"Content-Type": "application/sparql-query"},
                                  timeout=30), 413)
    assert_refused(server.request("POST", "/sparql", urllib.parse.urlencode({"query": big}),
                                  {"Content-Type": "application/x-www-form-urlencoded"}, timeout=30), 413)


def test_query_just_over_the_cap_in_a_url_is_413(server) -> None:
    query = "ASK {} #" + "y" * (101 * 1024)
    assert_refused(server.get(q(query), timeout=30), 413, "bytes")


def test_two_thousand_nested_groups_are_refused_not_fatal(server) -> None:
    query = "SELECT * WHERE " + "{" * 2000 + "}" * 2000
    assert_refused(server.request("POST", "/sparql", query, {"Content-Type": "application/sparql-query"},
                                  timeout=30), 400, "nest")
    assert json.loads(server.get(q("ASK {}"), timeout=30).body)["boolean"] is True


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s " + "/".join(["<http://example.org/p>"] * 3000) + " ?o }",
    "SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }",
    "SELECT * WHERE { FILTER(" + "+".join(["1"] * 20000) + ") }",
    "SELECT * WHERE { " + " ".join(["OPTIONAL { ?s ?p ?o }"] * 3000) + " }",
])
def test_queries_that_stress_the_engine_get_an_answer_or_a_clean_error(server, query: str) -> None:
    resp = server.request("POST", "/sparql", query, {"Content-Type": "application/sparql-query"}, timeout=60)
    assert resp.status in (200, 400, 503), resp.text[:300]
    assert b"Traceback" not in resp.body
    assert json.loads(server.get(q("ASK {}"), timeout=30).body)["boolean"] is True


# --- the time limit ------------------------------------------------------------------------------------------------


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _workers(server) -> dict:
    return json.loads(server.get("/health", timeout=30).body)["workers"]


def _all_workers_up(server, restarts_over: int = -1) -> dict:
    """Poll /health until every worker is up (bounded, in case a replacement never comes)."""
    deadline = time.monotonic() + 60
    while True:
        now = _workers(server)
        if now["alive"] == now["size"] and now["restarts"] > restarts_over:
            return now
        assert time.monotonic() < deadline, now
        time.sleep(0.2)


def test_a_query_past_the_time_limit_is_stopped_and_its_worker_replaced(server) -> None:
    before = _all_workers_up(server)
    resp = server.get(q(CROSS_PRODUCT), timeout=60)
    assert_refused(resp, 503, "time limit")
    # the next query is served at once, by the other worker
    nxt = server.get(q("ASK { ?s ?p ?o }"), timeout=10)
    assert nxt.status == 200 and json.loads(nxt.body)["boolean"] is True
    # the killed worker is gone and a fresh one takes its place
    now = _all_workers_up(server, restarts_over=before["restarts"])
    assert set(now["pids"]) != set(before["pids"])
    assert any(not _pid_exists(pid) for pid in set(before["pids"]) - set(now["pids"]))


def test_time_limit_applies_to_post_too_and_the_server_keeps_serving(server) -> None:
    resp = server.request("POST", "/sparql", CROSS_PRODUCT, {"Content-Type": "application/sparql-query"},
                          timeout=60)
    assert_refused(resp, 503, "time limit")
    for _ in range(5):
        assert server.get(q("ASK {}"), timeout=30).status == 200


# --- malformed requests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/sparql?query=SELECT%ZZ*%20WHERE%20%7B%7D",
    "/sparql?query=ASK%7B%7D%",
    "/sparql?query=ASK%20%7B%7D%E0%A4",
    "/sparql?query=%FF%FE",
])
def test_malformed_percent_encoding_is_400(server, path: str) -> None:
    assert_refused(server.get(path, timeout=20), 400)


def test_malformed_form_body_is_400(server) -> None:
    for body in (b"query=ASK%7B%7D%2", b"query=%C3%28", b"query=\xff\xfe"):
        resp = server.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"},
                              timeout=20)
        assert_refused(resp, 400)


def test_non_utf8_query_body_is_400(server) -> None:
    body = 'SELECT * WHERE { ?s ?p "caf\xe9" }'.encode("latin-1")
    assert_refused(server.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query"},
                                  timeout=20), 400, "utf-8")
    for charset in ("iso-8859-1", "UTF-16", "no-such-charset"):
        assert_refused(server.request("POST", "/sparql", body,
                                      {"Content-Type": f"application/sparql-query; charset={charset}"},
                                      timeout=20), 415, "UTF-8")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json", "multipart/form-data; boundary=x",
                                          "application/sparql-results+json"])
def test_wrong_content_type_is_415(server, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert_refused(server.request("POST", "/sparql", "ASK {}", headers, timeout=20), 415, "Content-Type")


def test_two_query_parameters_are_400(server) -> None:
    assert_refused(server.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", timeout=20), 400, "more than one")
    resp = server.request("POST", "/sparql?query=ASK%7B%7D", "query=ASK%7B%7D",
                          {"Content-Type": "application/x-www-form-urlencoded"}, timeout=20)
    assert_refused(resp, 400, "more than one")
    resp = server.request("POST", "/sparql?query=ASK%7B%7D", "ASK {}", {"Content-Type": "application/sparql-query"},
                          timeout=20)
    assert_refused(resp, 400)


@pytest.mark.parametrize(("path", "status"), [
    ("/sparql?query=", 400),
    ("/sparql?query=%20%0A", 400),
    ("/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20", 400),
    ("/sparql?query=ASK%7B%7D%00", 400),
    ("/sparql?query=ASK%7B%7D&format=docx", 400),
    ("/sparql?query=ASK%7B%7D&format=json&format=xml", 400),
    ("/sparql?query=ASK%7B%7D&default-graph-uri=%20", 400),
])
def test_bad_query_requests_get_a_message(server, path: str, status: int) -> None:
    assert_refused(server.get(path, timeout=20), status)


def test_syntax_errors_carry_the_parsers_message(server) -> None:
    resp = server.get(q("SELECT * WHERE { ?s ?p }"), timeout=20)
    assert_refused(resp, 400, "error at 1:")


def test_post_without_a_query_is_400(server) -> None:
    assert_refused(server.request("POST", "/sparql", "", {"Content-Type": "application/x-www-form-urlencoded"},
                                  timeout=20), 400, "no query")


def test_too_many_parameters_is_400(server) -> None:
    path = "/sparql?" + "&".join(f"a{i}=1" for i in range(1500)) + "&query=ASK%7B%7D"
    assert_refused(server.get(path, timeout=20), 400)


def test_odd_accept_headers_fall_back_to_the_default(server) -> None:
    for accept in (";;;", "*/*;q=abc", "application/sparql-results+json;q=2", ","):
        resp = server.get(q("ASK {}"), {"Accept": accept}, timeout=20)
        assert resp.status in (200, 406), accept
        assert b"Traceback" not in resp.body


def test_other_methods_are_405(server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert_refused(server.request(method, "/sparql", "x", {"Content-Type": "text/plain"}, timeout=20), 405)


def test_nothing_said_by_the_hostile_clients_reached_the_listener(listener: Listener) -> None:
    time.sleep(0.3)
    assert listener.connections == []
