"""A quote carries the language of the paper it was read from: @en from an English paper, @zh from a Chinese one.

A fact of a paper read in two languages has a quote of each version it was read from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import vocab
from kg.build import build_graph
from kg.store import load_dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/read/ holds the paper makers

from tests.read import samples
from tests.read.unpdf import paper_text

QUOTES = """SELECT ?fact (LANG(?q) AS ?lang) { ?fact npt:quote ?q }"""


def _build(tmp_path: Path, papers: dict[str, dict]) -> Store:
    for name, paper in papers.items():
        (tmp_path / f"{name}.txt").write_text(paper_text(paper), encoding="utf-8")
    build_graph([tmp_path], tmp_path / "graph.ttl", strict=True)
    return load_dataset(tmp_path / "graph.ttl")


def _rows(store: Store, sparql: str) -> list[tuple[str, str]]:
    return [(r[0].value, r[1].value) for r in store.query(vocab.sparql_prefixes() + sparql,
                                                          use_default_graph_as_union=True)]


@pytest.mark.parametrize("paper, lang", [(samples.RISK_EN, "en"), (samples.NAC_EN, "en"), (samples.RISK_ZH, "zh")],
                         ids=["risk-en", "nac-en", "risk-zh"])
def test_every_quote_of_a_paper_is_tagged_with_the_paper_s_language(tmp_path, paper, lang):
    quotes = _rows(_build(tmp_path, {"wp": paper}), QUOTES)
    assert len(quotes) >= 3  # measures and risks were read, so the test has quotes to look at
    assert {got for _fact, got in quotes} == {lang}


def test_a_fact_read_from_both_versions_has_a_quote_in_each_language(tmp_path):
    store = _build(tmp_path, {"wp31-e": samples.RISK_EN, "wp31-c": samples.RISK_ZH})
    sources = _rows(store, """SELECT ?fact ?lang { ?fact a ?kind ;
                                                     prov:wasDerivedFrom/npt:inExpression/npt:language ?lang
                                                 VALUES ?kind { npt:Measure npt:Risk } }""")
    quoted = set(_rows(store, """SELECT ?fact (LANG(?q) AS ?lang) { ?fact a ?kind ; npt:quote ?q
                                                                 VALUES ?kind { npt:Measure npt:Risk } }"""))
    assert {lang for _fact, lang in sources} == {"en", "zh"}
    assert set(sources) == quoted  # a quote in the language of every version the fact was read from, no other
