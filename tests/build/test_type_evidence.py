"""Every typed measure says why: the words that matched, and where they stand when not in its own text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import resources
from kg.build import build_graph
from kg.store import load_dataset

QUERY = """
PREFIX npt: <https://w3id.org/npt-kg/ontology#>
SELECT ?measure ?phrase ?from (GROUP_CONCAT(?quote; separator="\\n") AS ?quotes) WHERE {
  ?measure npt:typedBy ?why ; npt:quote ?quote .
  ?why npt:evidenceFor ?type ; npt:triggerPhrase ?phrase .
  ?measure npt:measureType ?type .
  OPTIONAL { ?why npt:evidenceFrom ?from }
} GROUP BY ?measure ?phrase ?from
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    graph = tmp_path_factory.mktemp("evidence") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR, *sorted((Path(__file__).parents[2] / "bench/eval/dev").glob("*.txt"))], graph)
    return load_dataset(graph)


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def test_a_trigger_phrase_is_in_the_measures_own_words_unless_the_evidence_says_where_it_stands(store: Store):
    rows = list(store.query(QUERY, use_default_graph_as_union=True))
    assert len(rows) > 100
    elsewhere = [r for r in rows if r["from"] is not None]
    assert elsewhere, "the dev papers have steps typed by their list's lead, sub-items or theme"
    assert {r["from"].value for r in elsewhere} <= {"list lead", "sub-items", "theme"}
    for r in rows:
        if r["from"] is None:
            assert _squash(r["phrase"].value) in _squash(r["quotes"].value), (r["measure"].value, r["phrase"].value)
