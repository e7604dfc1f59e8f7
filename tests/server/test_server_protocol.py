"""The SPARQL 1.1 Protocol against a real waitress server whose queries run in worker processes."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, parse, parse_query_results
from test_server_sample import AUSTRIA, PAPER, sample_config

from kg import resources, vocab
from kg.store import load_dataset
from kg.store.library import load_library
from server import create_app
from server.app import close_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
STATES = f"SELECT ?s WHERE {{ ?s a <{vocab.NPT_NS}NonNuclearWeaponState> }} ORDER BY ?s"
CONSTRUCT = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{vocab.DATA_GRAPH}> {{ ?s ?p ?o FILTER(?s = <{AUSTRIA}>) }} }}")
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("protocol")


@pytest.fixture(scope="module")
def config(tmp_module: Path):
    return sample_config(tmp_module, use_workers=True, workers=2, timeout=20.0, max_rows=50_000)


@pytest.fixture(scope="module")
def server(config, module_waitress_server):
    app = create_app(config)
    yield module_waitress_server(app, threads=6)
    close_app(app)


@pytest.fixture(scope="module")
def expected(config) -> dict[str, int]:
    """Counts read straight from a pyoxigraph store, to compare the endpoint's answers with."""
    store = load_dataset(config.graph)
    per_graph = {}
    for g in (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH, vocab.DERIVED_GRAPH):
        per_graph[g] = sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(g)))
    return {"all": len(store), **per_graph}


def q(query: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def count_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# --- the three ways to send a query ----------------------------------------------------------------


def test_get_with_query_parameter(server) -> None:
    resp = server.get(q("ASK { ?s ?p ?o }"))
    assert resp.status == 200
    assert resp.header("Content-Type") == "application/sparql-results+json"
    assert json.loads(resp.body) == {"head": {}, "boolean": True}


def test_post_form_encoded(server, expected) -> None:
    body = urllib.parse.urlencode({"query": COUNT})
    resp = server.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 200
    assert count_of(resp.body) == expected["all"]


def test_post_sparql_query_body(server, expected) -> None:
    resp = server.request("POST", "/sparql", COUNT, {"Content-Type": "application/sparql-query; charset=utf-8"})
    assert resp.status == 200
    assert count_of(resp.body) == expected["all"]


def test_post_sparql_query_with_graph_parameters_in_the_url(server, expected) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"default-graph-uri": vocab.DATA_GRAPH})
    resp = server.request("POST", path, COUNT, {"Content-Type": "application/sparql-query"})
    assert count_of(resp.body) == expected[vocab.DATA_GRAPH]


def test_query_text_with_unicode(server) -> None:
    query = f'ASK {{ <{AUSTRIA}> ?p "奥地利"@zh }}'
    assert json.loads(server.get(q(query)).body)["boolean"] is True


# --- the dataset ----------------------------------------------------------------------------------------


def test_default_dataset_is_the_union_of_ontology_and_data(server, expected) -> None:
    assert count_of(server.get(q(COUNT)).body) == expected["all"]
    assert expected[vocab.ONTOLOGY_GRAPH] > 0 and expected[vocab.DATA_GRAPH] > 0


@pytest.mark.parametrize("graph", [vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH])
def test_default_graph_uri_picks_the_default_graph(server, expected, graph: str) -> None:
    assert count_of(server.get(q(COUNT, **{"default-graph-uri": graph})).body) == expected[graph]


def test_several_default_graph_uris_merge(server, expected) -> None:
    graphs = (vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH, vocab.DERIVED_GRAPH)
    path = "/sparql?" + urllib.parse.urlencode([("query", COUNT), *(("default-graph-uri", g) for g in graphs)])
    assert count_of(server.get(path).body) == expected["all"]
    two = "/sparql?" + urllib.parse.urlencode(
        [("query", COUNT), ("default-graph-uri", vocab.ONTOLOGY_GRAPH), ("default-graph-uri", vocab.DATA_GRAPH)])
    assert count_of(server.get(two).body) == expected[vocab.ONTOLOGY_GRAPH] + expected[vocab.DATA_GRAPH]


def test_named_graph_uri_limits_graph_patterns(server) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = json.loads(server.get(q(query)).body)["results"]["bindings"]
    assert {b["g"]["value"] for b in everything} == {vocab.ONTOLOGY_GRAPH, vocab.DATA_GRAPH, vocab.DERIVED_GRAPH}
    only = json.loads(server.get(q(query, **{"named-graph-uri": vocab.DATA_GRAPH})).body)["results"]["bindings"]
    assert [b["g"]["value"] for b in only] == [vocab.DATA_GRAPH]


def test_named_graph_uri_alone_leaves_the_default_graph_empty(server) -> None:
    resp = server.get(q(COUNT, **{"named-graph-uri": vocab.DATA_GRAPH}))
    assert count_of(resp.body) == 0


def test_from_clause_in_the_query_is_honoured(server, expected) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{vocab.ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert count_of(server.get(q(query)).body) == expected[vocab.ONTOLOGY_GRAPH]


def test_graph_parameter_that_is_not_an_iri_is_400(server) -> None:
    resp = server.get(q(COUNT, **{"default-graph-uri": "not an iri"}))
    assert resp.status == 400 and b"IRI" in resp.body


# --- result formats ---------------------------------------------------------------------------------------


def _states_from(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if fmt == "xml":
        root = ET.fromstring(body)
        return [u.text for u in root.iter(f"{SRX}uri")]
    if fmt == "csv":
        return [row["s"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    rows = body.decode("utf-8").splitlines()
    assert rows[0] == "?s"
    return [r.strip("<>") for r in rows[1:]]


@pytest.mark.parametrize(("accept", "fmt", "content_type"), [
    ("application/sparql-results+json", "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml; charset=utf-8"),
    ("text/csv", "csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values; charset=utf-8"),
])
def test_select_in_each_results_format_parses_back(server, accept: str, fmt: str, content_type: str) -> None:
    resp = server.get(q(STATES), {"Accept": accept})
    assert resp.status == 200
    assert resp.header("Content-Type") == content_type
    assert _states_from(fmt, resp.body) == [AUSTRIA, vocab.ID_NS + "state/CL"]
    pyox = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML, "csv": QueryResultsFormat.CSV,
            "tsv": QueryResultsFormat.TSV}[fmt]
    if fmt != "csv":  # CSV loses term types, so pyoxigraph does not read it back
        assert [s["s"].value for s in parse_query_results(resp.body, pyox)] == [AUSTRIA, vocab.ID_NS + "state/CL"]


@pytest.mark.parametrize(("fmt", "accept"), [("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                              ("tsv", "text/tab-separated-values")])
def test_ask_in_other_formats(server, fmt: str, accept: str) -> None:
    resp = server.get(q("ASK { ?s ?p ?o }"), {"Accept": accept})
    assert resp.status == 200
    body = resp.body.decode()
    assert ("<boolean>true</boolean>" in body) if fmt == "xml" else body.strip() == "true"


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", RdfFormat.TURTLE),
    ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/rdf+xml", RdfFormat.RDF_XML),
    ("application/ld+json", RdfFormat.JSON_LD),
])
def test_construct_in_each_rdf_format_parses_back(server, accept: str, fmt: RdfFormat) -> None:
    resp = server.get(q(CONSTRUCT), {"Accept": accept})
    assert resp.status == 200
    assert resp.header("Content-Type").split(";")[0] == accept
    triples = {qd.triple for qd in parse(resp.body, fmt)}
    assert len(triples) == 4  # type, two labels, ISO code
    assert all(t.subject == NamedNode(AUSTRIA) for t in triples)


def test_describe_returns_a_graph(server) -> None:
    resp = server.get(q(f"DESCRIBE <{PAPER}>"), {"Accept": "application/n-triples"})
    assert resp.status == 200
    assert any(qd.subject == NamedNode(PAPER) for qd in parse(resp.body, RdfFormat.N_TRIPLES))


def test_results_are_json_by_default_and_turtle_for_graphs(server) -> None:
    assert server.get(q(STATES)).header("Content-Type") == "application/sparql-results+json"
    assert server.get(q(CONSTRUCT)).header("Content-Type") == "text/turtle; charset=utf-8"


# --- negotiation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "content_type"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("text/*;q=0.8, application/json;q=0.2", "text/csv"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_accept_with_q_values(server, accept: str, content_type: str) -> None:
    resp = server.get(q(STATES), {"Accept": accept})
    assert resp.status == 200
    assert resp.header("Content-Type").split(";")[0] == content_type


@pytest.mark.parametrize(("accept", "content_type"), [
    ("application/ld+json;q=0.9, text/turtle;q=0.4", "application/ld+json"),
    ("application/rdf+xml;q=0.3, application/n-triples;q=0.7", "application/n-triples"),
    ("application/json", "application/ld+json"),
])
def test_construct_accept_with_q_values(server, accept: str, content_type: str) -> None:
    assert server.get(q(CONSTRUCT), {"Accept": accept}).header("Content-Type").split(";")[0] == content_type


@pytest.mark.parametrize(("fmt", "query", "content_type"), [
    ("csv", STATES, "text/csv"), ("tsv", STATES, "text/tab-separated-values"),
    ("xml", STATES, "application/sparql-results+xml"), ("json", STATES, "application/sparql-results+json"),
    ("ttl", CONSTRUCT, "text/turtle"), ("nt", CONSTRUCT, "application/n-triples"),
    ("rdfxml", CONSTRUCT, "application/rdf+xml"), ("jsonld", CONSTRUCT, "application/ld+json"),
    ("json", CONSTRUCT, "application/ld+json"), ("text/csv", STATES, "text/csv"),
])
def test_format_parameter_overrides_accept(server, fmt: str, query: str, content_type: str) -> None:
    resp = server.get(q(query, format=fmt), {"Accept": "application/sparql-results+xml, text/turtle"})
    assert resp.status == 200
    assert resp.header("Content-Type").split(";")[0] == content_type


def test_format_that_does_not_fit_the_query_is_406(server) -> None:
    resp = server.get(q(STATES, format="ttl"))
    assert resp.status == 406 and b"format" in resp.body
    assert server.get(q(CONSTRUCT), {"Accept": "text/csv"}).status == 406
    assert server.get(q(STATES), {"Accept": "image/png"}).status == 406


def test_unknown_format_name_is_400(server) -> None:
    resp = server.get(q(STATES, format="docx"))
    assert resp.status == 400 and b"docx" in resp.body


def test_responses_vary_on_accept(server) -> None:
    assert "Accept" in server.get(q(STATES)).header("Vary")


# --- streaming and caps ------------------------------------------------------------------------------------


def test_large_results_stream_in_chunks(server) -> None:
    query = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y } LIMIT 40000"
    resp = server.get(q(query))
    assert resp.status == 200
    assert resp.header("Transfer-Encoding") == "chunked" and resp.header("Content-Length") is None
    assert len(json.loads(resp.body)["results"]["bindings"]) == 40000


def test_select_is_capped_at_max_rows(server, config) -> None:
    resp = server.get(q("SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y }"), {"Accept": "text/tab-separated-values"})
    assert resp.status == 200
    assert resp.header("X-SPARQL-Max-Rows") == str(config.max_rows)
    assert len(resp.body.decode().splitlines()) == config.max_rows + 1


def test_a_client_leaving_mid_stream_does_not_hurt_the_next_query(server) -> None:
    import http.client

    for _ in range(3):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        conn.request("GET", q("SELECT * WHERE { ?a ?p ?x . ?b ?q ?y }"))
        resp = conn.getresponse()
        assert resp.status == 200
        resp.read(1000)
        conn.close()
    assert json.loads(server.get(q("ASK {}"), timeout=60).body)["boolean"] is True


# --- CORS and the service description over HTTP ----------------------------------------------------------------


def test_cors_preflight_over_http(server) -> None:
    resp = server.request("OPTIONS", "/sparql", None, {"Origin": "https://example.org",
                                                       "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "content-type"})
    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") == "*"
    assert "POST" in resp.header("Access-Control-Allow-Methods")
    assert "Content-Type" in resp.header("Access-Control-Allow-Headers")


def test_service_description_names_this_endpoint(server) -> None:
    resp = server.get("/sparql", {"Accept": "text/turtle"})
    assert resp.status == 200
    triples = {qd.triple for qd in parse(resp.body, RdfFormat.TURTLE)}
    endpoints = {t.object for t in triples if t.predicate == vocab.SD.endpoint}
    assert endpoints == {NamedNode(f"{server.url}/sparql")}


# --- the real graph ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_server(tmp_module: Path, module_waitress_server):
    from kg.build import build_graph

    graph = tmp_module / "seed" / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], graph)
    app = create_app(sample_config(tmp_module / "seed-app", graph=graph, use_workers=True, workers=2,
                                   timeout=60.0, queries_dir=resources.QUERIES_DIR))
    yield module_waitress_server(app)
    close_app(app)


@pytest.mark.parametrize("name", sorted(load_library()))
def test_every_named_query_answers_on_the_seed_graph(seed_server, name: str) -> None:
    query = load_library()[name].sparql
    resp = seed_server.request("POST", "/sparql", query, {"Content-Type": "application/sparql-query"}, timeout=120)
    assert resp.status == 200, resp.text
    assert resp.body.strip()


def test_ask_on_the_seed_graph_is_true(seed_server) -> None:
    assert json.loads(seed_server.get("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D").body)["boolean"] is True
