"""HTTP details clients expect, over a real server: access log, gzip, ETags, named queries with parameters."""

from __future__ import annotations

import gzip
import json
import re
import time

import pytest
from test_server_sample import AUSTRIA, CHILE, QUERY_FILES, sample_config

from kg import vocab
from server import create_app
from server.app import close_app

STATES_BY_PARAM = ("# title: States by code\n# param: code string AT\n"
                   f"PREFIX npt: <{vocab.NPT_NS}>\n"
                   "SELECT ?state WHERE { VALUES ?code { \"AT\" } ?state npt:isoCode ?code }\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_waitress_server):
    tmp = tmp_path_factory.mktemp("http")
    config = sample_config(tmp)
    (config.queries_dir / "state-by-code.rq").write_text(STATES_BY_PARAM, encoding="utf-8")
    app = create_app(config)
    yield module_waitress_server(app, threads=4)
    close_app(app)


def states(body: bytes) -> list[str]:
    return [b["state"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_every_request_writes_one_access_log_line(server, capsys) -> None:
    capsys.readouterr()
    ok = server.get("/queries/papers")
    missing = server.get("/nowhere")
    err, deadline = "", time.monotonic() + 5
    while err.count('"GET /') < 2 and time.monotonic() < deadline:  # written when the server closes the body
        time.sleep(0.05)
        err += capsys.readouterr().err
    lines = [line for line in err.splitlines() if '"GET /' in line]
    assert len(lines) == 2
    pattern = r'^127\.0\.0\.1 "GET (\S+) HTTP/1\.1" (\d{3}) (\d+) (\d+\.\d)ms$'
    (path1, status1, sent1, _), (path2, status2, sent2, _) = (re.match(pattern, line).groups() for line in lines)
    assert (path1, int(status1), int(sent1)) == ("/queries/papers", 200, len(ok.body))  # streamed, still counted
    assert (path2, int(status2), int(sent2)) == ("/nowhere", 404, len(missing.body))


@pytest.mark.parametrize("path", ["/data", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
                                  "/queries/papers", "/"])
def test_bodies_are_gzipped_for_clients_that_accept_it(server, path: str) -> None:
    plain = server.get(path)
    zipped = server.get(path, {"Accept-Encoding": "gzip"})
    assert zipped.status == plain.status == 200
    assert zipped.header("Content-Encoding") == "gzip" and plain.header("Content-Encoding") is None
    assert "Accept-Encoding" in zipped.header("Vary")
    assert gzip.decompress(zipped.body) == plain.body and len(zipped.body) < len(plain.body)


@pytest.mark.parametrize("path", ["/data", "/data?graph=" + vocab.DATA_GRAPH, "/queries/papers",
                                  "/queries/state-by-code?code=CL"])
def test_read_only_results_answer_304_to_their_etag(server, path: str) -> None:
    first = server.get(path)
    etag = first.header("ETag")
    assert first.status == 200 and etag and etag.startswith('W/"')
    again = server.get(path, {"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.header("ETag") == etag
    zipped = server.get(path, {"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert zipped.status == 304  # one validator for the plain and the gzipped body
    other = server.get(path, {"If-None-Match": 'W/"something-else"'})
    assert other.status == 200 and other.body == first.body


def test_etags_differ_by_format_and_by_parameter(server) -> None:
    tags = {server.get(p).header("ETag") for p in ("/data", "/data?format=nt", "/queries/state-by-code",
                                                   "/queries/state-by-code?code=CL")}
    assert len(tags) == 4


def test_a_named_query_takes_its_parameters_from_the_query_string(server) -> None:
    assert states(server.get("/queries/state-by-code").body) == [AUSTRIA]  # the default
    assert states(server.get("/queries/state-by-code?code=CL").body) == [CHILE]
    assert sorted(states(server.get("/queries/state-by-code?code=CL&code=AT").body)) == [AUSTRIA, CHILE]
    csv = server.get("/queries/state-by-code?code=CL&format=csv")
    assert csv.header("Content-Type").startswith("text/csv") and CHILE in csv.text


def test_a_named_query_refuses_an_unknown_parameter_and_an_unknown_name(server) -> None:
    bad = server.get("/queries/state-by-code?colour=red")
    assert bad.status == 400 and "no parameter colour" in bad.text
    assert server.get("/queries/no-such-query").status == 404


def test_the_library_lists_each_querys_parameters_and_results_link(server) -> None:
    listing = json.loads(server.get("/queries?format=json").body)["queries"]
    by_name = {q["name"]: q for q in listing}
    assert set(by_name) == {*QUERY_FILES, "state-by-code"}
    assert by_name["state-by-code"]["params"] == [{"name": "code", "kind": "string", "default": ["AT"]}]
    assert server.get(by_name["state-by-code"]["results"]).status == 200
