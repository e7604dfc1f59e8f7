"""`serve --remote`: the same server in front of a real engine — same rows, same pages, same guards.

Every named query is asked through the HTTP endpoint twice, once of a server on the local
store and once of a server in front of the engine, and the rows must be the same. Only the
engines' documented representation differences are normalised (`normal`); a query whose
rows an engine cannot give because of an engine bug is listed in `ENGINE_BUGS` with the
reason and must still differ (strict xfail), so a fixed engine shows up.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from conftest import LiveServer
from engine_fixtures import *  # noqa: F403
from engine_fixtures import Engine, Relay
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results

from kg import vocab
from kg.store.library import load_library
from kg.store.remote import RemoteSpec
from server.app import create_app
from server.config import ServerConfig

LIBRARY = load_library()
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int")}

_PATHS = ("Virtuoso 7.2 loses solutions of zero-or-more / zero-or-one property paths joined with the rest "
          "of the pattern ({}); Oxigraph and the local store agree")
#: (engine, query) → why the engine cannot give the local rows (each still checked: it must differ).
ENGINE_BUGS: dict[tuple[str, str], str] = {
    ("virtuoso", "treaties-by-paper"): _PATHS.format("npt:articleOf? and a/rdfs:subClassOf* npt:Treaty"),
    ("virtuoso", "search-paragraphs"): "Virtuoso 7.2 answers HTTP 500 'SR319: Max row length is exceeded when "
                                       "trying to store a string of 2192 chars into a temp col': it cannot "
                                       "group or sort on a paragraph's full text",
}


def normal(term: object) -> object:
    """A term with the engines' documented representation differences taken out.

    Virtuoso answers boolean expressions as xsd:integer 1/0 and may write numbers in
    another lexical form (1.0E0 / 1); both are compared by value. Blank node labels are
    local to one answer.
    """
    if isinstance(term, Literal):
        dt = term.datatype.value if term.datatype is not None else None
        if dt == XSD + "boolean":
            return ("number", Decimal(1 if term.value in ("true", "1") else 0))
        if dt in NUMERIC:
            try:
                return ("number", Decimal(term.value).normalize())
            except InvalidOperation:
                return ("literal", term.value, dt)
        return ("literal", term.value, term.language, dt)
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    return ("blank",)


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(?:;\s*SEPARATOR\s*=\s*"([^"]*)")?\s*\)'
                           r'\s*AS\s*\?(\w+)', re.IGNORECASE | re.DOTALL)


def concatenated(sparql: str) -> dict[str, str]:
    """GROUP_CONCAT outputs → separator: their order is unspecified in SPARQL, so they compare as bags."""
    return {m.group(2): m.group(1) if m.group(1) is not None else " " for m in _GROUP_CONCAT.finditer(sparql)}


def rows_of(server: LiveServer, sparql: str, kind: str) -> Counter:
    accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
    resp = server.request("POST", "/sparql", urllib.parse.urlencode({"query": sparql}),
                          {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, timeout=120)
    assert resp.status == 200, resp.text[:500]
    if kind == "graph":
        return Counter((normal(q.subject), normal(q.predicate), normal(q.object))
                       for q in parse(resp.body, RdfFormat.N_TRIPLES))
    result = parse_query_results(resp.body, QueryResultsFormat.JSON)
    if not isinstance(result, QuerySolutions):
        return Counter([bool(result)])
    names = [v.value for v in result.variables]
    bags = concatenated(sparql)

    def cell(name: str, term: object) -> object:
        if name in bags:  # of nothing: "" (Virtuoso) or unbound (Oxigraph); SPARQL 1.1 leaves errors open
            return ("bag", tuple(sorted(term.value.split(bags[name])))) if isinstance(term, Literal) and \
                term.value else ("bag", ())
        return normal(term)

    return Counter(tuple(cell(n, s[n]) for n in names) for s in result)


def _kind(sparql: str) -> str:
    from kg.store.remote import query_kind

    return query_kind(sparql).value


@pytest.fixture(scope="module")
def servers(module_waitress_server, seed_graph: Path, published) -> Callable[[str], LiveServer]:
    """`servers("local")`, `servers("oxigraph")`, `servers("virtuoso")`: the same app over each store."""
    made: dict[str, LiveServer] = {}

    def get(name: str) -> LiveServer:
        if name not in made:
            if name == "local":
                config = ServerConfig(graph=seed_graph, use_workers=False, timeout=10)
            else:
                config = ServerConfig(graph=seed_graph, timeout=10, remote=RemoteSpec(published(name).query_url))
            made[name] = module_waitress_server(create_app(config))
        return made[name]

    return get


def _cases() -> list:
    cases = []
    for engine_name in ("oxigraph", "virtuoso"):
        for name in sorted(LIBRARY):
            bug = ENGINE_BUGS.get((engine_name, name))
            marks = [pytest.mark.xfail(strict=True, reason=f"{engine_name} bug: {bug}")] if bug else []
            cases.append(pytest.param(engine_name, name, marks=marks, id=f"{engine_name}-{name}"))
    return cases


@pytest.mark.parametrize(("engine_name", "query"), _cases())
def test_every_named_query_gives_the_local_rows_through_the_remote(servers, engine_name: str, query: str) -> None:
    sparql = LIBRARY[query].sparql
    kind = _kind(sparql)
    local = rows_of(servers("local"), sparql, kind)
    remote = rows_of(servers(engine_name), sparql, kind)
    assert remote == local, f"{query}: only local {list((local - remote).items())[:2]}, " \
                            f"only {engine_name} {list((remote - local).items())[:2]}"


def test_the_named_queries_are_not_all_empty(servers) -> None:
    """The comparison means something only if the queries find rows in the seed graph."""
    non_empty = [n for n, q in LIBRARY.items() if sum(rows_of(servers("local"), q.sparql, _kind(q.sparql)).values())]
    assert len(non_empty) >= len(LIBRARY) - 2


@pytest.mark.parametrize("engine_name", ["oxigraph", "virtuoso"])
def test_data_is_streamed_from_the_engine_with_the_local_triples(servers, engine_name: str) -> None:
    for graph in (vocab.DATA_GRAPH, None):
        path = "/data" + (f"?graph={urllib.parse.quote(graph, safe='')}" if graph else "")
        accept = "application/n-triples" if graph else "application/n-quads"
        local, remote = (servers(n).get(path, {"Accept": accept}, timeout=120) for n in ("local", engine_name))
        assert remote.status == local.status == 200, remote.text[:300]
        as_set = lambda body: {(normal(q.subject), normal(q.predicate), normal(q.object),  # noqa: E731
                                str(q.graph_name)) for q in parse(body, RdfFormat.N_QUADS)
                               if q.subject.__class__.__name__ != "BlankNode"}
        assert as_set(remote.body) == as_set(local.body) and as_set(local.body)


@pytest.mark.parametrize("engine_name", ["oxigraph", "virtuoso"])
def test_linked_data_pages_and_health_answer_from_the_engine(servers, published, engine_name: str) -> None:
    server = servers(engine_name)
    page = server.get("/id/state/AT", {"Accept": "text/html"})
    assert page.status == 200 and "Austria" in page.text
    local_page = servers("local").get("/id/state/AT", {"Accept": "application/n-triples"})
    remote_page = server.get("/id/state/AT", {"Accept": "application/n-triples"})
    assert {q.triple for q in parse(remote_page.body, RdfFormat.N_TRIPLES)} == \
        {q.triple for q in parse(local_page.body, RdfFormat.N_TRIPLES)}
    health = json.loads(server.get("/health", {"Accept": "application/json"}).body)
    assert health["status"] == "ok"
    assert health["triples"] == json.loads(servers("local").get("/health").body)["triples"]
    assert health["store"] == "remote" and health["remote"] == published(engine_name).query_url


# --- the guards, in front of the engine ------------------------------------------------------------


@pytest.fixture(params=["oxigraph", "virtuoso"])
def guarded(request, published, relay, waitress_server, seed_graph: Path) -> tuple[LiveServer, Relay]:
    """A server in front of a relay in front of the engine: what reaches the engine is counted."""
    eng: Engine = published(request.param)
    r = relay(eng)
    config = ServerConfig(graph=seed_graph, timeout=3, max_rows=2, remote=RemoteSpec(r.url(eng.query_url)))
    return waitress_server(create_app(config)), r


def _ask(server: LiveServer, sparql: str, **params: str):
    return server.request("POST", "/sparql", urllib.parse.urlencode({"query": sparql, **params}),
                          {"Content-Type": "application/x-www-form-urlencoded",
                           "Accept": "application/sparql-results+json"})


@pytest.mark.parametrize(("sparql", "params", "status", "words"), [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", {}, 400, "read-only"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", {}, 400, "SERVICE"),
    ("SELECT * FROM <http://example.org/other.ttl> WHERE { ?s ?p ?o }", {}, 400, "FROM <http://example.org/other"),
    ("PREFIX ex: <http://example.org/> SELECT * FROM NAMED ex:g WHERE { GRAPH ?g { ?s ?p ?o } }", {}, 400,
     "http://example.org/g"),
    ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "http://example.org/g"}, 400, "not allowed"),
    ("SELECT * WHERE { ?s ?p ?o } # " + "x" * 200_000, {}, 413, "bytes"),
    ("SELECT * WHERE { ?s ?p ", {}, 400, ""),
])
def test_refused_queries_never_reach_the_engine(guarded, sparql: str, params: dict, status: int, words: str) -> None:
    server, r = guarded
    before = len(r.queries())
    resp = _ask(server, sparql, **params)
    assert resp.status == status, resp.text
    assert words in resp.text
    assert len(r.queries()) == before


def test_a_query_of_the_served_graphs_by_name_is_forwarded(guarded) -> None:
    server, r = guarded
    resp = _ask(server, f"SELECT (COUNT(*) AS ?n) FROM <{vocab.DATA_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert resp.status == 200
    n = int(json.loads(resp.body)["results"]["bindings"][0]["n"]["value"])
    assert n > 1000
    assert "SELECT (COUNT(*) AS ?n) FROM" in r.queries()[-1]  # as sent (the server may prefix a BASE)


def test_the_row_cap_applies_to_remote_answers(guarded) -> None:
    server, _ = guarded
    resp = _ask(server, "SELECT ?s WHERE { ?s ?p ?o }")
    assert resp.status == 200 and resp.header("X-SPARQL-Max-Rows") == "2"
    assert len(json.loads(resp.body)["results"]["bindings"]) == 2


def test_the_time_limit_holds_on_the_outbound_request(guarded) -> None:
    import time

    server, r = guarded
    r.stall_queries = 8  # the engine (through the relay) takes longer than the 3 s limit
    t0 = time.monotonic()
    resp = _ask(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    elapsed = time.monotonic() - t0
    assert resp.status == 503 and "time limit" in resp.text
    assert elapsed < 6


def test_virtuoso_gets_the_time_limit_and_its_partial_answer_is_a_timeout(published, waitress_server,
                                                                          seed_graph: Path) -> None:
    eng = published("virtuoso")
    config = ServerConfig(graph=seed_graph, timeout=1, remote=RemoteSpec(eng.query_url))
    server = waitress_server(create_app(config))
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    resp = _ask(server, heavy)
    assert resp.status == 503 and "time limit" in resp.text, resp.text


# --- the command -------------------------------------------------------------------------------------


def test_serve_remote_runs_as_a_command_in_front_of_the_engine_without_showing_credentials(
        published, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import LOOPBACK, find_free_port, http_request

    eng = published("oxigraph")
    port = find_free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        with_credentials = eng.query_url.replace("http://", "http://reader:s3cret@")
        proc = subprocess.Popen([str(Path(sys.executable).parent / "npt-kg"), "serve", "--remote", with_credentials,
                                 "--host", LOOPBACK, "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                resp = http_request(LOOPBACK, port, "GET", "/health", headers={"Accept": "application/json"})
                if resp.status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        health = json.loads(resp.body)
        assert health["triples"] > 5000
        assert health["store"] == "remote" and health["remote"] == eng.query_url
        assert f"in front of {eng.query_url}" in log.read_text()
        assert "s3cret" not in resp.body.decode() + log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


def test_serve_remote_that_is_down_is_one_line_naming_the_url(free_port: int, capsys) -> None:
    from conftest import find_free_port

    from kg.commands import main as npt_kg

    url = f"http://127.0.0.1:{free_port}/sparql"
    code = npt_kg(["serve", "--remote", url, "--port", str(find_free_port())])
    err = capsys.readouterr().err
    assert code == 1 and url in err and "cannot connect" in err and "Traceback" not in err


def test_serve_remote_excludes_a_local_store_dir(tmp_path: Path, capsys) -> None:
    from kg.commands import main as npt_kg

    assert npt_kg(["serve", "--remote", "http://127.0.0.1:9/sparql", "--store-dir", str(tmp_path)]) == 2
    assert "exclude" in capsys.readouterr().err
