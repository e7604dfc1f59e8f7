"""Pages, linked data, dumps, descriptions and headers, through the Flask test client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse
from test_server_sample import (
    AUSTRIA,
    CHILE,
    ITEM,
    ITEM_TEXT,
    MEASURE,
    PAPER,
    QUOTE,
    SCRIPT_LABEL,
    SCRIPTED,
    sample_config,
)

from kg import __version__, vocab
from kg.commands.assets import DEFAULT_DEST, installed
from kg.store import load_dataset
from server import create_app
from server.app import CONTENT_SECURITY_POLICY


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages")


@pytest.fixture(scope="module")
def config(tmp_module: Path):
    return sample_config(tmp_module)


@pytest.fixture(scope="module")
def client(config) -> FlaskClient:
    return create_app(config).test_client()


def rdf(body: bytes, fmt: RdfFormat) -> set:
    """The triples of a response body (graph names dropped)."""
    return {q.triple for q in parse(body, fmt)}


def ground(triples: set) -> set:
    return {t for t in triples if not any(isinstance(x, BlankNode) for x in (t.subject, t.object))}


# --- linked data -----------------------------------------------------------------------------------


def test_instance_page_shows_english_and_chinese_labels_and_types(client: FlaskClient) -> None:
    resp = client.get("/id/state/AT", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert resp.content_type == "text/html; charset=utf-8"
    html = resp.get_data(as_text=True)
    assert "Austria" in html and "奥地利" in html
    assert "NonNuclearWeaponState" in html or "non-nuclear" in html.lower()


def test_instance_page_links_in_and_out_to_local_pages(client: FlaskClient) -> None:
    html = client.get("/id/state/AT", headers={"Accept": "text/html"}).get_data(as_text=True)
    # the paper that names Austria as a submitter links in, as a page of this server
    assert 'href="/id/doc/T-WP.1"' in html
    paper = client.get("/id/doc/T-WP.1").get_data(as_text=True)
    assert 'href="/id/state/AT"' in paper and 'href="/id/state/CL"' in paper


def test_extracted_fact_page_quotes_its_source_paragraph(client: FlaskClient) -> None:
    html = client.get("/id/doc/T-WP.1/p/1/a/measure", headers={"Accept": "text/html"}).get_data(as_text=True)
    source = html.split('<blockquote lang="zh" class="paragraph">')[1].split("</blockquote>")[0]
    assert re.sub(r"<[^>]+>", "", source) == ITEM_TEXT  # the text of the item it was derived from
    assert f'<mark class="quote">{QUOTE}</mark>' in source
    assert html.count(QUOTE) == 1  # the quote once: marked in its source, not repeated
    assert 'href="/id/doc/T-WP.1/p/1/a"' in html
    assert 'href="/id/doc/T-WP.1/p/1"' in html and 'href="/id/doc/T-WP.1"' in html  # its paragraph and paper
    assert "1(a)" in html


def test_instance_as_turtle_has_outgoing_and_incoming_triples(client: FlaskClient) -> None:
    resp = client.get("/id/state/AT", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.content_type == "text/turtle; charset=utf-8"
    triples = rdf(resp.data, RdfFormat.TURTLE)
    at = NamedNode(AUSTRIA)
    assert any(t.subject == at and t.object == Literal("奥地利", language="zh") for t in triples)
    assert any(t.subject == NamedNode(PAPER) and t.object == at for t in triples)
    assert all(at in (t.subject, t.object) for t in triples)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/ld+json", RdfFormat.JSON_LD),
    ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/rdf+xml", RdfFormat.RDF_XML),
])
def test_instance_in_each_rdf_format_parses_back(client: FlaskClient, accept: str, fmt: RdfFormat) -> None:
    resp = client.get("/id/doc/T-WP.1/p/1/a/measure", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.content_type.split(";")[0] == accept
    triples = rdf(resp.data, fmt)
    assert any(t.predicate == vocab.PROV.wasDerivedFrom and t.object == NamedNode(ITEM) for t in triples)


def test_instance_format_parameter_overrides_accept(client: FlaskClient) -> None:
    resp = client.get("/id/state/CL?format=ttl", headers={"Accept": "text/html"})
    assert resp.content_type.startswith("text/turtle")
    assert any(t.subject == NamedNode(CHILE) for t in rdf(resp.data, RdfFormat.TURTLE))


def test_unknown_instance_is_404(client: FlaskClient) -> None:
    for path in ("/id/state/XX", "/id/doc/nothing/p/9", "/id/a%20b"):
        resp = client.get(path, headers={"Accept": "text/html"})
        assert resp.status_code == 404, path
        assert b"Traceback" not in resp.data


def test_literals_are_escaped_in_html(client: FlaskClient) -> None:
    html = client.get("/id/test/script", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in html
    turtle = client.get("/id/test/script", headers={"Accept": "text/turtle"}).data
    assert any(t.object == Literal(SCRIPT_LABEL, language="en") for t in rdf(turtle, RdfFormat.TURTLE))
    assert NamedNode(SCRIPTED)


def test_named_query_titles_are_escaped_in_html(client: FlaskClient) -> None:
    html = client.get("/queries", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "States &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html


# --- home, queries, health ------------------------------------------------------------------------


def test_home_page_introduces_the_graph_and_lists_papers(client: FlaskClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "T/WP.1" in html and 'href="/id/doc/T-WP.1"' in html
    for link in ('href="/sparql"', 'href="/queries"', 'href="/data"', 'href="/.well-known/void"'):
        assert link in html


def test_query_library_as_html_has_titles_descriptions_and_run_links(client: FlaskClient) -> None:
    html = client.get("/queries", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Every paper" in html and "所有工作文件" in html and "Symbols and titles." in html
    assert 'href="/sparql#papers"' in html
    assert "/sparql?query=" in html


@pytest.mark.parametrize("how", ["accept", "param"])
def test_query_library_as_json(client: FlaskClient, how: str) -> None:
    resp = (client.get("/queries", headers={"Accept": "application/json"}) if how == "accept"
            else client.get("/queries?format=json", headers={"Accept": "text/html"}))
    assert resp.status_code == 200 and resp.is_json
    entries = {q["name"]: q for q in resp.get_json()["queries"]}
    assert entries["papers"]["title_zh"] == "所有工作文件"
    assert "SELECT ?paper ?symbol" in entries["papers"]["sparql"]
    # the run link answers
    run = client.get(entries["papers"]["run"] + "&format=json")
    assert run.status_code == 200
    assert run.get_json()["results"]["bindings"][0]["symbol"]["value"] == "T/WP.1"


def test_health_reports_triples_build_time_and_version(client: FlaskClient, config) -> None:
    resp = client.get("/health")
    assert resp.status_code == 200 and resp.is_json
    body = resp.get_json()
    expected = len(load_dataset(config.graph))
    assert body["status"] == "ok"
    assert body["triples"] == expected
    assert body["version"] == __version__
    assert body["graph"]["built"].startswith(str(__import__("datetime").date.fromtimestamp(
        config.graph.stat().st_mtime).year))


# --- /data ------------------------------------------------------------------------------------------


def test_data_is_the_whole_graph_as_turtle_by_default(client: FlaskClient, config) -> None:
    resp = client.get("/data")
    assert resp.status_code == 200
    assert resp.content_type == "text/turtle; charset=utf-8"
    triples = rdf(resp.data, RdfFormat.TURTLE)
    expected = {q.triple for q in load_dataset(config.graph)}
    assert len(triples) == len(expected)
    assert ground(triples) == ground(expected)  # blank nodes get fresh labels when parsed


def test_data_as_nquads_keeps_the_named_graphs(client: FlaskClient) -> None:
    resp = client.get("/data", headers={"Accept": "application/n-quads"})
    assert resp.content_type.startswith("application/n-quads")
    graphs = {q.graph_name for q in parse(resp.data, RdfFormat.N_QUADS)}
    assert graphs == {NamedNode(vocab.ONTOLOGY_GRAPH), NamedNode(vocab.DATA_GRAPH), NamedNode(vocab.DERIVED_GRAPH)}


def test_data_as_trig_parses_back(client: FlaskClient) -> None:
    resp = client.get("/data?format=trig")
    assert resp.content_type.startswith("application/trig")
    assert {q.graph_name for q in parse(resp.data, RdfFormat.TRIG)} == {
        NamedNode(vocab.ONTOLOGY_GRAPH), NamedNode(vocab.DATA_GRAPH), NamedNode(vocab.DERIVED_GRAPH)}


def test_data_one_named_graph(client: FlaskClient, config) -> None:
    resp = client.get("/data", query_string={"graph": vocab.DATA_GRAPH}, headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200
    triples = rdf(resp.data, RdfFormat.N_TRIPLES)
    assert triples == {q.triple for q in parse(path=str(config.graph), format=RdfFormat.TURTLE)}


def test_data_default_graph_is_the_union(client: FlaskClient, config) -> None:
    resp = client.get("/data?default", headers={"Accept": "application/ld+json"})
    assert resp.status_code == 200
    assert resp.content_type == "application/ld+json"
    assert len(rdf(resp.data, RdfFormat.JSON_LD)) == len({q.triple for q in load_dataset(config.graph)})


def test_data_unknown_graph_is_404_and_unknown_format_400(client: FlaskClient) -> None:
    assert client.get("/data", query_string={"graph": "https://example.org/none"}).status_code == 404
    assert client.get("/data?format=docx").status_code == 400
    assert client.get("/data", headers={"Accept": "image/png"}).status_code == 406


# --- descriptions --------------------------------------------------------------------------------------


def test_void_describes_dataset_size_endpoint_and_dump(client: FlaskClient, config) -> None:
    resp = client.get("/.well-known/void")
    assert resp.status_code == 200 and resp.content_type.startswith("text/turtle")
    triples = rdf(resp.data, RdfFormat.TURTLE)
    VOID = vocab.VOID
    datasets = [t.subject for t in triples if t.predicate == vocab.RDF.type and t.object == VOID.Dataset]
    main = next(d for d in datasets if any(t.subject == d and t.predicate == VOID.sparqlEndpoint for t in triples))
    props = {t.predicate: t.object for t in triples if t.subject == main}
    assert props[VOID.sparqlEndpoint] == NamedNode("http://localhost/sparql")
    assert props[VOID.dataDump] == NamedNode("http://localhost/data")
    assert int(props[VOID.triples].value) == len(load_dataset(config.graph))
    vocabularies = {t.object for t in triples if t.subject == main and t.predicate == VOID.vocabulary}
    assert NamedNode(vocab.NPT_NS) in vocabularies


def test_service_description_for_rdf_accept_without_query(client: FlaskClient) -> None:
    resp = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert resp.status_code == 200 and resp.content_type.startswith("application/rdf+xml")
    triples = rdf(resp.data, RdfFormat.RDF_XML)
    SD = vocab.SD
    service = next(t.subject for t in triples if t.object == SD.Service)
    assert (service, SD.endpoint, NamedNode("http://localhost/sparql")) in {
        (t.subject, t.predicate, t.object) for t in triples}
    formats = {t.object.value for t in triples if t.predicate == SD.resultFormat}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    names = {t.object for t in triples if t.predicate == SD.name}
    assert names == {NamedNode(vocab.ONTOLOGY_GRAPH), NamedNode(vocab.DATA_GRAPH)}
    assert any(t.predicate == SD.defaultDataset for t in triples)


# --- the query page ------------------------------------------------------------------------------------


def test_query_page_without_yasgui_is_a_plain_form_with_the_named_queries(client: FlaskClient) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 200 and resp.content_type.startswith("text/html")
    html = resp.get_data(as_text=True)
    assert "<textarea" in html and 'action="/sparql"' in html
    assert "Every paper" in html and "yasgui" not in html.lower()


def test_query_page_with_yasgui_loads_it_locally_with_the_queries_as_tabs(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    (assets / "yasgui").mkdir(parents=True)
    (assets / "yasgui" / "yasgui.min.js").write_text("window.Yasgui = function () {};", encoding="utf-8")
    (assets / "yasgui" / "yasgui.min.css").write_text(".yasgui {}", encoding="utf-8")
    client = create_app(sample_config(tmp_path, assets_dir=assets)).test_client()
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<script src="/assets/yasgui/yasgui.min.js"' in html
    assert 'href="/assets/yasgui/yasgui.min.css"' in html
    assert '<script src="/static/query.js"' in html
    head = html.split("</head>")[0]
    assert all(url.startswith("/") for url in re.findall(r'(?:src|href)="([^"]*)"', head))  # no other origins
    config_json = html.split('id="npt-kg-config">')[1].split("</script>")[0]
    page_config = json.loads(config_json)
    assert page_config["endpoint"] == "/sparql"
    assert [q["name"] for q in page_config["queries"]] == ["papers", "states"]
    assert "<script>" not in config_json  # the JSON block cannot end the script element early
    asset = client.get("/assets/yasgui/yasgui.min.js")
    assert asset.status_code == 200 and asset.data.startswith(b"window.Yasgui")
    assert client.get("/static/query.js").status_code == 200


@pytest.mark.skipif(installed(DEFAULT_DEST) is None, reason="YASGUI not installed (make assets)")
def test_installed_yasgui_is_served_as_javascript(tmp_path: Path) -> None:
    client = create_app(sample_config(tmp_path, assets_dir=DEFAULT_DEST)).test_client()
    resp = client.get("/assets/yasgui/yasgui.min.js")
    assert resp.status_code == 200
    assert resp.content_type.split(";")[0] in ("text/javascript", "application/javascript")
    assert b"Yasgui" in resp.data[:200_000] or len(resp.data) > 100_000


# --- headers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/id/state/AT", "/id/none", "/data", "/health",
                                  "/queries", "/.well-known/void", "/static/style.css", "/nowhere"])
def test_every_response_has_security_headers(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_content_security_policy_allows_no_other_origin() -> None:
    for directive in CONTENT_SECURITY_POLICY.split(";"):
        sources = directive.split()[1:]
        assert all(s in ("'self'", "'none'", "'unsafe-inline'", "data:") for s in sources), directive
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_cors_on_sparql_and_data_with_preflight(client: FlaskClient) -> None:
    for path in ("/sparql", "/data"):
        pre = client.options(path, headers={"Origin": "https://example.org",
                                            "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 204
        assert pre.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in pre.headers["Access-Control-Allow-Methods"]
    assert client.get("/sparql?query=ASK%7B%7D").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/data?format=nt").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_errors_are_short_text_or_json(client: FlaskClient) -> None:
    text = client.get("/nowhere")
    assert text.status_code == 404 and text.content_type.startswith("text/plain")
    as_json = client.get("/nowhere", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.get_json()["status"] == 404
    wrong = client.put("/sparql")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_measure_is_linked_from_its_paper_page(client: FlaskClient) -> None:
    html = client.get("/id/doc/T-WP.1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'href="/id/{MEASURE[len(vocab.ID_NS):]}"' in html
