"""The pictures stay readable on a large corpus: their named queries keep the top N, and aggregate.

A generated corpus of 130 papers (bench/generate.py) is more than the 100 papers a heat map
shows, so the limits and the choice of who is shown are exercised; a real corpus of 1,000
papers is cut the same way (the limits do not depend on the corpus size).
"""

from __future__ import annotations

from collections import Counter

import pytest
from pyoxigraph import QuerySolutions, Store

from bench.generate import generate_corpus
from kg import vocab
from kg.build import build_graph
from kg.store import load_dataset
from kg.store.library import load_library

PAPERS = 130
LIBRARY = load_library()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("explore-scale")
    generate_corpus(PAPERS, tmp / "papers")
    build_graph([tmp / "papers"], tmp / "g.ttl")
    return load_dataset(tmp / "g.ttl")


def select(store: Store, sparql: str) -> list[dict[str, str]]:
    results = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in results]


def measures_per_paper(store: Store) -> Counter[str]:
    rows = select(store, f"""SELECT ?p (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?p a <{vocab.NPT_NS}WorkingPaper> ; <{vocab.NPT_NS}proposes>|^<{vocab.NPT_NS}proposedIn> ?m }} GROUP BY ?p""")
    return Counter({r["p"]: int(r["n"]) for r in rows})


def test_the_measure_heat_map_shows_the_100_papers_with_most_measures_and_at_most_30_types(store: Store) -> None:
    counts = measures_per_paper(store)
    assert len(counts) > 100, "the corpus must be larger than the heat map"
    rows = select(store, LIBRARY["explore-measure-types-by-paper"].sparql)
    shown = {r["paper"] for r in rows}
    assert len(shown) == 100
    assert min(counts[p] for p in shown) >= max(counts[p] for p in set(counts) - shown)
    assert len({r["type"] for r in rows}) <= 30
    assert all(int(r["paperTotal"]) == counts[r["paper"]] for r in rows)


def test_the_other_pictures_keep_their_limits(store: Store) -> None:
    actors = {r["actor"] for r in select(store, LIBRARY["explore-measure-types-by-submitter"].sparql)}
    assert 0 < len(actors) <= 40
    risk_rows = select(store, LIBRARY["explore-risk-types-by-paper"].sparql)
    assert 0 < len({r["paper"] for r in risk_rows}) <= 100 and len({r["type"] for r in risk_rows}) <= 30
    edges = select(store, LIBRARY["explore-network"].sparql)
    assert 0 < len({r["source"] for r in edges if r["sourceKind"] == "paper"}) <= 60


def test_the_timeline_counts_every_paper_once_under_its_main_type(store: Store) -> None:
    rows = select(store, LIBRARY["explore-timeline"].sparql)
    with_meeting = select(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p <{vocab.NPT_NS}submittedTo> ?m }}")
    assert sum(int(r["papers"]) for r in rows) == int(with_meeting[0]["n"])
    # aggregated: far fewer bubbles than papers
    assert len(rows) < int(with_meeting[0]["n"])
