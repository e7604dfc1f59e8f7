"""Real SPARQL clients against a real server: SPARQLWrapper with its defaults, and rdflib's SPARQLStore.

Also the read-only cases of the W3C SPARQL 1.1 Protocol that clients trip over: format
parameters repeated with one meaning, relative IRIs resolved against the request IRI,
and bodies in another encoding refused.
"""

from __future__ import annotations

import json
import urllib.parse
import warnings
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from test_server_sample import AUSTRIA, CHILE, PAPER, sample_config

from kg import vocab
from server import create_app
from server.app import close_app

STATES = (f"PREFIX npt: <{vocab.NPT_NS}> PREFIX rdfs: <{vocab.RDFS_NS}> "
          "SELECT ?state ?label WHERE { ?state a npt:NonNuclearWeaponState ; rdfs:label ?label "
          'FILTER(lang(?label) = "en") } ORDER BY ?state')
CONSTRUCT = f"CONSTRUCT {{ <{AUSTRIA}> ?p ?o }} WHERE {{ <{AUSTRIA}> ?p ?o }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_waitress_server):
    app = create_app(sample_config(tmp_path_factory.mktemp("clients")))
    yield module_waitress_server(app, threads=4)
    close_app(app)


def wrapper(server, return_format: str, query: str, method: str | None = None) -> SPARQLWrapper:
    sw = SPARQLWrapper(server.url + "/sparql")  # defaults otherwise: GET, every format parameter sent
    sw.setQuery(query)
    sw.setReturnFormat(return_format)
    if method:
        sw.setMethod(method)
    return sw


# --- SPARQLWrapper, as a user calls it ------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select_as_json(server, method) -> None:
    result = wrapper(server, JSON, STATES, method).queryAndConvert()
    rows = [(b["state"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]]
    assert rows == [(AUSTRIA, "Austria"), (CHILE, "Chile")]


def test_sparqlwrapper_select_as_xml(server) -> None:
    doc = wrapper(server, XML, STATES).queryAndConvert()  # an xml.dom.minidom document
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == [AUSTRIA, CHILE]


@pytest.mark.parametrize("fmt, sep", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_as_csv_and_tsv(server, fmt: str, sep: str) -> None:
    body = wrapper(server, fmt, STATES).queryAndConvert().decode("utf-8")
    lines = body.strip().splitlines()
    assert lines[0].replace("?", "").split(sep) == ["state", "label"]
    assert len(lines) == 3 and "Austria" in lines[1] and "Chile" in lines[2]


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_ask(server, method) -> None:
    assert wrapper(server, JSON, f"ASK {{ <{AUSTRIA}> ?p ?o }}", method).queryAndConvert()["boolean"] is True
    assert wrapper(server, JSON, "ASK { <urn:nothing> ?p ?o }", method).queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, XML])
@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_construct_in_each_graph_format(server, fmt: str, method) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper warns when it cannot tell what it got
        graph = wrapper(server, fmt, CONSTRUCT, method).queryAndConvert()
    if not isinstance(graph, Graph):  # Turtle and JSON-LD come back as bytes to parse
        graph = Graph().parse(data=graph, format="turtle" if fmt == TURTLE else "json-ld")
    assert (URIRef(AUSTRIA), URIRef(vocab.NPT_NS + "isoCode"), None) in graph
    assert set(graph.subjects()) == {URIRef(AUSTRIA)}


def test_sparqlwrapper_describe(server) -> None:
    graph = wrapper(server, XML, f"DESCRIBE <{PAPER}>").queryAndConvert()
    assert isinstance(graph, Graph)
    assert (URIRef(PAPER), URIRef(vocab.NPT_NS + "symbol"), None) in graph


# --- rdflib's SPARQLStore -------------------------------------------------------------------------------


def test_rdflib_sparqlstore_select_ask_and_construct(server) -> None:
    graph = Graph(store=SPARQLStore(server.url + "/sparql"))
    rows = [(str(r.state), str(r.label)) for r in graph.query(STATES)]
    assert rows == [(AUSTRIA, "Austria"), (CHILE, "Chile")]
    assert graph.query(f"ASK {{ <{CHILE}> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and (URIRef(AUSTRIA), None, None) in constructed
    assert (URIRef(PAPER), URIRef(vocab.NPT_NS + "submittedBy"), URIRef(AUSTRIA)) in graph  # triples()


def test_rdflib_sparqlstore_refuses_updates_cleanly(server) -> None:
    graph = Graph(store=SPARQLStore(server.url + "/sparql"))
    with pytest.raises(TypeError):  # read-only store: rdflib itself refuses, nothing is sent
        graph.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


# --- the W3C protocol cases -----------------------------------------------------------------------------


def q(query: str, *pairs: tuple[str, str]) -> str:
    return "/sparql?" + urllib.parse.urlencode([("query", query), *pairs])


@pytest.mark.parametrize("pairs, content_type", [
    ((("format", "json"), ("output", "json"), ("results", "json")), "application/sparql-results+json"),
    ((("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv")), "text/tab-separated-values"),
    ((("output", "xml"), ("output", "xml")), "application/sparql-results+xml"),
    ((("format", "csv"), ("format", "")), "text/csv"),
])
def test_repeated_format_parameters_that_agree_are_one_format(server, pairs, content_type: str) -> None:
    resp = server.get(q(STATES, *pairs))
    assert resp.status == 200, resp.text
    assert resp.header("Content-Type").split(";")[0] == content_type


@pytest.mark.parametrize("pairs", [
    (("format", "json"), ("output", "xml")),
    (("format", "csv"), ("results", "tsv")),
    (("format", "application/sparql-results+json"), ("format", "text/csv")),
])
def test_format_parameters_that_disagree_are_refused(server, pairs) -> None:
    resp = server.get(q(STATES, *pairs))
    assert resp.status == 400 and b"different serializations" in resp.body


def test_relative_iris_resolve_against_the_request_iri(server) -> None:
    resp = server.get(q("CONSTRUCT { <s> <p> 1 } WHERE {}"), {"Accept": "application/n-triples"})
    assert resp.status == 200, resp.text
    [triple] = list(parse(resp.body, format=RdfFormat.N_TRIPLES))
    assert triple.subject.value == server.url + "/s" and triple.predicate.value == server.url + "/p"


def test_a_base_the_query_declares_wins(server) -> None:
    resp = server.get(q("BASE <http://example.org/x/> SELECT ?v WHERE { BIND(<y> AS ?v) }"))
    assert json.loads(resp.body)["results"]["bindings"][0]["v"]["value"] == "http://example.org/x/y"


def test_a_forged_host_header_cannot_reach_the_query_text(server) -> None:
    resp = server.get(q("SELECT ?v WHERE { BIND(<s> AS ?v) }"), {"Host": "evil> SELECT * WHERE {?a ?b ?c} #"})
    assert resp.status in (200, 400)
    if resp.status == 200:
        [row] = json.loads(resp.body)["results"]["bindings"]
        assert set(row) == {"v"}


@pytest.mark.parametrize("content_type", ["application/sparql-query; charset=UTF-16",
                                          "application/sparql-query; charset=iso-8859-1",
                                          "application/x-www-form-urlencoded; charset=UTF-16"])
def test_a_body_declared_in_another_encoding_is_refused(server, content_type: str) -> None:
    body = "ASK {}".encode("utf-16") if "16" in content_type else b"ASK {}"
    resp = server.request("POST", "/sparql", body, {"Content-Type": content_type})
    assert 400 <= resp.status < 500 and b"UTF-8" in resp.body


def test_a_body_that_is_not_utf8_is_refused_with_the_byte(server) -> None:
    resp = server.request("POST", "/sparql", 'ASK { ?s ?p "é" }'.encode("latin-1"),
                          {"Content-Type": "application/sparql-query"})
    assert resp.status == 400 and b"byte 13" in resp.body


def test_the_w3c_manifest_forms_all_answer(server, tmp_path: Path) -> None:
    """query-get, query-post-form, query-post-direct, each with a dataset given by the protocol."""
    ask = f"ASK {{ <{AUSTRIA}> ?p ?o }}"
    data = vocab.DATA_GRAPH
    answers = [
        server.get(q(ask, ("default-graph-uri", data))),
        server.request("POST", "/sparql", urllib.parse.urlencode({"query": ask, "default-graph-uri": data}),
                       {"Content-Type": "application/x-www-form-urlencoded"}),
        server.request("POST", "/sparql?" + urllib.parse.urlencode({"default-graph-uri": data}), ask,
                       {"Content-Type": "application/sparql-query"}),
        server.get(q(ask, ("default-graph-uri", vocab.ONTOLOGY_GRAPH))),
    ]
    assert [json.loads(r.body)["boolean"] for r in answers] == [True, True, True, False]
