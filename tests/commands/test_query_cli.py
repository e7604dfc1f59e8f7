"""`npt-kg query`: named queries and .rq files, in every output format, and its errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from kg import resources, vocab
from kg.build import build_graph
from kg.commands import main
from kg.commands.query import format_table, truncate
from kg.store.library import load_library
from kg.util.iri import compact_iri
from kg.util.text import display_width as cell_width

SEEDS = resources.SEEDS_DIR
NAC_PAPER = vocab.ID_NS + "doc/001_f2694958423e3bfa"
SEED_PAPERS = {
    vocab.ID_NS + "doc/000_7fd555d8a5aa5ef7",
    NAC_PAPER,
    vocab.ID_NS + "doc/003_f88313c97aa13a38",
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("query-cli") / "npt-kg.ttl"
    build_graph([SEEDS], out)
    return out


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_every_seed_paper_with_compact_iris(graph, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run_cli(capsys, "query", "papers", "--graph", str(graph))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[0] == "paper"
    assert set(lines[1]) <= {"-", " "}
    assert lines[-1] == "(3 rows)"
    for iri in SEED_PAPERS:
        assert compact_iri(iri) in out
        assert iri not in out  # compacted, never the full IRI
    assert "New Agenda Coalition" in out


def test_table_fits_a_narrow_terminal_and_marks_cut_cells(graph, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    code, out, _ = run_cli(capsys, "query", "papers", "--graph", str(graph))
    assert code == 0
    assert all(cell_width(line) <= 70 for line in out.splitlines())
    assert "…" in out


def test_csv_is_sparql_csv_results(graph, capsys):
    code, out, _ = run_cli(capsys, "query", "papers", "--format", "csv", "--graph", str(graph))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["paper"] for r in rows} == SEED_PAPERS  # CSV results carry full IRIs
    nac = next(r for r in rows if r["paper"] == NAC_PAPER)
    assert nac["issueDate"] == "2024-05-16"
    assert nac["coalition"] == "New Agenda Coalition"


def test_json_is_sparql_json_results(graph, capsys):
    code, out, _ = run_cli(capsys, "query", "papers", "--format", "json", "--graph", str(graph))
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"][:3] == ["paper", "symbol", "title"]
    bindings = doc["results"]["bindings"]
    assert {b["paper"]["value"] for b in bindings} == SEED_PAPERS
    assert all(b["paper"]["type"] == "uri" for b in bindings)
    nac = next(b for b in bindings if b["paper"]["value"] == NAC_PAPER)
    assert nac["title"]["xml:lang"] == "zh"


def test_ttl_of_a_construct_query_is_turtle_of_that_paper_only(graph, capsys):
    code, out, _ = run_cli(capsys, "query", "paper-subgraph", "--format", "ttl", "--graph", str(graph),
                           "--param", f"paper={NAC_PAPER}")
    assert code == 0
    assert "@prefix npt:" in out  # written with the project prefixes
    triples = list(parse(out.encode("utf-8"), format=RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples}
    assert NAC_PAPER in subjects
    assert all(s.startswith(NAC_PAPER) for s in subjects)


def test_construct_as_table_shows_subject_predicate_object(graph, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "150")
    code, out, _ = run_cli(capsys, "query", "paper-subgraph", "--graph", str(graph))
    assert code == 0
    assert out.splitlines()[0].split() == ["subject", "predicate", "object"]
    assert "npt:onBehalfOf" in out


def test_ttl_of_a_select_query_is_a_clear_usage_error(graph, capsys):
    code, out, err = run_cli(capsys, "query", "papers", "--format", "ttl", "--graph", str(graph))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "SELECT" in err and "CONSTRUCT" in err


def test_csv_of_a_construct_query_is_a_clear_usage_error(graph, capsys):
    code, _, err = run_cli(capsys, "query", "paper-subgraph", "--format", "csv", "--graph", str(graph))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "ttl" in err


def test_unknown_query_name_lists_the_available_ones(graph, capsys):
    code, out, err = run_cli(capsys, "query", "no-such-question", "--graph", str(graph))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "no-such-question" in lines[0]
    for name in load_library():
        assert name in lines[0]


def test_a_query_file_path_runs_too(graph, capsys, tmp_path):
    rq = tmp_path / "count-papers.rq"
    rq.write_text(
        "# title: Count papers\n"
        f"PREFIX npt: <{vocab.NPT_NS}>\n"
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p a npt:WorkingPaper }\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, "query", str(rq), "--format", "csv", "--graph", str(graph))
    assert code == 0
    assert out.split() == ["n", "3"]


def test_ask_query_prints_true_or_false(graph, capsys, tmp_path):
    rq = tmp_path / "ask.rq"
    rq.write_text(f"ASK {{ <{NAC_PAPER}> ?p ?o }}\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "query", str(rq), "--graph", str(graph))
    assert (code, out) == (0, "true\n")
    code, out, _ = run_cli(capsys, "query", str(rq), "--format", "json", "--graph", str(graph))
    assert json.loads(out)["boolean"] is True


def test_sparql_syntax_error_is_one_line_naming_the_file(graph, capsys, tmp_path):
    rq = tmp_path / "broken.rq"
    rq.write_text("SELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "query", str(rq), "--graph", str(graph))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(rq) in err and "syntax" in err


def test_missing_default_graph_is_built_from_the_seeds_first(capsys, tmp_path, monkeypatch):
    target = tmp_path / "fresh" / "npt-kg.ttl"
    monkeypatch.setattr("kg.resources.DEFAULT_GRAPH", target)
    code, out, err = run_cli(capsys, "query", "papers", "--format", "csv", "--graph", str(target))
    assert code == 0, err
    assert target.exists()
    assert str(target) in err  # says what it is doing
    assert {r["paper"] for r in csv.DictReader(io.StringIO(out))} == SEED_PAPERS


# --- the table helpers on their own ---------------------------------------------------


def test_compact_iri_uses_the_longest_matching_namespace():
    assert compact_iri(vocab.MEASURE_TYPE_NS + "de-alerting") == "mt:de-alerting"
    assert compact_iri(vocab.ID_NS + "state/AT") == "id:state/AT"
    assert compact_iri(vocab.NPT_NS + "Measure") == "npt:Measure"
    assert compact_iri("http://example.org/x") == "<http://example.org/x>"


def test_truncate_counts_chinese_characters_as_two_cells():
    assert cell_width("戒备ab") == 6
    assert truncate("戒备状态", 5) == "戒备…"
    assert truncate("abc", 3) == "abc"
    assert cell_width(truncate("减少与核武器有关的风险", 9)) <= 9


def test_format_table_keeps_every_line_within_the_width():
    rows = [["id:doc/x", "减少与核武器有关的风险范围的措施和避免增加这种风险的措施", "2023-07-31"]]
    text = format_table(["paper", "title", "date"], rows, width=40)
    assert all(cell_width(line) <= 40 for line in text.splitlines())
    assert text.splitlines()[-1] == "(1 row)"


# --- parameters -------------------------------------------------------------------------


def test_a_parameter_picks_the_paper_of_the_subgraph(graph, capsys):
    """The same query, two papers: each answer holds only its own paper's resources."""
    subjects = {}
    papers = sorted(SEED_PAPERS)[:2]
    for paper in papers:
        code, out, err = run_cli(capsys, "query", "paper-subgraph", "--format", "ttl", "--graph", str(graph),
                                 "--param", f"paper={paper}")
        assert code == 0, err
        subjects[paper] = {t.subject.value for t in parse(out.encode("utf-8"), format=RdfFormat.TURTLE)}
        assert paper in subjects[paper] and all(s.startswith(paper) for s in subjects[paper])
    assert subjects[papers[0]].isdisjoint(subjects[papers[1]])


def test_parameters_accept_compact_iris_and_several_values(graph, capsys):
    code, out, _ = run_cli(capsys, "query", "measures-addressed-to-states", "--format", "csv", "--graph", str(graph),
                           "--param", "state=id:state/US")
    assert code == 0
    only_us = list(csv.DictReader(io.StringIO(out)))
    code, out, _ = run_cli(capsys, "query", "measures-addressed-to-states", "--format", "csv", "--graph", str(graph),
                           "--param", "state=id:state/US", "--param", "state=id:state/RU")
    both = list(csv.DictReader(io.StringIO(out)))
    assert only_us and {r["addressedTo"] for r in only_us} == {"United States of America"}
    assert any("Russian Federation" in r["addressedTo"] for r in both)


def test_a_string_parameter_is_a_literal_not_query_text(graph, capsys):
    code, out, err = run_cli(capsys, "query", "search-paragraphs", "--format", "csv", "--graph", str(graph),
                             "--param", 'term=" } SELECT * WHERE { ?s ?p ?o } #')
    assert code == 0, err
    assert list(csv.DictReader(io.StringIO(out))) == []


@pytest.mark.parametrize("param, message", [("paper=not an iri", "is not an IRI"),
                                            ("colour=red", "has no parameter colour"),
                                            ("paper", "write NAME=VALUE")])
def test_a_bad_parameter_is_one_line(graph, capsys, param: str, message: str):
    code, _, err = run_cli(capsys, "query", "paper-subgraph", "--graph", str(graph), "--param", param)
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1
