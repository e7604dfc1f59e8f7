"""Property: whatever a client sends to /sparql, the answer is never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_server_sample import sample_config

from server import create_app
from server.app import close_app

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*", ".", ";",
          "FILTER", "OPTIONAL", "UNION", "GRAPH", "SERVICE", "INSERT", "DATA", "LOAD", "PREFIX", "ex:", "<http://e/>",
          '"x"', "'y'@en", "1", "LIMIT", "ORDER", "BY", "COUNT", "AS", "VALUES", "BIND", "#", "\n", "<", ">", "%",
          "\\u0053", "FROM", "NAMED", "a", "^^", "@", "||", "&&", "!"]
ACCEPTS = ["*/*", "text/html", "application/sparql-results+json", "text/csv;q=0.2, text/turtle", "application/json",
           "image/png", ";;", "text/*;q=abc", ""]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "text/plain", "",
                 "application/sparql-query; charset=latin-1", "multipart/form-data"]

query_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    # Worker processes with a short limit: a random text that happens to be an expensive
    # query is stopped instead of holding the test.
    app = create_app(sample_config(tmp_path_factory.mktemp("property") / "x", use_workers=True, workers=2,
                                   timeout=2.0))
    yield app.test_client()
    close_app(app)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(
    query=query_text,
    method=st.sampled_from(["GET", "POST-form", "POST-direct", "POST-raw"]),
    accept=st.one_of(st.sampled_from(ACCEPTS), header_text),
    content_type=st.one_of(st.sampled_from(CONTENT_TYPES), header_text),
    fmt=st.one_of(st.none(), st.sampled_from(["json", "csv", "ttl", "jsonld", "bogus", ""])),
    raw=st.binary(max_size=60),
)
def test_sparql_endpoint_never_answers_500(client, query: str, method: str, accept: str, content_type: str,
                                          fmt: str | None, raw: bytes) -> None:
    params = {"query": query} if fmt is None else {"query": query, "format": fmt}
    headers = {"Accept": accept}
    if method == "GET":
        resp = client.get("/sparql", query_string=params, headers=headers)
    elif method == "POST-form":
        resp = client.post("/sparql", data=params, headers=headers)
    elif method == "POST-direct":
        resp = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                           headers={**headers, "Content-Type": content_type})
    else:
        resp = client.post("/sparql?format=json", data=raw, headers={**headers, "Content-Type": content_type})
    body = resp.get_data()
    assert resp.status_code != 500, body[:300]
    assert resp.status_code in (200, 204, 400, 406, 413, 415, 503), (resp.status_code, body[:300])
    assert b"Traceback" not in body


def test_a_plain_query_still_works_after_the_property_run(client) -> None:
    resp = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert resp.status_code == 200 and resp.get_json()["boolean"] is True
