"""`npt-kg stats` on the seed graph: the counts a researcher checks first.

Expected numbers come from reading seeds/ (see tests/test_queries.py for the papers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from kg import resources
from kg.build import build_graph
from kg.commands import main
from kg.commands.stats import collect
from kg.store import load_dataset


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    return out


@pytest.fixture(scope="module")
def counts(graph: Path) -> dict[str, int]:
    return collect(load_dataset(graph))


def test_structure_counts_match_the_seed_papers(counts):
    assert counts["papers"] == 3
    assert counts["paragraphs"] == 21 + 12 + 18
    assert counts["items"] == 44 + 42 + 13
    assert counts["footnotes"] == 6 + 4 + 0
    assert counts["sections"] == 5 + 6 + 5


def test_measure_and_risk_counts_match_the_seed_papers(counts):
    # A 11(a-h), 13(a-c), 19(a-q), 20(a-g); B 12(a-h), 12(h)(一)-(九); C 5(a-g);
    # and paragraphs that themselves call on someone: A 12 (…应提供给秘书长), B 10 (各国必须降低…),
    # C 15 (各国必须合作并参与讨论) and 17 (我们邀请所有国家…采取必要的…步骤); and the leads of A 11 and 13,
    # which ask for the reports their items list the contents of (…应定期提供标准化资料，除其他外说明：)
    assert counts["measures"] == 35 + 17 + 7 + 4 + 2
    # at least one risk per listed risk item: A 15 bullets and 21(a-f); B 1(a-n), 8(a-k); plus C 8 and 10
    assert counts["risks"] >= 9 + 25 + 2


def test_actor_and_document_counts_match_the_seed_papers(counts):
    # A: 11 submitters, Russia and the US; B: the NAC members other than Mexico (already in A),
    # Indonesia (footnote 3: Bali), Russia and the US again; C: the UK and Norway (and Russia, the US).
    assert counts["states"] == 11 + 2 + 5 + 1 + 2
    # the New Agenda Coalition (B), and the Stockholm Initiative, NPDI and CEND named in C 5
    assert counts["coalitions"] == 4
    # NPT, CTBT, FMCT, New START (A); Outer Space Treaty, TPNW (B)
    assert counts["treaties"] == 6
    # A/71/371, A/RES/70/33, NPT/CONF.2026/PC.I/WP.5, NPT/CONF.2000/28
    assert counts["cited documents"] == 4
    # the January 2022 P5 statement and the November 2022 G20 Bali declaration
    assert counts["statements"] == 2
    # A: 5 (resolution 70/33), footnotes 3, 4, 6 (A/71/371), 20(e) (the P5 statement and the Bali
    # declaration); B: footnotes * (WP.5), 1 (NPT/CONF.2000/28), 2 and 3 (the two statements),
    # 12(h)(一) (the two statements again)
    assert counts["citations"] == 6 + 6


def test_triples_are_counted_per_graph(graph, counts):
    in_file = {t for t in parse(path=str(graph), format=RdfFormat.TURTLE)}
    assert counts["triples"] == len(in_file)
    ontology = set()
    for path in resources.ONTOLOGY_FILES:
        ontology |= {t for t in parse(path=str(path), format=RdfFormat.TURTLE)}
    assert counts["ontology triples"] == len(ontology)


def test_stats_command_prints_one_aligned_block(graph, capsys, counts):
    assert main(["stats", "--graph", str(graph)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == str(graph)
    body = {}
    for line in lines[1:]:
        m = re.fullmatch(r"  (\S.*?)\s+([\d,]+)", line)
        assert m, f"unexpected line {line!r}"
        body[m.group(1)] = int(m.group(2).replace(",", ""))
    assert body == counts
    for key in ("papers", "paragraphs", "items", "footnotes", "measures", "risks", "states", "coalitions",
                "treaties", "citations", "triples"):
        assert key in body
    assert len({len(line) for line in lines[1:]}) == 1  # numbers right-aligned in one column


def test_stats_builds_the_default_graph_when_missing(tmp_path, capsys, monkeypatch):
    target = tmp_path / "npt-kg.ttl"
    monkeypatch.setattr("kg.resources.DEFAULT_GRAPH", target)
    assert main(["stats", "--graph", str(target)]) == 0
    captured = capsys.readouterr()
    assert target.exists()
    assert "papers" in captured.out
    assert str(target) in captured.err
